import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import { isUniqueViolation } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import type { AppError } from '../errors.js'
import { ruleError } from '../errors.js'
import { reconnectLicensees } from '../licensees/licensee-cascades.js'
import { findErpLinkIdOfPair, insertErpLink } from './erp-link-repository.js'

/**
 * Writes shared by `POST /erp-links` and a buyer's `sellers` (decision 40), in the caller's
 * transaction: each records its audit event and recomputes the pair's licensees (§11.8).
 */
export interface LinkAudit {
  at: Date
  by: ActorRef | null
}

export function linkAlreadyExists(): AppError {
  return ruleError(
    'ERP_LINK_ALREADY_EXISTS',
    'The buyer and the seller are already linked; there is one ERP link per pair.',
    ['buyer.id', 'seller.id'],
  )
}

/** A new Active link of the pair; refused when the pair is already linked. */
export async function createLink(
  trx: Kysely<Database>,
  link: {
    buyerId: string
    accountId: string
    sellerId: string
    externalIds?: object | null | undefined
    address?: object | null | undefined
    note?: string | null | undefined
  },
  audit: LinkAudit,
): Promise<string> {
  if (await findErpLinkIdOfPair(trx, link.buyerId, link.sellerId)) throw linkAlreadyExists()
  const id = await insertErpLink(trx, {
    buyer_id: link.buyerId,
    seller_id: link.sellerId,
    icon: null,
    status: 'Active',
    external_ids: link.externalIds ? JSON.stringify(link.externalIds) : null,
    address: link.address ? JSON.stringify(link.address) : null,
    note: link.note ?? null,
    created_at: audit.at.toISOString(),
    created_by: audit.by ? JSON.stringify(audit.by) : null,
    updated_at: null,
    updated_by: null,
  })
  await recordAuditEvents(trx, [
    { objectType: 'erp-link', objectId: id, accountId: link.accountId, event: 'created', ...audit },
  ])
  await reconnectLicensees(trx, { buyerId: link.buyerId, sellerId: link.sellerId }, audit)
  return id
}

/**
 * Removes the pair's link (a buyer update that leaves the seller out), unless a non-deleted
 * licensee still uses the pair (400 `ERP_LINK_IN_USE`).
 */
export async function removeLink(
  trx: Kysely<Database>,
  link: { id: string; buyerId: string; accountId: string; sellerId: string },
  audit: LinkAudit,
): Promise<void> {
  const user = await trx
    .selectFrom('licensees')
    .select('id')
    .where('buyer_id', '=', link.buyerId)
    .where('seller_id', '=', link.sellerId)
    .where('status', '!=', 'Deleted')
    .executeTakeFirst()
  if (user) {
    throw ruleError(
      'ERP_LINK_IN_USE',
      `Licensee ${user.id} uses the buyer with seller ${link.sellerId}; the seller cannot be removed.`,
      ['sellers'],
      { sellerId: link.sellerId, licenseeId: user.id },
    )
  }
  await trx.deleteFrom('erp_links').where('id', '=', link.id).execute()
  await recordAuditEvents(trx, [
    {
      objectType: 'erp-link',
      objectId: link.id,
      accountId: link.accountId,
      event: 'deleted',
      ...audit,
    },
  ])
}

/** A lost race on the pair's unique constraint reads as the duplicate it is. */
export async function guardPair<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (isUniqueViolation(error)) throw linkAlreadyExists()
    throw error
  }
}
