import type { ColumnType, Generated } from 'kysely'

/**
 * Instants: timestamptz on PostgreSQL, ISO-8601 text on SQLite. Both are written as
 * `toISOString()` text (PostgreSQL casts it; on SQLite the fixed format sorts correctly) and
 * read back as `Date` (pg) or `string` (SQLite); repositories turn them into `Date`.
 */
export type Timestamp = ColumnType<Date | string, string, string>
/** Booleans are 0/1 integers on both databases, so filters bind the same value everywhere. */
export type Flag = ColumnType<number, number, number>
/** JSON stored as text on both databases. */
export type JsonText = string

export interface AccountTable {
  id: string
  name: string
  type: 'Client' | 'Vendor' | 'Operations'
  status: 'Enabled' | 'Active' | 'Disabled'
  icon: string | null
  external_id: string | null
  external_name: string | null
  external_ids: JsonText | null
  service_level: string | null
  address: JsonText | null
  technical_support_email: string | null
  website: string | null
  description: string | null
  eligibility: JsonText | null
  /** the account's own settings, JSON: `{"invitations":{"selfRenew":true}}` (issue #15) */
  settings: JsonText | null
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

export interface UserTable {
  id: string
  email: string
  /** lower-cased, trimmed email: the unique sign-in identity */
  email_key: string
  first_name: string
  last_name: string
  phone_prefix: string | null
  phone_number: string | null
  icon: string | null
  status: 'Invited' | 'Active' | 'Blocked' | 'Disabled' | 'Deleted'
  /** the status to return to on unblock */
  status_before_block: string | null
  password_hash: string | null
  settings: JsonText | null
  last_login_at: Timestamp | null
  invitation_accepted_at: Timestamp | null
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

export interface AccountUserTable {
  id: string
  account_id: string
  user_id: string
  /**
   * the member's `users.email_key`, copied and kept equal by the database's triggers (migration
   * 2026-11-26-1200); never written by the service. NULL only inside SQLite's insert statement.
   */
  user_email_key: Generated<string | null>
  /** persisted status; `Invited` past `invitation_expires_at` reads as `InvitationExpired` */
  status: 'Invited' | 'InvitationExpired' | 'Active'
  /**
   * AES-256-GCM sealed invitation secret (the `code` of `invitation.url` and of the emailed link);
   * kept after acceptance so a retried accept is recognised. Listed in SEALED_COLUMNS (sealed-columns.ts).
   */
  invitation_secret: string | null
  /**
   * AES-256-GCM sealed mailbox proof: a second secret only the emailed link carries (never
   * `invitation.url`), so that accepting with it proves control of the mailbox. Random, not
   * derived from SECRET_KEY, so a key rotation re-encrypts it and emailed links keep working.
   * Listed in SEALED_COLUMNS (sealed-columns.ts).
   */
  invitation_proof: string | null
  /**
   * The names and phone the inviting account typed for this membership: what this account sees
   * (and nobody else) while the person has not registered (`users.invitation_accepted_at` NULL).
   */
  invitee_first_name: string | null
  invitee_last_name: string | null
  invitee_phone_prefix: string | null
  invitee_phone_number: string | null
  invitation_sent_at: Timestamp | null
  invitation_expires_at: Timestamp | null
  invitation_accepted_at: Timestamp | null
  /**
   * when the reminder of the current link is due (INVITATION_REMINDER before its expiry); set by
   * invite, resend and send-new-invite, NULL once sent or when there is none to send
   */
  invitation_remind_at: Timestamp | null
  /** when the invitee last asked for a new link from the expired-link page */
  new_link_requested_at: Timestamp | null
  joined_at: Timestamp | null
  access_at: Timestamp | null
  last_login_at: Timestamp | null
  /** optimistic-concurrency counter: every update says `where version = <read version>` */
  version: number
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

export interface AccountUserGroupTable {
  account_user_id: string
  user_group_id: string
}

export interface UserGroupTable {
  id: string
  account_id: string
  name: string
  description: string | null
  logo: string | null
  is_default: Flag
  /** 1 = the group grants every buyer of the account (`buyers: null` on the wire) */
  all_buyers: Flag
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

export interface UserGroupModuleTable {
  user_group_id: string
  module_id: string
}

export interface UserGroupBuyerTable {
  user_group_id: string
  buyer_id: string
}

export interface ModuleTable {
  id: string
  name: string
  description: string
  code: string
  paid: Flag
  is_configurable: Flag
  is_enabled_by_default: Flag
  filters: JsonText
  settings: JsonText
  account_types: JsonText
  created_at: Timestamp
  updated_at: Timestamp | null
}

export interface BuyerTable {
  id: string
  account_id: string
  name: string
  icon: string | null
  status: string
  address: JsonText | null
  contact: JsonText | null
  external_ids: JsonText | null
  tax_id: string | null
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

export interface SellerTable {
  id: string
  name: string
  external_id: string | null
  /** trimmed, lower-cased `external_id`: unique among non-deleted sellers (decision 27) */
  external_id_key: string | null
  icon: string | null
  status: 'Active' | 'Offline' | 'Disabled' | 'Deleted'
  /** JSON `[{ value, billingEnabled, isDefault }]` (decision 26) */
  currencies: JsonText
  address: JsonText | null
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

/** One buyer at one seller (unique pair); belongs to whichever account owns the buyer. */
export interface ErpLinkTable {
  id: string
  buyer_id: string
  seller_id: string
  icon: string | null
  status: 'Active' | 'Blocked'
  external_ids: JsonText | null
  address: JsonText | null
  /** Operations-only */
  note: string | null
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

export interface LicenseeTable {
  id: string
  /** always the buyer's account */
  account_id: string
  buyer_id: string
  seller_id: string
  name: string | null
  external_id: string | null
  icon: string | null
  status: 'Enabled' | 'Active' | 'Disabled' | 'Deleted'
  use_buyer_address: Flag
  /** NULL while `use_buyer_address` (decision 36) */
  address: JsonText | null
  description: string | null
  /** JSON `{ firstName, lastName, email, phone, userId }` */
  contact: JsonText | null
  /** JSON `{ client, partner }` */
  eligibility: JsonText
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

export interface CloudTenantTable {
  id: string
  account_id: string
  name: string
  status: 'Active' | 'Disabled' | 'Deleted'
  type: string | null
  pyra_tenant_id: string
  /** unique among non-deleted tenants (decision 46) */
  cloud_consumption_id: string
  provider_id: string | null
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

/** Events for connectors outside the service, written in the transaction of their change. */
export interface EventOutboxTable {
  id: Generated<number>
  /** e.g. `buyer.synchronize-requested` */
  topic: string
  object_type: string
  object_id: string
  account_id: string | null
  payload: JsonText
  created_at: Timestamp
  published_at: Timestamp | null
}

export interface ApiTokenTable {
  id: string
  account_id: string
  name: string
  description: string | null
  icon: string | null
  status: 'Active' | 'Disabled' | 'Deleted'
  /** SHA-256 of the secret; the secret itself is shown once, in the create response */
  secret_hash: string
  last_access_at: Timestamp | null
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

export interface ApiTokenModuleTable {
  api_token_id: string
  module_id: string
}

export interface AuditEventTable {
  id: Generated<number>
  object_type: string
  object_id: string
  account_id: string | null
  event: string
  at: Timestamp
  by: JsonText | null
  details: JsonText | null
}

export interface EmailOutboxTable {
  id: Generated<number>
  kind: string
  /** AES-256-GCM sealed JSON of the rendered message: it carries invitation links */
  payload: string
  status: 'pending' | 'sending' | 'sent' | 'failed'
  attempts: number
  next_attempt_at: Timestamp
  /** when the current claim was taken; with `id`, it names the claim */
  claimed_at: Timestamp | null
  /** a `sending` row whose lease ran out belongs to a sender that stopped; another takes it over */
  lease_expires_at: Timestamp | null
  /** the Message-ID header, chosen by the first try and kept by every later one */
  message_id: string | null
  /** the account user an invitation email belongs to (`invitation.delivery`), else NULL */
  account_user_id: string | null
  last_attempt_at: Timestamp | null
  last_error: string | null
  created_at: Timestamp
  sent_at: Timestamp | null
}

/** An account's webhook endpoint (issue #15). */
export interface WebhookTable {
  /** `WHK-####-####` */
  id: string
  account_id: string
  url: string
  /** JSON array of event types (`account-user.invited`, `user-group.*`, …) */
  events: JsonText
  description: string | null
  status: 'Enabled' | 'Disabled'
  /** the `whsec_…` signing secret, AES-256-GCM sealed; listed in SEALED_COLUMNS */
  secret: string
  /** why the service disabled it (deliveries failing for the retry window); NULL otherwise */
  disabled_reason: string | null
  created_at: Timestamp
  created_by: JsonText | null
  updated_at: Timestamp | null
  updated_by: JsonText | null
}

/** One event for one endpoint: the durable queue and the delivery log. */
export interface WebhookDeliveryTable {
  id: Generated<number>
  webhook_id: string
  /** the `webhook-id` header (`msg_…`): the same for every try and for a redelivery */
  event_id: string
  event_type: string
  /** deliveries of one endpoint with the same key go out in `id` order (the object's id) */
  ordering_key: string
  /** the JSON body sent: `{ type, timestamp, data }` */
  payload: JsonText
  status: 'Pending' | 'Sending' | 'Delivered' | 'Failed'
  attempts: number
  next_attempt_at: Timestamp
  claimed_at: Timestamp | null
  lease_expires_at: Timestamp | null
  last_attempt_at: Timestamp | null
  /** the HTTP status of the latest try; NULL when it got no answer */
  response_status: number | null
  duration_ms: number | null
  last_error: string | null
  /** the delivery this one repeats (POST …/redeliver) */
  redelivery_of: number | null
  created_at: Timestamp
  delivered_at: Timestamp | null
}

/**
 * The one-time code mailed to an invitee who opened a copied link: proof of the mailbox.
 * `code_hash` is an HMAC-SHA-256 of the code (SecretBox.digest); single use, `attempts` counted,
 * `sends` since `sends_since` throttled. Deleted with its account user.
 */
export interface InvitationConfirmationTable {
  account_user_id: string
  code_hash: string
  expires_at: Timestamp
  attempts: number
  sent_at: Timestamp
  sends: number
  sends_since: Timestamp
}

/** A fixed-window rate-limit counter (PostgreSQL; SQLite counts in memory). */
export interface RateLimitTable {
  key: string
  hits: number
  /** epoch milliseconds; bigint on PostgreSQL, read back as a string there */
  reset_at: ColumnType<number | string, number, number>
}

export interface IconTable {
  id: string
  /** the user, account or buyer whose icon this is: one per owner (unique), deleted with it */
  owner: string | null
  content_type: string
  data: Buffer
  created_at: Timestamp
}

/** A signed-in browser (issue #14): the cookie's secret is stored only as its SHA-256. */
export interface SessionTable {
  /** a random public handle (the session list, sign-out); opens nothing */
  id: string
  /** SHA-256 of the cookie's secret */
  secret_hash: string
  user_id: string
  /** the account the person last opened in the console */
  account_id: string | null
  user_agent: string | null
  client_address: string | null
  created_at: Timestamp
  /** written at most once a minute; the idle limit counts from here */
  last_seen_at: Timestamp
  /** the absolute limit */
  expires_at: Timestamp
}

/** A single-use link to choose a password: `reset` (mailed) or `setup` (printed at start). */
export interface PasswordTokenTable {
  /** SHA-256 of the token the link carries */
  token_hash: string
  user_id: string
  purpose: 'reset' | 'setup'
  created_at: Timestamp
  expires_at: Timestamp
  used_at: Timestamp | null
}

export interface Database {
  icons: IconTable
  accounts: AccountTable
  users: UserTable
  account_users: AccountUserTable
  account_user_groups: AccountUserGroupTable
  user_groups: UserGroupTable
  user_group_modules: UserGroupModuleTable
  user_group_buyers: UserGroupBuyerTable
  modules: ModuleTable
  buyers: BuyerTable
  sellers: SellerTable
  erp_links: ErpLinkTable
  licensees: LicenseeTable
  cloud_tenants: CloudTenantTable
  event_outbox: EventOutboxTable
  api_tokens: ApiTokenTable
  api_token_modules: ApiTokenModuleTable
  audit_events: AuditEventTable
  email_outbox: EmailOutboxTable
  invitation_confirmations: InvitationConfirmationTable
  rate_limits: RateLimitTable
  webhooks: WebhookTable
  webhook_deliveries: WebhookDeliveryTable
  sessions: SessionTable
  password_tokens: PasswordTokenTable
}
