import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { parseJson, toDate } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import { auditEvent } from '../lib/audit-event.js'

export type AuditEvents = Record<string, ReturnType<typeof auditEvent>>

/**
 * The latest occurrence of each of `events` per object, read from the audit history: `audit`
 * is a cache of the latest event of each kind (§3.2), and only created/updated have columns.
 */
export async function findLatestAuditEvents(
  db: Kysely<Database>,
  objectType: string,
  objectIds: string[],
  events: readonly string[],
): Promise<Map<string, AuditEvents>> {
  const result = new Map<string, AuditEvents>()
  if (objectIds.length === 0 || events.length === 0) return result
  const rows = await db
    .selectFrom('audit_events')
    .select(['object_id', 'event', 'at', 'by', 'id'])
    .where('object_type', '=', objectType)
    .where('object_id', 'in', objectIds)
    .where('event', 'in', [...events])
    .orderBy('at')
    .orderBy('id')
    .execute()
  for (const row of rows) {
    const forObject = result.get(row.object_id) ?? {}
    forObject[row.event] = auditEvent(toDate(row.at), parseJson<ActorRef | null>(row.by, null))
    result.set(row.object_id, forObject)
  }
  return result
}
