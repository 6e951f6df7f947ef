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
  /**
   * The object as it was, for listeners, when the change removed it (a deleted row cannot be read
   * back); never stored in the audit history.
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
