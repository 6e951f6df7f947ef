import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, migrateTestDb } from '../../test/support/database.js'
import type { Db } from './connect.js'

/** Migration 2026-12-03-1101: users detached from every account before it are Disabled. */
const AT = '2025-01-01T00:00:00.000Z'
let db: Db
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(async () => {
  await db?.close()
})

describe('migration 2026-12-03-1101-detached-users-disabled', () => {
  it('disables Active and Invited users without a membership, and blocked ones on unblock', async () => {
    await migrateTestDb(db, '2026-12-03-1100-module-settings-obsolete-eligibility')
    await db.db
      .insertInto('accounts')
      .values({ id: 'ACC-1', name: 'A', type: 'Client', status: 'Active', created_at: AT })
      .execute()
    const user = (n: number, status: 'Active' | 'Invited' | 'Blocked' | 'Deleted') => ({
      id: `USR-${n}`,
      email: `u${n}@example.com`,
      email_key: `u${n}@example.com`,
      first_name: 'F',
      last_name: 'L',
      status,
      status_before_block: status === 'Blocked' ? 'Active' : null,
      created_at: AT,
    })
    await db.db
      .insertInto('users')
      .values([
        user(1, 'Active'),
        user(2, 'Invited'),
        user(3, 'Blocked'),
        user(4, 'Deleted'),
        user(5, 'Active'),
      ])
      .execute()
    await db.db
      .insertInto('account_users')
      .values({
        id: 'AUSR-5',
        account_id: 'ACC-1',
        user_id: 'USR-5',
        status: 'Active',
        version: 0,
        created_at: AT,
      })
      .execute()
    await migrateTestDb(db)
    const rows = await db.db
      .selectFrom('users')
      .select(['id', 'status', 'status_before_block'])
      .orderBy('id')
      .execute()
    expect(rows).toEqual([
      { id: 'USR-1', status: 'Disabled', status_before_block: null },
      { id: 'USR-2', status: 'Disabled', status_before_block: null },
      { id: 'USR-3', status: 'Blocked', status_before_block: 'Disabled' },
      { id: 'USR-4', status: 'Deleted', status_before_block: null },
      { id: 'USR-5', status: 'Active', status_before_block: null },
    ])
  })
})
