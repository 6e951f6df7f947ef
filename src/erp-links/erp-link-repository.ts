import type { Insertable, Kysely, Updateable } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { findLatestAuditEvents } from '../accounts/latest-audit-events.js'
import { parseJson, toDate } from '../db/rows.js'
import type { Database, ErpLinkTable } from '../db/schema.js'
import { insertWithUniqueId } from '../lib/ids.js'
import { erpLinkName, type ErpLink, type ErpLinkStatus } from './erp-link.js'

/** A link with its buyer (`b`) and seller (`s`); the buyer's account is `b.account_id`. */
export function erpLinkBase(db: Kysely<Database>) {
  return db
    .selectFrom('erp_links as l')
    .innerJoin('buyers as b', 'b.id', 'l.buyer_id')
    .innerJoin('sellers as s', 's.id', 'l.seller_id')
}

export const ERP_LINK_COLUMNS = [
  'l.id',
  'l.icon',
  'l.status',
  'l.external_ids',
  'l.address',
  'l.note',
  'l.created_at',
  'l.created_by',
  'l.updated_at',
  'l.updated_by',
  'b.id as buyer_id',
  'b.name as buyer_name',
  'b.icon as buyer_icon',
  'b.status as buyer_status',
  'b.account_id as buyer_account_id',
  's.id as seller_id',
  's.name as seller_name',
  's.external_id as seller_external_id',
  's.icon as seller_icon',
] as const

/** A row of `ERP_LINK_COLUMNS` (SQLite reads instants as text, PostgreSQL as Date). */
type Row = Record<string, unknown>

const STATUS_EVENTS = ['blocked', 'unblocked'] as const

/** Rows to models, with the page's blocked/unblocked events in one more query. */
export async function hydrateErpLinks(db: Kysely<Database>, rows: Row[]): Promise<ErpLink[]> {
  const events = await findLatestAuditEvents(
    db,
    'erp-link',
    rows.map((r) => String(r.id)),
    STATUS_EVENTS,
  )
  return rows.map((r) => {
    const row = r as Record<string, string | null>
    const id = row.id as string
    return {
      id,
      icon: row.icon ?? null,
      status: row.status as ErpLinkStatus,
      buyer: {
        id: row.buyer_id as string,
        name: row.buyer_name as string,
        icon: row.buyer_icon ?? null,
        status: row.buyer_status as string,
        accountId: row.buyer_account_id as string,
      },
      seller: {
        id: row.seller_id as string,
        name: row.seller_name as string,
        externalId: row.seller_external_id ?? null,
        icon: row.seller_icon ?? null,
      },
      externalIds: parseJson(row.external_ids, null),
      address: parseJson(row.address, null),
      note: row.note ?? null,
      createdAt: toDate(row.created_at as string),
      createdBy: parseJson<ActorRef | null>(row.created_by, null),
      updatedAt: toDate(row.updated_at),
      updatedBy: parseJson<ActorRef | null>(row.updated_by, null),
      statusEvents: events.get(id) ?? {},
    }
  })
}

/** The pair's link id, if the buyer and the seller are linked. */
export async function findErpLinkIdOfPair(
  db: Kysely<Database>,
  buyerId: string,
  sellerId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('erp_links')
    .select('id')
    .where('buyer_id', '=', buyerId)
    .where('seller_id', '=', sellerId)
    .executeTakeFirst()
  return row?.id
}

export async function insertErpLink(
  db: Kysely<Database>,
  values: Omit<Insertable<ErpLinkTable>, 'id'>,
): Promise<string> {
  return insertWithUniqueId('erpLink', async (id) => {
    const row = await db
      .insertInto('erp_links')
      .values({ ...values, id })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst()
    return row !== undefined
  })
}

/** Writes the columns; with `expectedStatus`, only while the link still has it. */
export async function updateErpLinkColumns(
  db: Kysely<Database>,
  id: string,
  columns: Omit<Updateable<ErpLinkTable>, 'id' | 'buyer_id' | 'seller_id' | 'created_at'>,
  expectedStatus?: ErpLinkStatus,
): Promise<boolean> {
  let query = db.updateTable('erp_links').set(columns).where('id', '=', id)
  if (expectedStatus) query = query.where('status', '=', expectedStatus)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** `buyer.sellers[]` (decision 40): each linked seller as a `SellerRef` with its link's reference. */
export async function findSellersOfBuyers(db: Kysely<Database>, buyerIds: string[]) {
  const result = new Map<string, BuyerSeller[]>()
  if (buyerIds.length === 0) return result
  const rows = await db
    .selectFrom('erp_links as l')
    .innerJoin('sellers as s', 's.id', 'l.seller_id')
    .innerJoin('buyers as b', 'b.id', 'l.buyer_id')
    .select([
      'l.buyer_id',
      'l.id as link_id',
      'l.icon as link_icon',
      'l.status as link_status',
      'b.name as buyer_name',
      's.id',
      's.name',
      's.external_id',
      's.icon',
    ])
    .where('l.buyer_id', 'in', buyerIds)
    .orderBy('s.name')
    .orderBy('s.id')
    .execute()
  for (const row of rows) {
    const list = result.get(row.buyer_id) ?? []
    list.push({
      id: row.id,
      name: row.name,
      externalId: row.external_id,
      icon: row.icon,
      erpLink: {
        id: row.link_id,
        name: erpLinkName(row.buyer_name, row.name),
        icon: row.link_icon,
        status: row.link_status,
      },
    })
    result.set(row.buyer_id, list)
  }
  return result
}

/** A seller of a buyer: a `SellerRef` with the pair's link (absent only on a would-be buyer). */
export interface BuyerSeller {
  id: string
  name: string
  externalId: string | null
  icon: string | null
  erpLink?: { id: string; name: string; icon: string | null; status: ErpLinkStatus }
}
