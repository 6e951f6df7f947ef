import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { findInvitationDeliveries } from '../email/outbox.js'
import type { ReferenceExpander } from '../rql/rql-select.js'
import type { AccountUserFamily } from './account-user-presenter.js'

/**
 * `invitation.delivery` (our extension, issue #15): what became of the newest invitation email of
 * an account user, `{ status: Queued | Sent | Failed, attempts, lastAttemptAt, sentAt, error }`.
 * Omitted unless a select names it (`select=invitation.delivery`), so reads that do not ask pay
 * nothing; whoever may read the account user (Access Management) may read it. Absent when no
 * invitation email was ever queued for it (members made before the outbox recorded them).
 */
export function withInvitationDelivery(
  db: Kysely<Database>,
  family: AccountUserFamily,
  references: { expandable: Record<string, readonly string[]>; expand: ReferenceExpander },
): { expandable: Record<string, readonly string[]>; expand: ReferenceExpander } {
  // The legacy shape's `id` is the AUSR- id; the account-context shape carries it apart.
  const accountUserIdOf = (object: Record<string, unknown>) =>
    family === 'legacy' ? object.id : object.accountUserId
  return {
    expandable: { ...references.expandable, invitation: ['delivery'] },
    async expand(objects, projection) {
      await references.expand(objects, projection)
      if (!projection.expand.get('invitation')?.has('delivery')) return
      const ids = objects.map(accountUserIdOf).filter((id): id is string => typeof id === 'string')
      const deliveries = await findInvitationDeliveries(db, ids)
      for (const object of objects) {
        const id = accountUserIdOf(object)
        const delivery = typeof id === 'string' ? deliveries.get(id) : undefined
        const invitation = object.invitation as Record<string, unknown> | undefined
        if (!delivery || !invitation) continue
        object.invitation = {
          ...invitation,
          delivery: {
            status: delivery.status,
            attempts: delivery.attempts,
            lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
            sentAt: delivery.sentAt?.toISOString() ?? null,
            error: delivery.error,
          },
        }
      }
    },
  }
}
