import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../../test/support/database.js'
import { LEGACY_ACCOUNT_USER_FIELDS } from '../account-users/account-user-fields.js'
import type { Db } from '../db/connect.js'
import { applyFilter, applyOrder } from './rql-compiler.js'
import type { FieldMap, ScalarField } from './rql-fields.js'
import { parseListQuery } from './rql-parser.js'

/**
 * A field's own `compare` (ScalarField.compare) must select exactly the rows the generic
 * comparison of its `sql` does. invitation.status compiles eq/ne/in/out to predicates on the
 * stored columns; here every stored status × every kind of deadline (none, past, exactly now,
 * future; but no Invited without one, which the database refuses) is compared against the
 * generic CASE comparison, plain and negated, on this database.
 */
const NOW = new Date('2025-06-01T12:00:00.000Z')
const DEADLINES = [null, '2025-06-01T11:00:00.000Z', NOW.toISOString(), '2025-06-01T13:00:00.000Z']
const STATUSES = ['Active', 'Invited', 'InvitationExpired'] as const

const own = LEGACY_ACCOUNT_USER_FIELDS['invitation.status'] as ScalarField
const { compare: _unused, ...generic } = own
const GENERIC_FIELDS: FieldMap = { ...LEGACY_ACCOUNT_USER_FIELDS, 'invitation.status': generic }

let db: Db
beforeAll(async () => {
  db = await createTestDb()
  const createdAt = '2025-01-01T00:00:00.000Z'
  await db.db
    .insertInto('accounts')
    .values({ id: 'ACC-1', name: 'A', type: 'Client', status: 'Active', created_at: createdAt })
    .execute()
  let n = 0
  for (const status of STATUSES) {
    for (const deadline of DEADLINES) {
      // A stored Invited always has a deadline: the database refuses one without (tested below).
      if (status === 'Invited' && deadline === null) continue
      n += 1
      await db.db
        .insertInto('users')
        .values({
          id: `USR-${n}`,
          email: `u${n}@example.com`,
          email_key: `u${n}@example.com`,
          first_name: 'F',
          last_name: 'L',
          status: 'Active',
          created_at: createdAt,
        })
        .execute()
      await db.db
        .insertInto('account_users')
        .values({
          id: `AUSR-${String(n).padStart(2, '0')}`,
          account_id: 'ACC-1',
          user_id: `USR-${n}`,
          status,
          invitation_expires_at: deadline,
          version: 0,
          created_at: createdAt,
        })
        .execute()
    }
  }
})
afterAll(async () => db?.close())

async function ids(raw: string, fields: FieldMap): Promise<string[]> {
  const ctx = { dialect: db.dialect, now: NOW }
  const query = parseListQuery(raw)
  const base = applyFilter(
    db.db.selectFrom('account_users as au').select('au.id'),
    query.filter,
    fields,
    ctx,
  )
  return (await applyOrder(base, [], fields, ctx, 'au.id').execute()).map((r) => r.id)
}

const subsets = (values: readonly string[]): string[][] =>
  values
    .reduce<string[][]>((acc, v) => [...acc, ...acc.map((s) => [...s, v])], [[]])
    .filter((s) => s.length > 0)

const QUERIES = [
  ...STATUSES.flatMap((s) => [`eq(invitation.status,${s})`, `ne(invitation.status,${s})`]),
  ...subsets(STATUSES).flatMap((s) => [
    `in(invitation.status,(${s.join(',')}))`,
    `out(invitation.status,(${s.join(',')}))`,
  ]),
  'in(invitation.status,(Invited,Invited))',
  'in(invitation.status,(Invited,null()))',
  'out(invitation.status,(Active,null()))',
  'eq(invitation.status,null())',
  'ne(invitation.status,null())',
  'or(eq(invitation.status,Invited),eq(id,AUSR-01))',
  'and(ne(invitation.status,Active),not(eq(invitation.status,InvitationExpired)))',
]

describe('invitation.status compare hook ≡ the generic CASE comparison', () => {
  it.each(QUERIES.flatMap((q) => [q, `not(${q})`]))('%s', async (raw) => {
    const expected = await ids(raw, GENERIC_FIELDS)
    expect(await ids(raw, LEGACY_ACCOUNT_USER_FIELDS)).toEqual(expected)
  })

  it('covers every row: each status reads as exactly one value', async () => {
    const counts = await Promise.all(
      STATUSES.map((s) => ids(`eq(invitation.status,${s})`, LEGACY_ACCOUNT_USER_FIELDS)),
    )
    expect(counts.map((c) => c.length)).toEqual([4, 1, 6])
  })
})

describe('a stored Invited without a deadline', () => {
  it('is refused by the database, on insert and on update', async () => {
    const row = {
      id: 'AUSR-X',
      account_id: 'ACC-1',
      user_id: 'USR-1',
      status: 'Invited' as const,
      invitation_expires_at: null,
      version: 0,
      created_at: NOW.toISOString(),
    }
    await expect(db.db.insertInto('account_users').values(row).execute()).rejects.toThrow(
      /account_users_invited_has_deadline/,
    )
    await expect(
      db.db
        .updateTable('account_users')
        .set({ invitation_expires_at: null })
        .where('status', '=', 'Invited')
        .execute(),
    ).rejects.toThrow(/account_users_invited_has_deadline/)
    await expect(
      db.db
        .updateTable('account_users')
        .set({ status: 'Invited' })
        .where('status', '=', 'Active')
        .where('invitation_expires_at', 'is', null)
        .execute(),
    ).rejects.toThrow(/account_users_invited_has_deadline/)
    // unchanged
    const counts = await Promise.all(
      STATUSES.map((s) => ids(`eq(invitation.status,${s})`, LEGACY_ACCOUNT_USER_FIELDS)),
    )
    expect(counts.map((c) => c.length)).toEqual([4, 1, 6])
  })
})
