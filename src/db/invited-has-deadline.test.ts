import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, migrateTestDb } from '../../test/support/database.js'
import type { Db } from './connect.js'

/** Migration 2026-11-26-1300: an Invited membership always has a deadline. */
const AT = '2025-01-01T00:00:00.000Z'
let db: Db
beforeAll(async () => {
  db = await createTestDb()
  await db.db
    .insertInto('accounts')
    .values({ id: 'ACC-1', name: 'A', type: 'Client', status: 'Active', created_at: AT })
    .execute()
  await db.db
    .insertInto('users')
    .values(
      [1, 2].map((n) => ({
        id: `USR-${n}`,
        email: `u${n}@example.com`,
        email_key: `u${n}@example.com`,
        first_name: 'F',
        last_name: 'L',
        status: 'Invited' as const,
        created_at: AT,
      })),
    )
    .execute()
})
afterAll(async () => {
  await db?.close()
})

describe('migration 2026-11-26-1300-invited-has-deadline', () => {
  it('gives an Invited row without a deadline the latest one ("never expires"), then refuses new ones', async () => {
    await migrateTestDb(db, '2026-11-26-1200-account-users-user-email-key')
    const member = (n: number, expiresAt: string | null) => ({
      id: `AUSR-${n}`,
      account_id: 'ACC-1',
      user_id: `USR-${n}`,
      status: 'Invited' as const,
      invitation_expires_at: expiresAt,
      version: 0,
      created_at: AT,
    })
    await db.db
      .insertInto('account_users')
      .values([member(1, null), member(2, '2025-02-01T00:00:00.000Z')])
      .execute()
    await migrateTestDb(db)
    const rows = await db.db
      .selectFrom('account_users')
      .select(['id', 'invitation_expires_at'])
      .orderBy('id')
      .execute()
    expect(rows.map((r) => [r.id, new Date(r.invitation_expires_at!).toISOString()])).toEqual([
      ['AUSR-1', '9999-12-31T23:59:59.999Z'],
      ['AUSR-2', '2025-02-01T00:00:00.000Z'],
    ])
    await expect(
      db.db
        .updateTable('account_users')
        .set({ invitation_expires_at: null })
        .where('id', '=', 'AUSR-2')
        .execute(),
    ).rejects.toThrow(/account_users_invited_has_deadline/)
  })
})
