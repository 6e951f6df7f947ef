import type { Kysely } from 'kysely'
import { actorRef, type Actor } from '../access/actor.js'
import type { Database } from '../db/schema.js'
import { ruleError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { buyerView } from './buyer-presenter.js'
import type { GetBuyer } from './buyer-service.js'
import type { ErpSync } from './erp-sync.js'

/** `POST /buyers/{id}/synchronize` (decision 52): hands the buyer to the ERP port, answers it. */
export function createBuyerSynchronizeUseCase(deps: {
  db: Kysely<Database>
  clock: Clock
  getBuyer: GetBuyer
  erpSync: ErpSync
}) {
  const { db, clock, getBuyer, erpSync } = deps
  return {
    async synchronize(input: { actor: Actor; id: string }) {
      return db.transaction().execute(async (trx) => {
        const buyer = await getBuyer(trx, input.actor, input.id)
        if (buyer.status === 'Deleted') {
          throw ruleError(
            'BUYER_STATUS_INVALID',
            'The buyer is Deleted; it cannot be synchronized.',
            ['status'],
            { status: buyer.status },
          )
        }
        await erpSync.requestSynchronization(trx, {
          buyerId: buyer.id,
          accountId: buyer.accountId,
          at: clock.now(),
          by: actorRef(input.actor),
        })
        return buyerView(input.actor).present(await getBuyer(trx, undefined, buyer.id))
      })
    },
  }
}
