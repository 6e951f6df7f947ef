import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import { enqueueEvent } from '../db/event-outbox.js'
import type { Database } from '../db/schema.js'
import { reconnectLicensees } from '../licensees/licensee-cascades.js'

export interface SynchronizationRequest {
  buyerId: string
  accountId: string
  at: Date
  by: ActorRef | null
}

/**
 * The port to the ERP that `POST /buyers/{id}/synchronize` asks to synchronise a buyer (§11.6).
 * Called inside the request's transaction; whatever it writes commits with it.
 */
export interface ErpSync {
  requestSynchronization(trx: Kysely<Database>, request: SynchronizationRequest): Promise<void>
}

/**
 * There is no ERP behind this service (decision 52): the request is recorded (the buyer's audit
 * trail, and a `buyer.synchronize-requested` event for an external ERP connector), and what can be
 * derived locally is derived again: the buyer's sellers are read from its ERP links anyway, and
 * its licensees are reconnected. No buyer status changes.
 */
export function createLocalErpSync(): ErpSync {
  return {
    async requestSynchronization(trx, request) {
      await recordAuditEvents(trx, [
        {
          objectType: 'buyer',
          objectId: request.buyerId,
          accountId: request.accountId,
          event: 'synchronizationRequested',
          at: request.at,
          by: request.by,
        },
      ])
      await enqueueEvent(trx, {
        topic: 'buyer.synchronize-requested',
        objectType: 'buyer',
        objectId: request.buyerId,
        accountId: request.accountId,
        payload: { buyer: { id: request.buyerId }, requestedBy: request.by },
        at: request.at,
      })
      await reconnectLicensees(trx, { buyerId: request.buyerId }, request)
    },
  }
}
