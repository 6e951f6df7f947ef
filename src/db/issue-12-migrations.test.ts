import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, migrateTestDb, testDialect } from '../../test/support/database.js'
import type { Db } from './connect.js'

/**
 * Issue #12's migrations on data written before them: 2026-12-03-1200 copies the names every
 * account saw onto each membership; 2026-12-03-1220 gives each icon one owner, copies an icon
 * two objects shared, and drops the ones nobody references (replaced logos).
 */
const AT = '2025-01-01T00:00:00.000Z'
const ROUTE = '/public/v1/accounts/icons/'
let db: Db

beforeAll(async () => {
  db = await createTestDb()
  await migrateTestDb(db, '2026-11-26-1300-invited-has-deadline')
  const any = db.db as any
  for (const id of ['ACC-1', 'ACC-2', 'ACC-3']) {
    await any
      .insertInto('accounts')
      .values({ id, name: id, type: 'Client', status: 'Active', created_at: AT, icon: null })
      .execute()
  }
  await any
    .insertInto('users')
    .values({
      id: 'USR-1',
      email: 'ann@example.com',
      email_key: 'ann@example.com',
      first_name: 'Ann',
      last_name: 'Typed',
      phone_number: '555',
      status: 'Invited',
      created_at: AT,
    })
    .execute()
  for (const [id, account] of [
    ['AUSR-1', 'ACC-1'],
    ['AUSR-2', 'ACC-2'],
  ]) {
    await any
      .insertInto('account_users')
      .values({
        id,
        account_id: account,
        user_id: 'USR-1',
        status: 'Invited',
        invitation_expires_at: AT,
        version: 0,
        created_at: AT,
      })
      .execute()
  }
  const png = Buffer.from('89504e470d0a1a0a', 'hex')
  for (const id of ['shared', 'replaced', 'own']) {
    await any
      .insertInto('icons')
      .values({ id, content_type: 'image/png', data: png, created_at: AT })
      .execute()
  }
  await any
    .updateTable('accounts')
    .set({ icon: `${ROUTE}shared` })
    .where('id', 'in', ['ACC-1', 'ACC-2'])
    .execute()
  await any
    .updateTable('users')
    .set({ icon: `${ROUTE}own` })
    .where('id', '=', 'USR-1')
    .execute()
  await migrateTestDb(db)
})
afterAll(async () => db.close())

describe(`issue #12 migrations on existing data (${testDialect})`, () => {
  it('copies the names and phone every account saw onto each membership', async () => {
    const rows = await db.db
      .selectFrom('account_users')
      .select([
        'id',
        'invitee_first_name',
        'invitee_last_name',
        'invitee_phone_number',
        'invitation_proof',
      ])
      .orderBy('id')
      .execute()
    expect(rows).toEqual([
      {
        id: 'AUSR-1',
        invitee_first_name: 'Ann',
        invitee_last_name: 'Typed',
        invitee_phone_number: '555',
        invitation_proof: null,
      },
      {
        id: 'AUSR-2',
        invitee_first_name: 'Ann',
        invitee_last_name: 'Typed',
        invitee_phone_number: '555',
        invitation_proof: null,
      },
    ])
  })

  it('gives every icon one owner, copying a shared one and dropping the unreferenced', async () => {
    const accounts = await db.db
      .selectFrom('accounts')
      .select(['id', 'icon'])
      .orderBy('id')
      .execute()
    const icons = await db.db.selectFrom('icons').select(['id', 'owner']).orderBy('owner').execute()
    expect(icons.map((i) => i.owner)).toEqual(['ACC-1', 'ACC-2', 'USR-1'])
    expect(icons.find((i) => i.owner === 'ACC-1')!.id).toBe('shared')
    const copy = icons.find((i) => i.owner === 'ACC-2')!.id
    expect(copy).toMatch(/^[0-9a-f]{32}$/)
    expect(accounts).toEqual([
      { id: 'ACC-1', icon: `${ROUTE}shared` },
      { id: 'ACC-2', icon: `${ROUTE}${copy}` },
      { id: 'ACC-3', icon: null },
    ])
    expect(icons.some((i) => i.id === 'replaced')).toBe(false)
    await expect(
      db.db
        .insertInto('icons')
        .values({
          id: 'second',
          owner: 'USR-1',
          content_type: 'image/png',
          data: Buffer.from('x'),
          created_at: AT,
        })
        .execute(),
    ).rejects.toThrow()
  })
})
