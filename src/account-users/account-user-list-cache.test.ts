import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { sql } from 'kysely'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  inviteAndAccept,
  inviteUser,
  LEGACY_PATH,
  scopedUsersPath,
} from '../../test/support/account-users.js'
import { testDialect } from '../../test/support/database.js'
import { createAccount, createApiToken } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { connectDatabase } from '../db/connect.js'
import { createListCache } from '../db/list-cache.js'
import { migrateToLatest } from '../db/migrate.js'

/**
 * A repeated list is answered from the list cache (LIST_CACHE=on, the default) on both databases;
 * these tests fail if a cached answer outlives what it was computed from.
 */
describe('account-user lists answered again (list cache)', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const INVITED = `${LEGACY_PATH}?eq(invitation.status,Invited)&order=user.email`
  const emails = (res: { json(): { data: Array<{ user: { email: string } }> } }) =>
    res.json().data.map((u) => u.user.email)

  it('answers the same bytes again while nothing changed', async () => {
    await inviteUser(t, { email: 'ada@example.com' })
    const first = await t.request({ method: 'GET', url: INVITED })
    const second = await t.request({ method: 'GET', url: INVITED })
    expect(first.statusCode).toBe(200)
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(second.body).toBe(first.body)
    expect(emails(second)).toEqual(['ada@example.com'])
  })

  it('shows a write made after the first answer (invite, delete)', async () => {
    await inviteUser(t, { email: 'ada@example.com' })
    expect(emails(await t.request({ method: 'GET', url: INVITED }))).toEqual(['ada@example.com'])
    const bob = await inviteUser(t, { email: 'bob@example.com' })
    expect(emails(await t.request({ method: 'GET', url: INVITED }))).toEqual([
      'ada@example.com',
      'bob@example.com',
    ])
    expect((await t.request({ method: 'DELETE', url: bob.path })).statusCode).toBe(204)
    expect(emails(await t.request({ method: 'GET', url: INVITED }))).toEqual(['ada@example.com'])
  })

  it('turns an invitation InvitationExpired the moment it lapses, with no write in between', async () => {
    await inviteUser(t, { email: 'ada@example.com' })
    t.clock.advance(5_000)
    await inviteUser(t, { email: 'bob@example.com' })
    // 2 s before Ada's link lapses. The token's last access is written at most once a minute, so
    // from here on the requests below write nothing: only the clock moves.
    t.clock.advance(t.config.invitationTtlMs - 5_000 - 2_000)
    const all = `${LEGACY_PATH}?order=user.email`
    const statuses = async () =>
      (await t.request({ method: 'GET', url: all }))
        .json()
        .data.map((u: { invitation: { status: string } }) => u.invitation.status)
    expect(emails(await t.request({ method: 'GET', url: INVITED }))).toHaveLength(2)
    expect(await statuses()).toEqual(['Invited', 'Invited'])
    t.clock.advance(2_000)
    expect(emails(await t.request({ method: 'GET', url: INVITED }))).toEqual(['bob@example.com'])
    expect(await statuses()).toEqual(['InvitationExpired', 'Invited'])
    t.clock.advance(5_000)
    expect(emails(await t.request({ method: 'GET', url: INVITED }))).toEqual([])
    expect(await statuses()).toEqual(['InvitationExpired', 'InvitationExpired'])
  })

  it('never hands one caller the answer computed for another', async () => {
    const client = await createAccount(t.db.db, { type: 'Client' })
    const token = await createApiToken(t.db.db, client)
    await inviteUser(t, { email: 'ops@example.com' })
    await inviteUser(t, { email: 'client@example.com', accountId: client })
    const path = `${LEGACY_PATH}?order=user.email`
    // the first request of a token records its last access (a write): have both done that first
    await t.request({ method: 'GET', url: LEGACY_PATH, token: token.credential })
    await t.request({ method: 'GET', url: LEGACY_PATH })
    expect(emails(await t.request({ method: 'GET', url: path }))).toEqual([
      'client@example.com',
      'ops@example.com',
    ])
    const asClient = await t.request({ method: 'GET', url: path, token: token.credential })
    expect(emails(asClient)).toEqual(['client@example.com'])
    // the same query in another family and account is another answer too
    const scoped = await t.request({
      method: 'GET',
      url: `${scopedUsersPath(t.operations.accountId)}?order=user.email`,
    })
    expect(scoped.json().data.map((u: { email?: string }) => u.email)).toEqual(['ops@example.com'])
  })
})

describe.runIf(testDialect === 'sqlite')('the list cache and other processes (SQLite file)', () => {
  let dir: string
  let t: TestApp
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'list-cache-'))
    const database = connectDatabase({ dialect: 'sqlite', filename: join(dir, 'db.sqlite') })
    await migrateToLatest(database.db)
    t = await buildTestApp({}, { database })
  })
  afterEach(async () => {
    await t.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('sees a commit by another connection to the same file', async () => {
    // A registered user: the list shows their own profile, the users row (issue #12).
    await inviteAndAccept(t, { email: 'ada@example.com' })
    const path = `${LEGACY_PATH}?order=user.email`
    const before = await t.request({ method: 'GET', url: path })
    expect(before.json().data[0].user.firstName).toBe('Ada')
    const other = new SqliteDatabase(join(dir, 'db.sqlite'))
    other.prepare("UPDATE users SET first_name = 'Augusta' WHERE email = 'ada@example.com'").run()
    other.close()
    const after = await t.request({ method: 'GET', url: path })
    expect(after.json().data[0].user.firstName).toBe('Augusta')
  })
})

describe.runIf(testDialect === 'postgres')('the list cache and other nodes (PostgreSQL)', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  it('sees a commit made through another connection pool, as by another node', async () => {
    await inviteAndAccept(t, { email: 'ada@example.com' })
    const path = `${LEGACY_PATH}?order=user.email`
    expect((await t.request({ method: 'GET', url: path })).json().data[0].user.firstName).toBe(
      'Ada',
    )
    const { rows } = await sql<{ search_path: string }>`SHOW search_path`.execute(t.db.db)
    const other = new pg.Client({
      connectionString: process.env.TEST_DATABASE_URL,
      options: `-c search_path=${rows[0]!.search_path}`,
    })
    await other.connect()
    await other.query("UPDATE users SET first_name = 'Augusta' WHERE email = 'ada@example.com'")
    await other.end()
    expect((await t.request({ method: 'GET', url: path })).json().data[0].user.firstName).toBe(
      'Augusta',
    )
  })
})

describe('createListCache', () => {
  const now = new Date('2026-01-01T00:00:00Z')

  it('serves an entry only under the data version it was computed at, and before validUntil', () => {
    const cache = createListCache(() => 'unused')
    cache.set('k', { json: '{"a":1}', version: 'v1', validUntil: new Date(now.getTime() + 1000) })
    expect(cache.get('k', 'v1', now)).toBe('{"a":1}')
    expect(cache.get('k', 'v1', new Date(now.getTime() + 1000))).toBeUndefined()
    cache.set('k', { json: '{"a":2}', version: 'v1', validUntil: null })
    expect(cache.get('k', 'v2', now)).toBeUndefined()
    // dropped when found stale
    expect(cache.get('k', 'v1', now)).toBeUndefined()
  })

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = createListCache(() => 'v', { maxEntries: 2 })
    cache.set('a', { json: 'A', version: 'v', validUntil: null })
    cache.set('b', { json: 'B', version: 'v', validUntil: null })
    expect(cache.get('a', 'v', now)).toBe('A')
    cache.set('c', { json: 'C', version: 'v', validUntil: null })
    expect(cache.get('b', 'v', now)).toBeUndefined()
    expect(cache.get('a', 'v', now)).toBe('A')
    expect(cache.get('c', 'v', now)).toBe('C')
  })
})
