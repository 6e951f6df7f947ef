import type { AccountUserDeps } from './account-user-lookup.js'
import type { InvitationStatus } from './account-user.js'
import { openInvitation } from './invitation-code.js'

export interface InvitationPreview {
  accountUserId: string
  /** the invited person (`USR-`): a console session of theirs may accept with one click */
  userId: string
  accountName: string
  /** `Disabled`: the account cannot be joined now */
  accountStatus: string
  email: string
  firstName: string
  lastName: string
  /** a new user registers (sets a password); an existing one confirms who they are */
  isNewUser: boolean
  /** the link came from the invitation email: no further proof is asked */
  mailboxProven: boolean
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
  const { accountUser, mailboxProven } = await openInvitation(deps, deps.db, undefined, code)
  return {
    accountUserId: accountUser.id,
    userId: accountUser.user.id,
    accountName: accountUser.account.name,
    accountStatus: accountUser.account.status,
    email: accountUser.user.email,
    firstName: accountUser.user.firstName,
    lastName: accountUser.user.lastName,
    isNewUser: !accountUser.user.hasPassword,
    mailboxProven,
    status: accountUser.status,
    expiresAt: accountUser.invitationExpiresAt,
  }
}
