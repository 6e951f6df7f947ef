import type { Kysely } from 'kysely'
import { actorRef, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError } from '../errors.js'
import { removeIcon } from '../icons/icon-store.js'
import type { Clock } from '../lib/clock.js'
import { LICENSEE_ACTIONS, type LicenseeAction } from './licensee.js'
import { connectedStatus } from './licensee-cascades.js'
import { presentLicensee } from './licensee-presenter.js'
import { updateLicenseeColumns } from './licensee-repository.js'
import type { GetLicensee } from './licensee-service.js'

const PAST: Record<LicenseeAction, string> = {
  enable: 'enabled',
  disable: 'disabled',
  delete: 'deleted',
}

/** enable, disable and (soft) delete (§11.3). */
export function createLicenseeStatusUseCases(deps: {
  db: Kysely<Database>
  clock: Clock
  getLicensee: GetLicensee
}) {
  const { db, clock, getLicensee } = deps

  async function transition(actor: Actor, id: string, action: LicenseeAction) {
    return db.transaction().execute(async (trx) => {
      const current = await getLicensee(trx, actor, id)
      const rule = LICENSEE_ACTIONS[action]
      if (!rule.from.includes(current.status)) {
        throw ruleError(
          'LICENSEE_STATUS_INVALID',
          `The licensee is ${current.status}; it cannot be ${PAST[action]}.`,
          ['status'],
          { status: current.status },
        )
      }
      const to =
        rule.to === 'connected'
          ? await connectedStatus(trx, { buyerId: current.buyer.id, sellerId: current.seller.id })
          : rule.to
      const now = clock.now()
      const by = actorRef(actor)
      const changed = await updateLicenseeColumns(
        trx,
        id,
        {
          status: to,
          // A deleted licensee's logo goes with it (issue #12): nothing serves it any more.
          ...(to === 'Deleted' ? { icon: null } : {}),
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        },
        current.status,
      )
      if (!changed) throw new AppError('CONCURRENT_UPDATE')
      if (to === 'Deleted') await removeIcon(trx, id)
      await recordAuditEvents(trx, [
        {
          objectType: 'licensee',
          objectId: id,
          accountId: current.accountId,
          event: rule.event,
          at: now,
          by,
        },
      ])
      return presentLicensee(await getLicensee(trx, undefined, id))
    })
  }

  type Target = { actor: Actor; id: string }
  return {
    enable: (input: Target) => transition(input.actor, input.id, 'enable'),
    disable: (input: Target) => transition(input.actor, input.id, 'disable'),
    remove: async (input: Target) => {
      await transition(input.actor, input.id, 'delete')
    },
  }
}
