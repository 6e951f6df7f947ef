import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import type { Database } from '../db/schema.js'
import { enqueueEmail } from '../email/outbox.js'
import type { Recipient } from '../email/templates/email-templates.js'
import type { AccountUser, AccountUserPerson } from './account-user.js'
import type { AccountUserDeps } from './account-user-lookup.js'
import { emailedInvitationUrl } from './invitation-link.js'

/**
 * Who the email names as inviting: the person, when a person acted (a signed-in user, `USR-…`);
 * the account, when one of its API tokens did (a token's name means nothing to an invitee).
 */
export function inviterNameOf(by: ActorRef | null, accountName: string): string {
  if (by?.id.startsWith('USR-')) return by.name
  return by?.of?.name ?? accountName
}

/** The invitee as an email recipient: dates in their locale when their settings name one. */
export function recipientOf(person: AccountUserPerson): Recipient {
  return {
    email: person.email,
    firstName: person.firstName,
    locale: person.settings?.cultureCode ?? person.settings?.languageCode ?? null,
  }
}

/**
 * When the reminder of a link sent at `sentAt` and expiring at `expiresAt` is due: reminder lead
 * (INVITATION_REMINDER) before the expiry; none when reminders are off or the whole window is not
 * longer than the lead (the reminder would come with the invitation).
 */
export function reminderDueAt(
  config: Pick<AccountUserDeps['config'], 'invitationReminderMs'>,
  sentAt: Date,
  expiresAt: Date,
): Date | null {
  if (config.invitationReminderMs === null) return null
  const at = expiresAt.getTime() - config.invitationReminderMs
  return at > sentAt.getTime() ? new Date(at) : null
}

/** Queues the invitation email in the caller's transaction, so it commits with the state change. */
export async function queueInvitationEmail(
  trx: Kysely<Database>,
  deps: Pick<AccountUserDeps, 'box' | 'clock' | 'config' | 'templates'>,
  invitation: {
    accountUser: Pick<AccountUser, 'id' | 'user' | 'account'>
    /** the link's secret and the mailbox proof: the emailed link carries both */
    secrets: { secret: string; proof: string }
    expiresAt: Date
    /** who invited, resent or sent the new link */
    by: ActorRef | null
    /** a send-new-invite: the email says earlier links no longer work */
    isNewLink?: boolean
  },
): Promise<void> {
  const { accountUser } = invitation
  const email = deps.templates.invitation(recipientOf(accountUser.user), {
    accountName: accountUser.account.name,
    inviterName: inviterNameOf(invitation.by, accountUser.account.name),
    url: emailedInvitationUrl(deps.config.publicUrl, invitation.secrets, accountUser.id),
    expiresAt: invitation.expiresAt,
    isNewLink: invitation.isNewLink ?? false,
  })
  await enqueueEmail(trx, deps, email, { accountUserId: accountUser.id })
}
