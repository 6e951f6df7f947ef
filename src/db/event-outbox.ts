import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

export interface OutboxEvent {
  /** e.g. `buyer.synchronize-requested` */
  topic: string
  objectType: string
  objectId: string
  accountId: string | null
  payload: Record<string, unknown>
  at: Date
}

/**
 * Queues an event for a connector outside the service (an ERP, a webhook relay). Pass the
 * caller's transaction: the change and its announcement commit or roll back together. Nothing in
 * this service consumes the queue; a connector reads it in `id` order and sets `published_at`.
 */
export async function enqueueEvent(db: Kysely<Database>, event: OutboxEvent): Promise<void> {
  await db
    .insertInto('event_outbox')
    .values({
      topic: event.topic,
      object_type: event.objectType,
      object_id: event.objectId,
      account_id: event.accountId,
      payload: JSON.stringify(event.payload),
      created_at: event.at.toISOString(),
      published_at: null,
    })
    .execute()
}
