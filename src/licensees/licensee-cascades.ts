import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Database } from '../db/schema.js'

// What a licensee's buyer and ERP link do to it (§11.8), in the caller's transaction.

/**
 * Decision 33: a licensee is connected when its buyer is Active and an Active ERP link exists for
 * its buyer–seller pair. `licensee` is the outer query's alias of `licensees`.
 */
function isConnected(eb: ExpressionBuilder<any, any>, licensee: string) {
  return eb.and([
    eb.exists(
      eb
        .selectFrom('buyers as b_con')
        .select(sql.lit(1).as('one'))
        .whereRef('b_con.id', '=', sql.ref(`${licensee}.buyer_id`))
        .where('b_con.status', '=', 'Active'),
    ),
    eb.exists(
      eb
        .selectFrom('erp_links as l_con')
        .select(sql.lit(1).as('one'))
        .whereRef('l_con.buyer_id', '=', sql.ref(`${licensee}.buyer_id`))
        .whereRef('l_con.seller_id', '=', sql.ref(`${licensee}.seller_id`))
        .where('l_con.status', '=', 'Active'),
    ),
  ])
}

/** The status a licensee of the pair takes when created or enabled: Active if connected. */
export async function connectedStatus(
  db: Kysely<Database>,
  pair: { buyerId: string; sellerId: string },
): Promise<'Active' | 'Enabled'> {
  const buyer = await db
    .selectFrom('buyers')
    .select('status')
    .where('id', '=', pair.buyerId)
    .executeTakeFirst()
  if (buyer?.status !== 'Active') return 'Enabled'
  const link = await db
    .selectFrom('erp_links')
    .select('id')
    .where('buyer_id', '=', pair.buyerId)
    .where('seller_id', '=', pair.sellerId)
    .where('status', '=', 'Active')
    .executeTakeFirst()
  return link ? 'Active' : 'Enabled'
}

/**
 * After a buyer's status or an ERP link changed: moves the buyer's (or the pair's) Enabled and
 * Active licensees to the status their connection gives (decision 33), never touching Disabled or
 * Deleted ones. Each change is written with the caller's audit (`updated`, with the statuses in
 * the history record) in the caller's transaction. Returns the ids that changed.
 */
export async function reconnectLicensees(
  db: Kysely<Database>,
  scope: { buyerId: string; sellerId?: string },
  audit: { at: Date; by: ActorRef | null },
): Promise<string[]> {
  let query = db
    .selectFrom('licensees as lc')
    .select((eb) => [
      'lc.id',
      'lc.account_id',
      'lc.status',
      eb
        .case()
        .when(isConnected(eb, 'lc'))
        .then(sql.lit('Active'))
        .else(sql.lit('Enabled'))
        .end()
        .as('target'),
    ])
    .where('lc.buyer_id', '=', scope.buyerId)
    .where('lc.status', 'in', ['Enabled', 'Active'])
  if (scope.sellerId) query = query.where('lc.seller_id', '=', scope.sellerId)
  const rows = await query.orderBy('lc.id').execute()
  const changed: string[] = []
  for (const row of rows) {
    const target = String(row.target) as 'Active' | 'Enabled'
    if (target === row.status) continue
    const result = await db
      .updateTable('licensees')
      .set({
        status: target,
        updated_at: audit.at.toISOString(),
        updated_by: audit.by ? JSON.stringify(audit.by) : null,
      })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) !== 1) continue
    changed.push(row.id)
    await recordAuditEvents(db, [
      {
        objectType: 'licensee',
        objectId: row.id,
        accountId: row.account_id,
        event: 'updated',
        at: audit.at,
        by: audit.by,
        details: { status: { from: row.status, to: target } },
      },
    ])
  }
  return changed
}

/** A deleted buyer's non-deleted licensees become Deleted, each audited (decision 53). */
export async function deleteLicenseesOfBuyer(
  db: Kysely<Database>,
  buyerId: string,
  audit: { at: Date; by: ActorRef | null },
): Promise<string[]> {
  const rows = await db
    .selectFrom('licensees')
    .select(['id', 'account_id'])
    .where('buyer_id', '=', buyerId)
    .where('status', '!=', 'Deleted')
    .orderBy('id')
    .execute()
  if (rows.length === 0) return []
  await db
    .updateTable('licensees')
    .set({
      status: 'Deleted',
      updated_at: audit.at.toISOString(),
      updated_by: audit.by ? JSON.stringify(audit.by) : null,
    })
    .where('buyer_id', '=', buyerId)
    .where('status', '!=', 'Deleted')
    .execute()
  await recordAuditEvents(
    db,
    rows.map((row) => ({
      objectType: 'licensee',
      objectId: row.id,
      accountId: row.account_id,
      event: 'deleted',
      at: audit.at,
      by: audit.by,
      details: { cause: { buyer: buyerId } },
    })),
  )
  return rows.map((row) => row.id)
}
