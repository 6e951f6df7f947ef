import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WalCheckpointer } from './sqlite-checkpointer.js'
import { GroupCommitSqliteDialect, type SqliteHandle } from './sqlite-group-commit.js'

interface Tables {
  items: { id: number; name: string }
}

describe('SQLite group commit', () => {
  let dir: string
  let file: string
  let sqlite: SqliteDatabase.Database
  let db: Kysely<Tables>
  let executed: string[]
  /** A second connection to the same file: it sees only what is committed. */
  let observer: SqliteDatabase.Database

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'))
    file = join(dir, 'db.sqlite')
    sqlite = new SqliteDatabase(file)
    sqlite.pragma('journal_mode = WAL')
    executed = []
    db = new Kysely<Tables>({ dialect: new GroupCommitSqliteDialect(handleOf(sqlite, executed)) })
    await sql`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)`.execute(db)
    observer = new SqliteDatabase(file, { readonly: true })
  })

  afterEach(async () => {
    observer.close()
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  const committedNames = () =>
    (observer.prepare('SELECT name FROM items ORDER BY id').all() as Array<{ name: string }>).map(
      (r) => r.name,
    )
  const commits = () => executed.filter((s) => s === 'COMMIT').length

  it('commits concurrent transactions together, and each resolves only once it is durable', async () => {
    const seenAtResolve: string[][] = []
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db
          .transaction()
          .execute(async (trx) => {
            await trx
              .insertInto('items')
              .values({ id: i, name: `n${i}` })
              .execute()
            await trx
              .updateTable('items')
              .set({ name: `item-${i}` })
              .where('id', '=', i)
              .execute()
          })
          .then(() => seenAtResolve.push(committedNames())),
      ),
    )
    expect(commits()).toBe(1)
    const all = Array.from({ length: 10 }, (_, i) => `item-${i}`)
    for (const seen of seenAtResolve) expect(seen).toEqual(all)
  })

  it('undoes a failed transaction alone; the others of its batch commit', async () => {
    const results = await Promise.allSettled(
      [1, 2, 3].map((i) =>
        db.transaction().execute(async (trx) => {
          await trx
            .insertInto('items')
            .values({ id: i, name: `item-${i}` })
            .execute()
          if (i === 2) {
            // a unique violation after a first write: the first write must be undone too
            await trx.insertInto('items').values({ id: 20, name: 'item-1' }).execute()
          }
        }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(committedNames()).toEqual(['item-1', 'item-3'])
    expect(commits()).toBe(1)
  })

  it('makes a write outside a transaction wait for the shared COMMIT when it joins a batch', async () => {
    let plainWriteSaw: string[] = []
    const inTransaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, name: 'in-transaction' }).execute()
    })
    const plain = db
      .insertInto('items')
      .values({ id: 2, name: 'plain' })
      .execute()
      .then(() => {
        plainWriteSaw = committedNames()
      })
    await Promise.all([inTransaction, plain])
    expect(plainWriteSaw).toEqual(['in-transaction', 'plain'])
  })

  it('starts a new batch after a commit, and a transaction alone is committed at once', async () => {
    await db
      .transaction()
      .execute((trx) => trx.insertInto('items').values({ id: 1, name: 'a' }).execute())
    expect(committedNames()).toEqual(['a'])
    await db
      .transaction()
      .execute((trx) => trx.insertInto('items').values({ id: 2, name: 'b' }).execute())
    expect(committedNames()).toEqual(['a', 'b'])
    expect(commits()).toBe(2)
  })

  it('lets a transaction that awaits something else keep its batch open for the others', async () => {
    const slow = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, name: 'slow' }).execute()
      await new Promise((resolve) => setTimeout(resolve, 20))
      await trx.insertInto('items').values({ id: 2, name: 'slow-2' }).execute()
    })
    const fast = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 3, name: 'fast' }).execute()
    })
    await Promise.all([slow, fast])
    expect(committedNames()).toEqual(['slow', 'slow-2', 'fast'])
    expect(commits()).toBe(1)
  })

  it('starts nothing on the connection while the checkpointer drains the WAL, and resolves the committed first (issue #18)', async () => {
    let release!: () => void
    const drain = new Promise<void>((resolve) => (release = resolve))
    const told: string[] = []
    const checkpointer: WalCheckpointer = {
      committed: () => (told.push('commit'), told.length === 1 ? drain : undefined),
      close: async () => {},
    }
    await db.destroy()
    sqlite = new SqliteDatabase(file)
    db = new Kysely<Tables>({
      dialect: new GroupCommitSqliteDialect(handleOf(sqlite, executed), { checkpointer }),
    })
    await db
      .transaction()
      .execute((trx) => trx.insertInto('items').values({ id: 1, name: 'first' }).execute())
    expect(told).toEqual(['commit'])
    const next = db
      .transaction()
      .execute((trx) => trx.insertInto('items').values({ id: 2, name: 'second' }).execute())
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(committedNames()).toEqual(['first'])
    const begins = executed.filter((s) => s === 'BEGIN IMMEDIATE').length
    release()
    await next
    expect(executed.filter((s) => s === 'BEGIN IMMEDIATE').length).toBe(begins + 1)
    expect(committedNames()).toEqual(['first', 'second'])
    expect(told).toEqual(['commit', 'commit'])
  })

  it('flushes what is pending when the database is closed', async () => {
    const pending = db
      .transaction()
      .execute((trx) => trx.insertInto('items').values({ id: 1, name: 'last' }).execute())
    await Promise.all([pending, db.destroy()])
    const reader = new SqliteDatabase(file, { readonly: true })
    expect(reader.prepare('SELECT name FROM items').all()).toEqual([{ name: 'last' }])
    reader.close()
    // afterEach destroys again: reopen so that is harmless
    sqlite = new SqliteDatabase(file)
    db = new Kysely<Tables>({ dialect: new GroupCommitSqliteDialect(handleOf(sqlite)) })
  })
})

/** The real connection; `executed` records every statement the driver prepares. */
function handleOf(sqlite: SqliteDatabase.Database, executed: string[] = []): SqliteHandle {
  return {
    prepare: (text) => {
      executed.push(text)
      return sqlite.prepare(text)
    },
    get inTransaction() {
      return sqlite.inTransaction
    },
    close: () => sqlite.close(),
  }
}
