import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, migrateTestDb } from '../../test/support/database.js'
import type { Db } from './connect.js'

/** Migration 2026-12-03-1310 (decision 40): the buyers' JSON `sellers` become ERP links. */
const AT = '2025-01-01T00:00:00.000Z'
let db: Db
/** The tables as they were before the migration: `buyers.sellers` is not in today's types. */
let raw: Kysely<any>

beforeAll(async () => {
  db = await createTestDb()
  raw = db.db as unknown as Kysely<any>
  await migrateTestDb(db, '2026-12-03-1300-sellers-licensees-erp-links-cloud-tenants')
  await raw
    .insertInto('accounts')
    .values({ id: 'ACC-1', name: 'A', type: 'Client', status: 'Active', created_at: AT })
    .execute()
  await raw
    .insertInto('sellers')
    .values({
      id: 'SEL-1111-1111',
      name: 'SoftwareOne AG',
      status: 'Active',
      currencies: '[]',
      created_at: AT,
    })
    .execute()
  const buyer = (id: string, sellers: unknown) => ({
    id,
    account_id: 'ACC-1',
    name: id,
    status: 'Active',
    sellers: sellers === null ? null : JSON.stringify(sellers),
    created_at: AT,
  })
  await raw
    .insertInto('buyers')
    .values([
      buyer('BUY-0000-0001', [
        { id: 'SEL-1111-1111', name: 'SoftwareOne AG' },
        { id: 'SEL-2222-2222', name: 'SoftwareOne Spain' },
        { id: 'SEL-2222-2222', name: 'listed twice' },
      ]),
      buyer('BUY-0000-0002', [
        { id: 'SEL-2222-2222', name: 'Another name' },
        { id: 'SEL-3333-3333' },
      ]),
      buyer('BUY-0000-0003', null),
      buyer('BUY-0000-0004', []),
    ])
    .execute()
})
afterAll(async () => {
  await db?.close()
})

const links = () =>
  db.db
    .selectFrom('erp_links')
    .select(['buyer_id', 'seller_id', 'status', 'id'])
    .orderBy('buyer_id')
    .orderBy('seller_id')
    .execute()

describe('migration 2026-12-03-1310-buyer-sellers-to-erp-links', () => {
  it('links every listed seller once, creating the sellers no table held, and drops the column', async () => {
    await migrateTestDb(db)
    const migrated = await links()
    expect(
      migrated.map(({ buyer_id, seller_id, status }) => [buyer_id, seller_id, status]),
    ).toEqual([
      ['BUY-0000-0001', 'SEL-1111-1111', 'Active'],
      ['BUY-0000-0001', 'SEL-2222-2222', 'Active'],
      ['BUY-0000-0002', 'SEL-2222-2222', 'Active'],
      ['BUY-0000-0002', 'SEL-3333-3333', 'Active'],
    ])
    for (const link of migrated) expect(link.id).toMatch(/^ERP-\d{4}-\d{4}-\d{4}$/)
    const sellers = await db.db
      .selectFrom('sellers')
      .select(['id', 'name', 'status'])
      .orderBy('id')
      .execute()
    expect(sellers).toEqual([
      { id: 'SEL-1111-1111', name: 'SoftwareOne AG', status: 'Active' },
      { id: 'SEL-2222-2222', name: 'SoftwareOne Spain', status: 'Active' },
      { id: 'SEL-3333-3333', name: 'SEL-3333-3333', status: 'Active' },
    ])
    await expect(sql`SELECT sellers FROM buyers`.execute(db.db)).rejects.toThrow()
  })

  it('rolls back to the JSON column, rebuilt from the links', async () => {
    await migrateTestDb(db, '2026-12-03-1300-sellers-licensees-erp-links-cloud-tenants')
    const rows = await raw.selectFrom('buyers').select(['id', 'sellers']).orderBy('id').execute()
    expect(rows.map((r) => [r.id, r.sellers === null ? null : JSON.parse(r.sellers)])).toEqual([
      [
        'BUY-0000-0001',
        [
          { id: 'SEL-1111-1111', name: 'SoftwareOne AG' },
          { id: 'SEL-2222-2222', name: 'SoftwareOne Spain' },
        ],
      ],
      [
        'BUY-0000-0002',
        [
          { id: 'SEL-2222-2222', name: 'SoftwareOne Spain' },
          { id: 'SEL-3333-3333', name: 'SEL-3333-3333' },
        ],
      ],
      ['BUY-0000-0003', null],
      ['BUY-0000-0004', null],
    ])
    expect(await links()).toEqual([])
    await migrateTestDb(db)
    expect(await links()).toHaveLength(4)
  })
})
