import { randomInt } from 'node:crypto'
import { sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Decision 40: the ERP link table is the buyer ↔ seller relation; `buyer.sellers` is derived from
// it. Each `{id, name}` of a buyer's JSON `sellers` column becomes an Active link. The column held
// seller ids no sellers table backed, so a seller it names that does not exist yet is created
// Active under that id, with the name the buyer carried (or its id) and no currencies, for
// Operations to complete; nothing the column said is lost. Then the column goes.
export async function up(db: Kysely<any>): Promise<void> {
  const now = new Date().toISOString()
  const buyers = await db
    .selectFrom('buyers')
    .select(['id', 'sellers'])
    .where('sellers', 'is not', null)
    .orderBy('id')
    .execute()
  const known = new Set(
    (await db.selectFrom('sellers').select('id').execute()).map((r) => String(r.id)),
  )
  const linkIds = new Set(
    (await db.selectFrom('erp_links').select('id').execute()).map((r) => String(r.id)),
  )
  for (const buyer of buyers) {
    const listed = parseSellers(buyer.sellers)
    const seen = new Set<string>()
    for (const seller of listed) {
      if (seen.has(seller.id)) continue
      seen.add(seller.id)
      if (!known.has(seller.id)) {
        await db
          .insertInto('sellers')
          .values({
            id: seller.id,
            name: seller.name?.trim() || seller.id,
            external_id: null,
            external_id_key: null,
            icon: null,
            status: 'Active',
            currencies: '[]',
            address: null,
            created_at: now,
            created_by: null,
            updated_at: null,
            updated_by: null,
          })
          .execute()
        known.add(seller.id)
      }
      let id = randomLinkId()
      while (linkIds.has(id)) id = randomLinkId()
      linkIds.add(id)
      await db
        .insertInto('erp_links')
        .values({
          id,
          buyer_id: buyer.id,
          seller_id: seller.id,
          icon: null,
          status: 'Active',
          external_ids: null,
          address: null,
          note: null,
          created_at: now,
          created_by: null,
          updated_at: null,
          updated_by: null,
        })
        .execute()
    }
  }
  await db.schema.alterTable('buyers').dropColumn('sellers').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('buyers').addColumn('sellers', 'text').execute()
  const links = await db
    .selectFrom('erp_links as l')
    .innerJoin('sellers as s', 's.id', 'l.seller_id')
    .select(['l.buyer_id', 's.id', 's.name'])
    .orderBy('l.buyer_id')
    .orderBy('s.id')
    .execute()
  const byBuyer = new Map<string, Array<{ id: string; name: string }>>()
  for (const link of links) {
    const list = byBuyer.get(String(link.buyer_id)) ?? []
    list.push({ id: String(link.id), name: String(link.name) })
    byBuyer.set(String(link.buyer_id), list)
  }
  for (const [buyerId, sellers] of byBuyer) {
    await db
      .updateTable('buyers')
      .set({ sellers: JSON.stringify(sellers) })
      .where('id', '=', buyerId)
      .execute()
  }
  await sql`DELETE FROM erp_links`.execute(db)
}

function parseSellers(text: unknown): Array<{ id: string; name?: string | null }> {
  if (typeof text !== 'string' || text === '') return []
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return []
  }
  if (!Array.isArray(value)) return []
  return value.filter(
    (s): s is { id: string; name?: string | null } =>
      typeof s === 'object' && s !== null && typeof (s as { id?: unknown }).id === 'string',
  )
}

function randomLinkId(): string {
  const group = () => String(randomInt(0, 10_000)).padStart(4, '0')
  return `ERP-${group()}-${group()}-${group()}`
}
