import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { defineQuery } from './defined-query.js'
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
  await INSERT_AUDIT_EVENTS.execute(db, {
    objectType: events.map((e) => e.objectType),
    objectId: events.map((e) => e.objectId),
    accountId: events.map((e) => e.accountId),
    event: events.map((e) => e.event),
    at: events.map((e) => e.at.toISOString()),
    by: events.map((e) => (e.by ? JSON.stringify(e.by) : null)),
    details: events.map((e) => (e.details ? JSON.stringify(e.details) : null)),
  })
}

type Column = readonly (string | null)[]

/** One row per element of the (equally long) columns. */
const INSERT_AUDIT_EVENTS = defineQuery(
  (
    db,
    v: {
      objectType: Column
      objectId: Column
      accountId: Column
      event: Column
      at: Column
      by: Column
      details: Column
    },
  ) =>
    db.insertInto('audit_events').values(
      v.objectType.map((_, i) => ({
        object_type: v.objectType[i]!,
        object_id: v.objectId[i]!,
        account_id: v.accountId[i]!,
        event: v.event[i]!,
        at: v.at[i]!,
        by: v.by[i]!,
        details: v.details[i]!,
      })),
    ),
)
