import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import type { Dialect } from '../db/connect.js'
import { recordAuditEvents } from '../db/audit.js'

/**
 * Persists `InvitationExpired` for invitations past their deadline, with an audit event each,
 * in batches. Reads already show the status; this makes it durable and filterable by index.
 * Several processes may sweep one PostgreSQL at once: the update re-checks the status, so a row
 * expires (and is audited) exactly once; a sweep that finds a partial batch stops, the next run
 * picks up what another sweep held locked. Returns how many it expired.
 */
export async function expireInvitations(
  deps: { db: Kysely<Database>; clock: Clock; dialect?: Dialect },
  batchSize = 500,
): Promise<number> {
  let expired = 0
  for (;;) {
    const now = deps.clock.now().toISOString()
    const count = await deps.db.transaction().execute(async (trx) => {
      const pending = trx
        .selectFrom('account_users')
        .select('id')
        .where('status', '=', 'Invited')
        .where('invitation_expires_at', '<=', now)
        .limit(batchSize)
      // On PostgreSQL concurrent sweeps skip each other's rows instead of queueing on them
      // (and never lock in opposite orders); SQLite runs one writer at a time anyway.
      const due = deps.dialect === 'postgres' ? pending.forUpdate().skipLocked() : pending
      const rows = await trx
        .updateTable('account_users')
        .set((eb) => ({ status: 'InvitationExpired', version: eb('version', '+', 1) }))
        .where('id', 'in', due)
        .where('status', '=', 'Invited')
        .where('invitation_expires_at', '<=', now)
        .returning(['id', 'account_id', 'invitation_expires_at'])
        .execute()
      // Through recordAuditEvents, so that its listeners (webhooks) hear of each expiry too.
      await recordAuditEvents(
        trx,
        rows.map((r) => ({
          objectType: 'account-user',
          objectId: r.id,
          accountId: r.account_id,
          event: 'invitation-expired',
          at: new Date(now),
          by: null,
        })),
      )
      return rows.length
    })
    expired += count
    if (count < batchSize) return expired
  }
}
