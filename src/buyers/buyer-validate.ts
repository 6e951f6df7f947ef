import type { Static } from '@sinclair/typebox'
import type { Kysely } from 'kysely'
import { isOperations, type Actor } from '../access/actor.js'
import type { Database } from '../db/schema.js'
import { ruleError } from '../errors.js'
import type { Buyer } from './buyer.js'
import { buyerView } from './buyer-presenter.js'
import { clientAccountOf, editableColumns } from './buyer-rules.js'
import type { CreateBuyerBody } from './buyer-schemas.js'
import { assertSellersUsable } from './buyer-sellers.js'
import type { GetBuyer } from './buyer-service.js'

/**
 * `POST /buyers/{id}/validate` (decision 48): a dry run of the update over the stored buyer.
 * The route merges the body over `storedBody` first, so the request schema checks the merged
 * buyer exactly as a PUT would; the rules past the schema run here, and nothing is saved.
 */
export function createBuyerValidateUseCases(deps: { db: Kysely<Database>; getBuyer: GetBuyer }) {
  const { db, getBuyer } = deps
  return {
    /** The stored editable members, in the shape of a PUT body. */
    async storedBody(input: { actor: Actor; id: string }) {
      const buyer = await getBuyer(db, input.actor, input.id)
      return {
        name: buyer.name,
        address: buyer.address,
        contact: buyer.contact,
        externalIds: buyer.externalIds,
        taxId: buyer.taxId,
        sellers: buyer.sellers.map((s) => ({ id: s.id })),
      }
    },

    /** The would-be buyer, or the 400 the update would answer. */
    async validate(input: Static<typeof CreateBuyerBody> & { actor: Actor; id: string }) {
      const current = await getBuyer(db, input.actor, input.id)
      if (current.status === 'Deleted') {
        throw ruleError(
          'BUYER_STATUS_INVALID',
          'The buyer is Deleted; it cannot be changed.',
          ['status'],
          { status: current.status },
        )
      }
      const columns = editableColumns(input, input.actor)
      const account = await clientAccountOf(db, input.account.id)
      const listed = input.sellers ?? []
      await assertSellersUsable(
        db,
        listed,
        listed.map((s) => s.id),
      )
      const linked = new Map(current.sellers.map((s) => [s.id, s]))
      const unlinked = listed.filter((s) => !linked.has(s.id)).map((s) => s.id)
      const refs =
        unlinked.length === 0
          ? []
          : await db
              .selectFrom('sellers')
              .select(['id', 'name', 'external_id', 'icon'])
              .where('id', 'in', unlinked)
              .execute()
      const wouldBe: Buyer = {
        ...current,
        name: columns.name ?? current.name,
        address: input.address,
        contact: input.contact ?? null,
        taxId: input.taxId ?? null,
        externalIds: isOperations(input.actor) ? (input.externalIds ?? null) : current.externalIds,
        accountId: account.id,
        account,
        // A seller not linked yet shows without a link: validating creates none.
        sellers: [...new Set(listed.map((s) => s.id))].map((id) => {
          const found = linked.get(id)
          if (found) return found
          const ref = refs.find((r) => r.id === id)!
          return { id, name: ref.name, externalId: ref.external_id, icon: ref.icon }
        }),
      }
      return buyerView(input.actor).present(wouldBe)
    },
  }
}
