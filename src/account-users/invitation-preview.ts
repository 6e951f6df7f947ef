import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { ruleError } from '../errors.js'
import { secretsEqual } from '../lib/secrets.js'
import { getAccountUser, type AccountUserDeps } from './account-user-lookup.js'
import { decodeInvitationCode } from './invitation-link.js'
import type { InvitationStatus } from './account-user.js'

export interface InvitationPreview {
  accountUserId: string
  accountName: string
  email: string
  firstName: string
  lastName: string
  /** a new user registers (sets a password); an existing one only confirms */
  isNewUser: boolean
  status: InvitationStatus
  expiresAt: Date | null
}

/**
 * What the accept page shows for a link's code, without changing anything. The code must be
 * the link's whole `code` parameter (it names the account user) and its secret must match.
 */
export async function previewInvitation(
  deps: AccountUserDeps,
  code: string,
): Promise<InvitationPreview> {
  const decoded = decodeInvitationCode(code)
  const invalid = ruleError('INVITATION_CODE_INVALID', 'This invitation link is not valid.', [
    'code',
  ])
  if (!decoded.accountUserId || !/^AUSR-\d{4}-\d{4}-\d{4}$/.test(decoded.accountUserId))
    throw invalid
  const db: Kysely<Database> = deps.db
  const accountUser = await getAccountUser(
    deps,
    db,
    { id: decoded.accountUserId },
    undefined,
  ).catch(() => {
    throw invalid
  })
  if (
    !accountUser.sealedSecret ||
    !secretsEqual(deps.box.open(accountUser.sealedSecret), decoded.secret)
  ) {
    throw ruleError(
      'INVITATION_CODE_INVALID',
      'This invitation link is no longer valid: a newer invitation replaced it.',
      ['code'],
    )
  }
  return {
    accountUserId: accountUser.id,
    accountName: accountUser.account.name,
    email: accountUser.user.email,
    firstName: accountUser.user.firstName,
    lastName: accountUser.user.lastName,
    isNewUser: !accountUser.user.hasPassword,
    status: accountUser.status,
    expiresAt: accountUser.invitationExpiresAt,
  }
}
