import { sql, type KyselyPlugin, type RootOperationNode } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccountUsers } from '../../test/support/account-user-dataset.js'
import { createTestDb } from '../../test/support/database.js'
import { LEGACY_ACCOUNT_USER_FIELDS } from '../account-users/account-user-fields.js'
import {
  ACCOUNT_USER_JOINS,
  accountUserBase,
  accountUserBaseJoining,
  selectAccountUserColumns,
} from '../account-users/account-user-repository.js'
import type { Db } from './connect.js'
import { fetchListPage, readsTableAlias } from './list-page.js'
import { parseListQuery } from '../rql/rql-parser.js'

describe('readsTableAlias', () => {
  const where = (db: Db, expression: ReturnType<typeof sql>) =>
    accountUserBase(db.db)
      .where(expression as never)
      .toOperationNode().where

  let db: Db
  beforeAll(async () => {
    db = await createTestDb()
  })
  afterAll(async () => {
    await db.close()
  })

  it('finds a qualified column reference, in raw SQL text too, and nothing else', () => {
    expect(readsTableAlias(where(db, sql`${sql.ref('a.name')} = 'x'`), 'a')).toBe(true)
    expect(readsTableAlias(where(db, sql`a.name = 'x'`), 'a')).toBe(true)
    expect(readsTableAlias(where(db, sql`"a"."name" = 'x'`), 'a')).toBe(true)
    expect(readsTableAlias(where(db, sql`(au.status = ${'a.x'})`), 'a')).toBe(false)
    expect(readsTableAlias(where(db, sql`${sql.ref('au.status')} = 'x'`), 'a')).toBe(false)
    expect(readsTableAlias(where(db, sql`data.a = 1`), 'a')).toBe(false)
    expect(readsTableAlias(undefined, 'a')).toBe(false)
  })
})

/** Records the SQL of every query run through it. */
class Capture implements KyselyPlugin {
  readonly sql: string[] = []
  constructor(private readonly db: Db) {}
  transformQuery(args: { node: RootOperationNode; queryId: { readonly queryId: string } }) {
    this.sql.push(this.db.db.getExecutor().compileQuery(args.node, args.queryId).sql)
    return args.node
  }
  async transformResult<R>(args: { result: R }) {
    return args.result
  }
}

describe('fetchListPage with a prunable base (account users)', () => {
  const NOW = new Date('2025-06-01T00:00:00.000Z')
  let db: Db
  beforeAll(async () => {
    db = await createTestDb()
    await seedAccountUsers(db.db, { count: 300, now: NOW, keepModel: false })
  })
  afterAll(async () => {
    await db.close()
  })

  async function list(rawQuery: string, prunable: boolean) {
    const capture = new Capture(db)
    const kysely = db.db.withPlugin(capture)
    const { total, models } = await fetchListPage({
      base: prunable
        ? { joins: ACCOUNT_USER_JOINS, build: (joins) => accountUserBaseJoining(kysely, joins) }
        : accountUserBase(kysely),
      query: parseListQuery(rawQuery),
      fields: LEGACY_ACCOUNT_USER_FIELDS,
      ctx: { dialect: db.dialect, now: NOW },
      tieBreak: 'au.id',
      columns: selectAccountUserColumns,
      hydrate: async (rows) => rows.map((r) => (r as { id: string }).id),
    })
    const count = capture.sql.find((q) => /count\(\*\)/i.test(q))!
    const page = capture.sql.findLast((q) => / limit /i.test(q))!
    return { total, ids: models, count, page }
  }

  it.each([
    ['and(eq(invitation.status,Invited),ilike(user.email,*@example.com))', []],
    ['eq(account.id,ACC-9000-0001)', []],
    ['eq(user.id,USR-0000-0007)', []],
    ['', []],
    ['eq(user.firstName,Zoë)', ['users']],
    ['ilike(account.name,*1)', ['accounts']],
    ['or(eq(user.lastName,Müller),eq(account.status,Active))', ['users', 'accounts']],
    ['any(groups,eq(isDefault,false))', []],
    ['not(ilike(user.email,*1@example.com))', []],
  ])('%s: the count joins %j only, and counts what the joined count does', async (q, joins) => {
    const pruned = await list(`${q}&order=-audit.created.at&limit=5`, true)
    const full = await list(`${q}&order=-audit.created.at&limit=5`, false)
    expect(full.total).toBeGreaterThan(0)
    expect(pruned.total).toBe(full.total)
    expect(pruned.ids).toEqual(full.ids)
    expect(full.count).toMatch(/join "users"[\s\S]*join "accounts"/)
    expect(pruned.count.includes('join "users"')).toBe(joins.includes('users'))
    expect(pruned.count.includes('join "accounts"')).toBe(joins.includes('accounts'))
  })

  // Issue #18: with every table joined, SQLite's planner could scan a small accounts table first
  // and sort every match of the account (0.6 ms for 200 Invited) where the keys alone walk
  // (account_id, status, created_at) in list order and stop after the page.
  it.each([
    ['eq(invitation.status,Invited)&order=-audit.created.at', []],
    ['eq(account.id,ACC-9000-0001)&order=user.firstName', ['users']],
    ['ilike(account.name,*1)&order=-audit.created.at', ['accounts']],
    ['eq(user.lastName,Müller)&order=account.name', 'all'],
  ])(
    '%s: the page takes its keys from the joins %j only, then joins the rest',
    async (q, joins) => {
      const pruned = await list(`${q}&limit=5&offset=2`, true)
      const full = await list(`${q}&limit=5&offset=2`, false)
      expect(pruned.ids).toEqual(full.ids)
      expect(pruned.ids).toHaveLength(5)
      if (joins === 'all') {
        expect(pruned.page).not.toContain('page_key')
        return
      }
      const keys = /in \((select "au"\."id" as "page_key" .*)\) order by/.exec(pruned.page)?.[1]
      expect(keys, pruned.page).toBeDefined()
      expect(keys!.includes('join "users"')).toBe(joins.includes('users'))
      expect(keys!.includes('join "accounts"')).toBe(joins.includes('accounts'))
      expect(pruned.page).toMatch(/^select .* inner join "users" .* inner join "accounts" /)
    },
  )
})
