import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import type { Database } from './schema.js'

export interface AuditEventInput {
  objectType: string
  objectId: string
  accountId: string | null
  event: string
  at: Date
  by: ActorRef | null
  details?: Record<string, unknown>
}

/** Appends to the audit history; the objects' own audit columns cache the latest of each kind. */
export async function recordAuditEvents(
  db: Kysely<Database>,
  events: AuditEventInput[],
): Promise<void> {
  if (events.length === 0) return
  await db
    .insertInto('audit_events')
    .values(
      events.map((e) => ({
        object_type: e.objectType,
        object_id: e.objectId,
        account_id: e.accountId,
        event: e.event,
        at: e.at.toISOString(),
        by: e.by ? JSON.stringify(e.by) : null,
        details: e.details ? JSON.stringify(e.details) : null,
      })),
    )
    .execute()
}
