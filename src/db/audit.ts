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
  /**
   * For listeners, the object as the API presents it: after the change, when the service built it
   * anyway (listeners need not read it back), or as it was, when the change removed it (a deleted
   * row cannot be read back). Never stored in the audit history.
   */
  object?: Record<string, unknown>
}

/**
 * Something that must happen in the same transaction as every audited change (the webhook
 * queue, issue #15). Listeners are registered once per process by the composition root; they
 * take the caller's transaction and must not keep state of their own.
 */
export type AuditListener = (db: Kysely<Database>, events: AuditEventInput[]) => Promise<void>

const listeners = new Set<AuditListener>()

/** Registers a listener (once: the same function twice is one listener). */
export function onAuditEvents(listener: AuditListener): void {
  listeners.add(listener)
}

/**
 * Appends to the audit history, then lets the listeners act in the same transaction: every
 * service that audits a change announces it without knowing who listens. The objects' own audit
 * columns cache the latest of each kind.
 */
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
  await notifyAuditListeners(db, events)
}

/**
 * Lets the listeners act on events a caller wrote to the audit history itself (a set-based
 * statement, the expiry sweep), in the caller's transaction.
 */
export async function notifyAuditListeners(
  db: Kysely<Database>,
  events: AuditEventInput[],
): Promise<void> {
  if (events.length === 0) return
  for (const listener of listeners) await listener(db, events)
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
