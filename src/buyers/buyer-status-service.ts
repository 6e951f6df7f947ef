import type { Static } from '@sinclair/typebox'
import type { Kysely, Updateable } from 'kysely'
import { actorRef, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { BuyerTable, Database } from '../db/schema.js'
import { removeIcon } from '../icons/icon-store.js'
import { AppError, ruleError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { deleteLicenseesOfBuyer, reconnectLicensees } from '../licensees/licensee-cascades.js'
import { BUYER_ACTIONS, type BuyerAction } from './buyer.js'
import { removeBuyerFromUserGroups, updateBuyerColumns } from './buyer-repository.js'
import type { ActivateBuyerBody } from './buyer-schemas.js'
import { buyerView } from './buyer-presenter.js'
import type { GetBuyer } from './buyer-service.js'

const PAST: Record<BuyerAction, string> = {
  enable: 'enabled',
  disable: 'disabled',
  activate: 'activated',
  deactivate: 'deactivated',
  delete: 'deleted',
}

/** enable, disable, activate, deactivate and (soft) delete: §5.6. */
export function createBuyerStatusUseCases(deps: {
  db: Kysely<Database>
  clock: Clock
  getBuyer: GetBuyer
}) {
  const { db, clock, getBuyer } = deps

  async function transition(
    actor: Actor,
    id: string,
    action: BuyerAction,
    check?: (buyer: { accountId: string }) => Updateable<BuyerTable>,
  ) {
    return db.transaction().execute(async (trx) => {
      const current = await getBuyer(trx, actor, id)
      const rule = BUYER_ACTIONS[action]
      if (!rule.from.includes(current.status)) {
        throw ruleError(
          'BUYER_STATUS_INVALID',
          `The buyer is ${current.status}; it cannot be ${PAST[action]}.`,
          ['status'],
          { status: current.status },
        )
      }
      const extra = check ? check(current) : {}
      const now = clock.now()
      const by = actorRef(actor)
      const changed = await updateBuyerColumns(
        trx,
        id,
        {
          ...extra,
          // A deleted buyer's logo is removed with it (issue #12).
          ...(rule.to === 'Deleted' ? { icon: null } : {}),
          status: rule.to,
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        },
        current.status,
      )
      if (!changed) throw new AppError('CONCURRENT_UPDATE')
      // §11.8: a deleted buyer takes its licensees along (its links stay, hidden with it);
      // any other status change reconnects them (decisions 33 and 53).
      if (rule.to === 'Deleted') {
        await removeBuyerFromUserGroups(trx, id)
        await deleteLicenseesOfBuyer(trx, id, { at: now, by })
        await removeIcon(trx, id)
      } else {
        await reconnectLicensees(trx, { buyerId: id }, { at: now, by })
      }
      await recordAuditEvents(trx, [
        {
          objectType: 'buyer',
          objectId: id,
          accountId: current.accountId,
          event: rule.event,
          at: now,
          by,
        },
      ])
      return buyerView(actor).present(await getBuyer(trx, undefined, id))
    })
  }

  type Target = { actor: Actor; id: string }
  return {
    enable: (input: Target) => transition(input.actor, input.id, 'enable'),
    disable: (input: Target) => transition(input.actor, input.id, 'disable'),
    deactivate: (input: Target) => transition(input.actor, input.id, 'deactivate'),
    /** SoftwareOne confirms the buyer against the ERP: records its ERP ids and makes it orderable. */
    activate: (input: Target & Static<typeof ActivateBuyerBody>) =>
      transition(input.actor, input.id, 'activate', (buyer) => {
        if (input.account.id !== buyer.accountId) {
          throw ruleError(
            'BUYER_ACCOUNT_INVALID',
            `The buyer belongs to ${buyer.accountId}, not ${input.account.id}.`,
            ['account.id'],
          )
        }
        return { external_ids: JSON.stringify(input.externalIds) }
      }),
    /** Soft delete: the buyer leaves client lists and every user group's buyers. */
    remove: async (input: Target) => {
      await transition(input.actor, input.id, 'delete')
    },
  }
}
