import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, migrateTestDb } from '../../test/support/database.js'
import type { Db } from './connect.js'

/**
 * `account_users.user_email_key` is the database's copy of the member's `users.email_key`
 * (migration 2026-11-26-1200): the account-user list's `ilike(user.email, …)` reads it so that its
 * count needs no join. Only the database writes it; these check that it cannot drift.
 */
const AT = '2025-01-01T00:00:00.000Z'
let db: Db

async function addUser(id: string, email: string) {
  await db.db
    .insertInto('users')
    .values({
      id,
      email,
      email_key: email.toLowerCase(),
      first_name: 'F',
      last_name: 'L',
      status: 'Active',
      created_at: AT,
    })
    .execute()
}

async function addMember(id: string, userId: string, accountId = 'ACC-1') {
  await db.db
    .insertInto('account_users')
    .values({
      id,
      account_id: accountId,
      user_id: userId,
      status: 'Active',
      version: 0,
      created_at: AT,
    })
    .execute()
}

async function keysOf(...ids: string[]) {
  const rows = await db.db
    .selectFrom('account_users')
    .select(['id', 'user_email_key'])
    .where('id', 'in', ids)
    .orderBy('id')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.id, r.user_email_key]))
}

beforeAll(async () => {
  db = await createTestDb()
  for (const id of ['ACC-1', 'ACC-2']) {
    await db.db
      .insertInto('accounts')
      .values({ id, name: id, type: 'Client', status: 'Active', created_at: AT })
      .execute()
  }
  await addUser('USR-1', 'Ann@Example.com')
  await addUser('USR-2', 'Bob@Example.com')
  await addUser('USR-3', 'Cy@Example.com')
})
afterAll(async () => {
  await db?.close()
})

describe('account_users.user_email_key', () => {
  it("is set from the user's key on insert, without the writer naming it", async () => {
    await addMember('AUSR-1', 'USR-1')
    await addMember('AUSR-2', 'USR-2')
    await addMember('AUSR-3', 'USR-1', 'ACC-2')
    expect(await keysOf('AUSR-1', 'AUSR-2', 'AUSR-3')).toEqual({
      'AUSR-1': 'ann@example.com',
      'AUSR-2': 'bob@example.com',
      'AUSR-3': 'ann@example.com',
    })
  })

  it("follows a change of the user's key to every membership of that user only", async () => {
    await db.db
      .updateTable('users')
      .set({ email_key: 'ann.new@example.com' })
      .where('id', '=', 'USR-1')
      .execute()
    expect(await keysOf('AUSR-1', 'AUSR-2', 'AUSR-3')).toEqual({
      'AUSR-1': 'ann.new@example.com',
      'AUSR-2': 'bob@example.com',
      'AUSR-3': 'ann.new@example.com',
    })
  })

  it('cannot be written to disagree with the user, directly or by moving the membership', async () => {
    await db.db
      .updateTable('account_users')
      .set({ user_email_key: 'forged@example.com' })
      .where('id', '=', 'AUSR-2')
      .execute()
    expect(await keysOf('AUSR-2')).toEqual({ 'AUSR-2': 'bob@example.com' })
    await db.db
      .insertInto('account_users')
      .values({
        id: 'AUSR-4',
        account_id: 'ACC-2',
        user_id: 'USR-2',
        user_email_key: 'forged@example.com',
        status: 'Active',
        version: 0,
        created_at: AT,
      })
      .execute()
    expect(await keysOf('AUSR-4')).toEqual({ 'AUSR-4': 'bob@example.com' })
    await db.db
      .updateTable('account_users')
      .set({ user_id: 'USR-3' })
      .where('id', '=', 'AUSR-2')
      .execute()
    expect(await keysOf('AUSR-2')).toEqual({ 'AUSR-2': 'cy@example.com' })
  })

  it('is filled for the rows already there when the migration runs, and removed by its down', async () => {
    await migrateTestDb(db, '2026-11-26-1100-users-id-email-key')
    const readColumn = () =>
      db.db.selectFrom('account_users').select('user_email_key').limit(0).execute()
    await expect(readColumn()).rejects.toThrow(/user_email_key/)
    await addMember('AUSR-5', 'USR-2', 'ACC-1')
    await migrateTestDb(db)
    await expect(readColumn()).resolves.toEqual([])
    expect(await keysOf('AUSR-1', 'AUSR-2', 'AUSR-3', 'AUSR-4', 'AUSR-5')).toEqual({
      'AUSR-1': 'ann.new@example.com',
      'AUSR-2': 'cy@example.com',
      'AUSR-3': 'ann.new@example.com',
      'AUSR-4': 'bob@example.com',
      'AUSR-5': 'bob@example.com',
    })
    // and the triggers are back
    await addUser('USR-4', 'Dee@Example.com')
    await addMember('AUSR-6', 'USR-4')
    expect(await keysOf('AUSR-6')).toEqual({ 'AUSR-6': 'dee@example.com' })
  })
})
