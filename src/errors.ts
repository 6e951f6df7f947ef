/**
 * Every failure the API reports, by code. Codes are UPPER_SNAKE, subject first, and never
 * renamed once shipped; docs/api-errors.md lists each one (a test keeps the two in step).
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, detail: 'One or more validation errors occurred.' },
  BODY_INVALID_JSON: { status: 400, detail: 'The request body is not valid JSON.' },
  CONTENT_TYPE_UNSUPPORTED: { status: 415, detail: 'The request body must be application/json.' },
  BODY_TOO_LARGE: { status: 413, detail: 'The request body is too large.' },
  MULTIPART_INVALID: {
    status: 400,
    detail: 'The multipart body is malformed or truncated.',
  },
  REQUEST_MALFORMED: { status: 400, detail: 'The request is malformed.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    detail: 'The endpoint does not support this method; see the Allow header.',
  },
  MEDIA_TYPE_NOT_ACCEPTABLE: {
    status: 406,
    detail: 'The endpoint answers application/json, which the Accept header does not admit.',
  },
  REQUEST_TIMEOUT: { status: 408, detail: 'The request was not received in time.' },
  HEADERS_TOO_LARGE: { status: 431, detail: 'The request headers are too large.' },
  RQL_INVALID: { status: 400, detail: 'The query is not valid RQL.' },
  RQL_UNKNOWN_FIELD: {
    status: 400,
    detail: 'The query names a field this resource does not have.',
  },
  RQL_TYPE_MISMATCH: { status: 400, detail: 'A query value does not fit the type of its field.' },
  RQL_PAGINATION_INVALID: {
    status: 400,
    detail: 'limit and offset must be non-negative integers.',
  },
  AUTHENTICATION_REQUIRED: { status: 401, detail: 'A valid bearer token is required.' },
  SIGN_IN_FAILED: { status: 401, detail: 'The email address or the password is wrong.' },
  SIGN_IN_LOCKED: {
    status: 429,
    detail: 'Too many failed sign-ins for this email address; it is locked for a while.',
  },
  SIGN_IN_NO_ACCOUNT: {
    status: 403,
    detail: 'You do not belong to any account yet: accept an invitation first.',
  },
  SESSION_REQUIRED: { status: 401, detail: 'Sign in to continue; your session has ended.' },
  CSRF_TOKEN_INVALID: {
    status: 403,
    detail: 'The form is out of date or was not sent from this site; reload the page and retry.',
  },
  PASSWORD_TOKEN_INVALID: {
    status: 400,
    detail: 'The link to choose a password is wrong, was used already, or has expired.',
  },
  ACCESS_DENIED: {
    status: 403,
    detail: 'Your account type, or the modules you hold, do not allow this operation.',
  },
  ROUTE_NOT_FOUND: { status: 404, detail: 'No such endpoint.' },
  ACCOUNT_NOT_FOUND: { status: 404, detail: 'Account not found.' },
  ACCOUNT_USER_NOT_FOUND: { status: 404, detail: 'Account user not found.' },
  USER_NOT_FOUND: { status: 404, detail: 'User not found.' },
  USER_GROUP_NOT_FOUND: { status: 404, detail: 'User group not found.' },
  MODULE_NOT_FOUND: { status: 404, detail: 'Module not found.' },
  BUYER_NOT_FOUND: { status: 404, detail: 'Buyer not found.' },
  API_TOKEN_NOT_FOUND: { status: 404, detail: 'API token not found.' },
  SELLER_NOT_FOUND: { status: 404, detail: 'Seller not found.' },
  LICENSEE_NOT_FOUND: { status: 404, detail: 'Licensee not found.' },
  ERP_LINK_NOT_FOUND: { status: 404, detail: 'ERP link not found.' },
  CLOUD_TENANT_NOT_FOUND: { status: 404, detail: 'Cloud tenant not found.' },
  WEBHOOK_NOT_FOUND: { status: 404, detail: 'Webhook not found.' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, detail: 'Webhook delivery not found.' },
  WEBHOOK_URL_NOT_ALLOWED: {
    status: 400,
    detail: 'The webhook URL may not be used: https to a public address only.',
  },
  WEBHOOK_EVENTS_INVALID: { status: 400, detail: 'An event type is not one webhooks offer.' },
  WEBHOOK_STATUS_INVALID: { status: 400, detail: 'The webhook status does not allow this action.' },
  WEBHOOK_LIMIT_REACHED: {
    status: 400,
    detail: 'The account has as many webhooks as it may have.',
  },
  SESSION_NOT_FOUND: { status: 404, detail: 'That session has already ended.' },
  ACCOUNT_USER_ALREADY_EXISTS: {
    status: 400,
    detail: 'This user is already a member of the account.',
  },
  ACCOUNT_USER_GROUP_INVALID: {
    status: 400,
    detail: 'A user group does not belong to this account.',
  },
  ACCOUNT_USER_GROUPS_REQUIRED: {
    status: 400,
    detail: 'An account user must belong to at least one group.',
  },
  ACCOUNT_USER_REMOVE_SELF: { status: 400, detail: 'You cannot remove yourself from the account.' },
  INVITATION_STATUS_INVALID: {
    status: 400,
    detail: 'The invitation status does not allow this action.',
  },
  INVITATION_CODE_INVALID: { status: 400, detail: 'The invitation code is not valid.' },
  INVITATION_EXPIRED: {
    status: 400,
    detail: 'The invitation has expired; ask for a new invitation.',
  },
  INVITATION_ALREADY_ACCEPTED: { status: 400, detail: 'The invitation was already accepted.' },
  INVITATION_CONFIRMATION_REQUIRED: {
    status: 400,
    detail:
      'Confirm that you are the invitee: open the emailed link, or send the mailed one-time code.',
  },
  INVITATION_CONFIRMATION_INVALID: {
    status: 400,
    detail: 'The one-time code or the password is wrong, used or expired.',
  },
  USER_BLOCKED: { status: 400, detail: 'The user is blocked.' },
  PASSWORD_POLICY: { status: 400, detail: 'The password does not meet the policy.' },
  PASSWORD_REQUIRED: {
    status: 400,
    detail: 'A new user must set a password to accept the invitation.',
  },
  API_TOKEN_STATUS_INVALID: {
    status: 400,
    detail: 'The API token status does not allow this action.',
  },
  MODULE_NOT_AVAILABLE: { status: 400, detail: 'The module is not available to this account.' },
  MODULE_NOT_HELD: {
    status: 400,
    detail: 'A module can only be granted by a caller that holds it.',
  },
  USER_STATUS_INVALID: { status: 400, detail: 'The user status does not allow this action.' },
  USER_GROUP_HAS_MEMBERS: { status: 400, detail: 'The user group still has members.' },
  USER_GROUP_DEFAULT_PROTECTED: {
    status: 400,
    detail:
      'The default user group cannot be deleted, lose its default flag or change its modules.',
  },
  USER_GROUP_BUYER_INVALID: {
    status: 400,
    detail: 'A buyer does not belong to the user group account.',
  },
  USER_GROUP_BUYERS_NOT_ALLOWED: {
    status: 400,
    detail: 'Only a group with the Marketplace module can be restricted to buyers.',
  },
  ACCOUNT_STATUS_INVALID: { status: 400, detail: 'The account status does not allow this action.' },
  ACCOUNT_DISABLE_SELF: { status: 400, detail: 'You cannot disable your own account.' },
  BUYER_STATUS_INVALID: { status: 400, detail: 'The buyer status does not allow this action.' },
  BUYER_ACCOUNT_INVALID: { status: 400, detail: 'A buyer must belong to a Client account.' },
  SELLER_STATUS_INVALID: { status: 400, detail: 'The seller status does not allow this action.' },
  SELLER_EXTERNAL_ID_TAKEN: {
    status: 400,
    detail: 'Another seller already has this external id.',
  },
  SELLER_IN_USE: {
    status: 400,
    detail: 'The seller is still named by a licensee or linked to a buyer.',
  },
  LICENSEE_STATUS_INVALID: {
    status: 400,
    detail: 'The licensee status does not allow this action.',
  },
  LICENSEE_BUYER_INVALID: {
    status: 400,
    detail: 'The buyer does not exist, is not visible, or is Disabled or Deleted.',
  },
  LICENSEE_ACCOUNT_INVALID: { status: 400, detail: "The account is not the buyer's account." },
  LICENSEE_SELLER_INVALID: {
    status: 400,
    detail: 'The seller does not exist, is not visible, or is Disabled or Deleted.',
  },
  LICENSEE_CONTACT_INVALID: {
    status: 400,
    detail: "The contact user is not a user of the licensee's account.",
  },
  LICENSEE_ADDRESS_REQUIRED: {
    status: 400,
    detail: 'A licensee that does not use the buyer address needs an address.',
  },
  LICENSEE_REFERENCE_IMMUTABLE: {
    status: 400,
    detail: "A licensee's buyer, seller and account cannot be changed.",
  },
  LICENSEE_PARTNER_NOT_ELIGIBLE: {
    status: 400,
    detail: 'The account is not eligible for partner (resale) licensees.',
  },
  ERP_LINK_STATUS_INVALID: {
    status: 400,
    detail: 'The ERP link status does not allow this action.',
  },
  ERP_LINK_ALREADY_EXISTS: {
    status: 400,
    detail: 'The buyer and the seller are already linked.',
  },
  ERP_LINK_IN_USE: {
    status: 400,
    detail: 'A licensee still uses this buyer and seller pair.',
  },
  CLOUD_TENANT_STATUS_INVALID: {
    status: 400,
    detail: 'The cloud tenant status does not allow this action.',
  },
  CLOUD_TENANT_ACCOUNT_INVALID: {
    status: 400,
    detail: 'The cloud tenant must belong to one Client account.',
  },
  CLOUD_TENANT_DUPLICATE: {
    status: 400,
    detail: 'Another cloud tenant already has this cloud consumption id.',
  },
  BUYER_TRANSFER_INVALID: {
    status: 400,
    detail: 'The buyer cannot be transferred to that account.',
  },
  SSO_NOT_CONFIGURED: {
    status: 400,
    detail: "No identity provider serves this user's email domain.",
  },
  USER_PASSWORD_SELF_ONLY: {
    status: 403,
    detail: 'Only the user may set their own password.',
  },
  USER_MANAGED_ELSEWHERE: {
    status: 403,
    detail: 'The user also belongs to another account; only Operations may change them.',
  },
  CONCURRENT_UPDATE: { status: 409, detail: 'The object was changed by another request; retry.' },
  RATE_LIMITED: { status: 429, detail: 'Too many requests; retry later.' },
  INTERNAL_ERROR: { status: 500, detail: 'An unexpected error occurred.' },
  DATABASE_UNAVAILABLE: {
    status: 503,
    detail:
      'The database cannot be reached at the moment (restarting, or out of connections); retry after the Retry-After delay.',
  },
  SERVICE_NOT_READY: {
    status: 503,
    detail: 'The service is not ready: its database is unreachable or behind, or it is stopping.',
  },
} as const satisfies Record<string, { status: number; detail: string }>

export type ErrorCode = keyof typeof ERROR_CATALOGUE

/** A field-keyed map of messages (validation) or business-rule entries (§3.4). */
export type ProblemErrors =
  | Record<string, string[]>
  | Array<{
      id: string
      message: string
      properties?: string[]
      parameters?: Record<string, unknown>
    }>

export class AppError extends Error {
  readonly status: number

  constructor(
    readonly code: ErrorCode,
    readonly options: {
      detail?: string
      errors?: ProblemErrors
      params?: Record<string, unknown>
    } = {},
  ) {
    super(options.detail ?? ERROR_CATALOGUE[code].detail)
    this.name = 'AppError'
    this.status = ERROR_CATALOGUE[code].status
  }
}

/** A 400 for request validation, naming the fields (map form of `errors`). */
export function validationError(errors: Record<string, string[]>, detail?: string): AppError {
  return new AppError('VALIDATION_FAILED', { errors, ...(detail ? { detail } : {}) })
}

/** A business-rule 400: array form of `errors`, with the code as `id`. */
export function ruleError(
  code: ErrorCode,
  detail: string,
  properties: string[] = [],
  parameters: Record<string, unknown> = {},
): AppError {
  return new AppError(code, {
    detail,
    errors: [{ id: code, message: detail, properties, parameters }],
  })
}
