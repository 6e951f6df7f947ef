import { sql, type ExpressionBuilder, type Insertable, type Kysely, type Updateable } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { parseJson, toDate } from '../db/rows.js'
import type { Database, SellerTable } from '../db/schema.js'
import { insertWithUniqueId } from '../lib/ids.js'
import type { Seller, SellerRef, SellerStatus } from './seller.js'

export function sellerBase(db: Kysely<Database>) {
  return db.selectFrom('sellers as s')
}

export const SELLER_COLUMNS = [
  's.id',
  's.name',
  's.external_id',
  's.icon',
  's.status',
  's.currencies',
  's.address',
  's.created_at',
  's.created_by',
  's.updated_at',
  's.updated_by',
] as const

type Row = Pick<
  SellerTable,
  'id' | 'name' | 'external_id' | 'icon' | 'status' | 'currencies' | 'address'
> & {
  created_at: Date | string
  created_by: string | null
  updated_at: Date | string | null
  updated_by: string | null
}

export function toSeller(row: Row): Seller {
  return {
    id: row.id,
    name: row.name,
    externalId: row.external_id,
    icon: row.icon,
    status: row.status,
    currencies: parseJson(row.currencies, []),
    address: parseJson(row.address, null),
    createdAt: toDate(row.created_at),
    createdBy: parseJson<ActorRef | null>(row.created_by, null),
    updatedAt: toDate(row.updated_at),
    updatedBy: parseJson<ActorRef | null>(row.updated_by, null),
  }
}

/**
 * §11.9: a Client sees the sellers tied by an ERP link (any status) to one of its non-deleted
 * buyers, or named by one of its non-deleted licensees; never a deleted seller. `alias` is the
 * outer query's alias of `sellers`.
 */
export function sellerVisibleTo(eb: ExpressionBuilder<any, any>, accountId: string, alias = 's') {
  const sellerId = `${alias}.id`
  return eb.and([
    eb(sql.ref(`${alias}.status`), '!=', 'Deleted'),
    eb.or([
      eb.exists(
        eb
          .selectFrom('erp_links as l_vis')
          .innerJoin('buyers as b_vis', 'b_vis.id', 'l_vis.buyer_id')
          .select(sql.lit(1).as('one'))
          .whereRef('l_vis.seller_id', '=', sql.ref(sellerId))
          .where('b_vis.account_id', '=', accountId)
          .where('b_vis.status', '!=', 'Deleted'),
      ),
      eb.exists(
        eb
          .selectFrom('licensees as lc_vis')
          .select(sql.lit(1).as('one'))
          .whereRef('lc_vis.seller_id', '=', sql.ref(sellerId))
          .where('lc_vis.account_id', '=', accountId)
          .where('lc_vis.status', '!=', 'Deleted'),
      ),
    ]),
  ])
}

/** The trimmed, lower-cased key `externalId` is unique by (decision 27); null stays null. */
export function externalIdKey(externalId: string | null | undefined): string | null {
  const key = externalId?.trim().toLowerCase()
  return key ? key : null
}

/** Whether a non-deleted seller other than `exceptId` has the external id key. */
export async function isExternalIdTaken(
  db: Kysely<Database>,
  key: string,
  exceptId?: string,
): Promise<boolean> {
  let query = db
    .selectFrom('sellers')
    .select('id')
    .where('external_id_key', '=', key)
    .where('status', '!=', 'Deleted')
  if (exceptId) query = query.where('id', '!=', exceptId)
  return (await query.executeTakeFirst()) !== undefined
}

export async function insertSeller(
  db: Kysely<Database>,
  values: Omit<Insertable<SellerTable>, 'id'>,
): Promise<string> {
  return insertWithUniqueId('seller', async (id) => {
    const row = await db
      .insertInto('sellers')
      .values({ ...values, id })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst()
    return row !== undefined
  })
}

/** Writes the columns; with `expectedStatus`, only while the seller still has it. */
export async function updateSellerColumns(
  db: Kysely<Database>,
  id: string,
  columns: Omit<Updateable<SellerTable>, 'id' | 'created_at' | 'created_by'>,
  expectedStatus: SellerStatus,
): Promise<boolean> {
  const result = await db
    .updateTable('sellers')
    .set(columns)
    .where('id', '=', id)
    .where('status', '=', expectedStatus)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Whether a non-deleted licensee names the seller or a link ties it to a non-deleted buyer. */
export async function isSellerInUse(db: Kysely<Database>, id: string): Promise<boolean> {
  const licensee = await db
    .selectFrom('licensees')
    .select('id')
    .where('seller_id', '=', id)
    .where('status', '!=', 'Deleted')
    .executeTakeFirst()
  if (licensee) return true
  const link = await db
    .selectFrom('erp_links as l')
    .innerJoin('buyers as b', 'b.id', 'l.buyer_id')
    .select('l.id')
    .where('l.seller_id', '=', id)
    .where('b.status', '!=', 'Deleted')
    .executeTakeFirst()
  return link !== undefined
}

/** The reference columns of a seller joined as `alias`, for objects that embed a `SellerRef`. */
export function sellerRefColumns<A extends string>(alias: A) {
  return [
    `${alias}.name as ${alias}_name`,
    `${alias}.external_id as ${alias}_external_id`,
    `${alias}.icon as ${alias}_icon`,
  ] as const
}

export function toSellerRef(id: string, row: Record<string, unknown>, alias: string): SellerRef {
  return {
    id,
    name: row[`${alias}_name`] as string,
    externalId: (row[`${alias}_external_id`] as string | null) ?? null,
    icon: (row[`${alias}_icon`] as string | null) ?? null,
  }
}
