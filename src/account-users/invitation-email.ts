import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { enqueueEmail } from '../email/outbox.js'
import { renderInvitationEmail } from '../email/templates/invitation.js'
import type { AccountUser } from './account-user.js'
import type { AccountUserDeps } from './account-user-lookup.js'
import { emailedInvitationUrl } from './invitation-link.js'

/** Queues the invitation email in the caller's transaction, so it commits with the state change. */
export async function queueInvitationEmail(
  trx: Kysely<Database>,
  deps: Pick<AccountUserDeps, 'box' | 'clock' | 'config'>,
  invitation: {
    accountUser: Pick<AccountUser, 'id' | 'user' | 'account'>
    /** the link's secret and the mailbox proof: the emailed link carries both */
    secrets: { secret: string; proof: string }
    expiresAt: Date
    inviterName: string
    /** a send-new-invite: the email says earlier links no longer work */
    isNewLink?: boolean
  },
): Promise<void> {
  const { accountUser } = invitation
  const email = renderInvitationEmail({
    to: accountUser.user.email,
    firstName: accountUser.user.firstName,
    accountName: accountUser.account.name,
    inviterName: invitation.inviterName,
    url: emailedInvitationUrl(deps.config.publicUrl, invitation.secrets, accountUser.id),
    expiresAt: invitation.expiresAt,
    isNewLink: invitation.isNewLink ?? false,
  })
  await enqueueEmail(trx, deps, email)
}
