import type { Kysely } from 'kysely'
import { isOperations, type Actor } from '../access/actor.js'
import type { Database } from '../db/schema.js'
import { validationError } from '../errors.js'
import { createLink, removeLink, type LinkAudit } from '../erp-links/erp-link-writes.js'

/**
 * A buyer's `sellers` on create or update (decision 40): the ERP links are the relation. Each
 * newly listed seller gets an Active link (it must exist and be neither Disabled nor Deleted);
 * each seller left out loses its link unless a licensee still uses the pair (`ERP_LINK_IN_USE`).
 * Only Operations changes the set; anyone may send it back unchanged. `undefined`: no change.
 */
export async function applyBuyerSellers(
  trx: Kysely<Database>,
  buyer: { id: string; accountId: string },
  sellers: Array<{ id: string }> | null | undefined,
  actor: Actor,
  audit: LinkAudit,
): Promise<void> {
  if (sellers === undefined) return
  const wanted = [...new Set((sellers ?? []).map((s) => s.id))]
  const current = await trx
    .selectFrom('erp_links')
    .select(['id', 'seller_id'])
    .where('buyer_id', '=', buyer.id)
    .execute()
  const linked = new Set(current.map((l) => l.seller_id))
  const added = wanted.filter((id) => !linked.has(id))
  const removed = current.filter((l) => !wanted.includes(l.seller_id))
  if (added.length === 0 && removed.length === 0) return
  if (!isOperations(actor)) {
    throw validationError({ sellers: ['Only Operations may change the sellers of a buyer.'] })
  }
  await assertSellersUsable(trx, sellers ?? [], added)
  for (const link of removed) {
    await removeLink(
      trx,
      { id: link.id, buyerId: buyer.id, accountId: buyer.accountId, sellerId: link.seller_id },
      audit,
    )
  }
  for (const sellerId of added) {
    await createLink(trx, { buyerId: buyer.id, accountId: buyer.accountId, sellerId }, audit)
  }
}

/**
 * Each of `ids` (sellers listed in `sellers`) exists and is neither Disabled nor Deleted; else a
 * 400 naming each offending `sellers[i].id`.
 */
export async function assertSellersUsable(
  trx: Kysely<Database>,
  sellers: ReadonlyArray<{ id: string }>,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return
  const found = await trx
    .selectFrom('sellers')
    .select(['id', 'status'])
    .where('id', 'in', [...ids])
    .execute()
  const problems: Record<string, string[]> = {}
  for (const id of ids) {
    const seller = found.find((s) => s.id === id)
    const at = `sellers[${sellers.findIndex((s) => s.id === id)}].id`
    if (!seller || seller.status === 'Deleted') problems[at] = ['Unknown seller.']
    else if (seller.status === 'Disabled') problems[at] = ['The seller is Disabled.']
  }
  if (Object.keys(problems).length > 0) throw validationError(problems)
}
