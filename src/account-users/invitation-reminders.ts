import { enqueueEmail } from '../email/outbox.js'
import type { AccountUserDeps } from './account-user-lookup.js'
import {
  accountUserBase,
  hydrateAccountUsers,
  selectAccountUserColumns,
} from './account-user-repository.js'
import { inviterNameOf, recipientOf } from './invitation-email.js'
import { emailedInvitationUrl } from './invitation-link.js'

/**
 * Mails the reminder of every invitation whose `invitation_remind_at` has come (INVITATION_REMINDER
 * before its expiry), once per link: the row's reminder time is cleared by a guarded update in the
 * transaction that queues the email, so of several nodes sweeping at once exactly one mails it.
 * resend-invite and send-new-invite set a new reminder time; an accepted or removed invitation has
 * none left; a blocked person or a disabled account gets none (their row is skipped while so).
 * Works in batches; returns how many reminders it queued.
 */
export async function sendInvitationReminders(
  deps: Pick<AccountUserDeps, 'db' | 'clock' | 'box' | 'config' | 'templates'>,
  batchSize = 100,
): Promise<number> {
  let sent = 0
  for (;;) {
    const now = deps.clock.now()
    const at = now.toISOString()
    const { queued, seen } = await deps.db.transaction().execute(async (trx) => {
      const rows = await selectAccountUserColumns(accountUserBase(trx))
        .select('au.invitation_remind_at')
        .where('au.status', '=', 'Invited')
        .where('au.invitation_remind_at', '<=', at)
        .where('au.invitation_expires_at', '>', at)
        .where('u.status', '!=', 'Blocked')
        .where('a.status', '!=', 'Disabled')
        .orderBy('au.invitation_remind_at')
        .limit(batchSize)
        .execute()
      let count = 0
      for (const accountUser of await hydrateAccountUsers(trx, rows, now)) {
        const row = rows.find((r) => r.id === accountUser.id)!
        const claimed = await trx
          .updateTable('account_users')
          .set({ invitation_remind_at: null })
          .where('id', '=', accountUser.id)
          .where('status', '=', 'Invited')
          .where('invitation_remind_at', '=', toIso(row.invitation_remind_at))
          .executeTakeFirst()
        if (Number(claimed.numUpdatedRows) !== 1) continue // another node, or a resend, came first
        // Invitations from before the mailbox proof have no emailed link to repeat.
        if (!accountUser.sealedSecret || !accountUser.sealedProof) continue
        const url = emailedInvitationUrl(
          deps.config.publicUrl,
          {
            secret: deps.box.open(accountUser.sealedSecret),
            proof: deps.box.open(accountUser.sealedProof),
          },
          accountUser.id,
        )
        await enqueueEmail(
          trx,
          deps,
          deps.templates.invitationReminder(recipientOf(accountUser.user), {
            accountName: accountUser.account.name,
            inviterName: inviterNameOf(accountUser.createdBy, accountUser.account.name),
            url,
            expiresAt: accountUser.invitationExpiresAt!,
          }),
          { accountUserId: accountUser.id },
        )
        count += 1
      }
      return { queued: count, seen: rows.length }
    })
    sent += queued
    if (seen < batchSize) return sent
  }
}

function toIso(value: Date | string | null): string | null {
  if (value === null) return null
  return value instanceof Date ? value.toISOString() : value
}
