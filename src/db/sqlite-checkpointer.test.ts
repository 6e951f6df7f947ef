import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type SqliteDatabase from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openSqlite } from './connect.js'
import { startWalCheckpointer, type WalCheckpointer } from './sqlite-checkpointer.js'

describe('WAL checkpoints on a thread of their own (issue #18)', () => {
  let dir: string
  let file: string
  let sqlite: SqliteDatabase.Database
  let checkpointer: WalCheckpointer | undefined

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpointer-'))
    file = join(dir, 'db.sqlite')
    sqlite = openSqlite(file)
    sqlite.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)')
    // Everything so far into the database file: the tests watch what happens after.
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
  })

  afterEach(async () => {
    await checkpointer?.close()
    checkpointer = undefined
    if (sqlite.open) sqlite.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const insert = (rows: number) => {
    const statement = sqlite.prepare('INSERT INTO items (name) VALUES (?)')
    sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) statement.run(`item ${i} ${'x'.repeat(500)}`)
    })()
  }
  const size = (path: string) => (existsSync(path) ? statSync(path).size : 0)

  it('copies committed pages into the database file while the main connection never checkpoints', async () => {
    checkpointer = startWalCheckpointer(sqlite, file)
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    const before = size(file)
    insert(200)
    expect(size(file)).toBe(before) // the commit only appended to the WAL
    expect(checkpointer.committed()).toBeUndefined() // a small WAL: the writer does not wait
    await vi.waitFor(() => expect(size(file)).toBeGreaterThan(before + 50_000))
    expect(sqlite.prepare('SELECT count(*) FROM items').pluck().get()).toBe(200)
  })

  it('makes writes wait while a WAL past its bound is checkpointed, so that it starts over', async () => {
    checkpointer = startWalCheckpointer(sqlite, file, { drainFrames: 50 })
    // Commits faster than the thread reports (no turn of the event loop in between): the WAL grows.
    for (let i = 0; i < 20; i++) {
      insert(20)
      expect(checkpointer.committed()).toBeUndefined()
    }
    const framesInWal = () => {
      const observer = openSqlite(file)
      const [result] = observer.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>
      observer.close()
      return result!.log
    }
    // Once the thread has reported the WAL's size, the next commit must wait …
    let drained: Promise<void> | undefined
    await vi.waitFor(() => {
      insert(1)
      drained = checkpointer!.committed()
      expect(drained).toBeInstanceOf(Promise)
    })
    await drained
    // … and after it the WAL starts over: it holds only what was written since.
    insert(1)
    expect(framesInWal()).toBeLessThan(10)
    expect(sqlite.prepare('SELECT count(*) FROM items').pluck().get()).toBeGreaterThan(400)
  })

  it('goes back to SQLite checkpointing on its own when the thread fails', async () => {
    checkpointer = startWalCheckpointer(sqlite, join(dir, 'missing', 'db.sqlite'))
    await vi.waitFor(() => expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000))
    insert(10)
    expect(checkpointer.committed()).toBeUndefined()
  })

  it('closes its connection first, so that the main connection checkpoints and removes the WAL', async () => {
    checkpointer = startWalCheckpointer(sqlite, file)
    insert(100)
    void checkpointer.committed()
    await checkpointer.close()
    sqlite.close()
    expect(existsSync(`${file}-wal`)).toBe(false)
    const reopened = openSqlite(file)
    expect(reopened.prepare('SELECT count(*) FROM items').pluck().get()).toBe(100)
    reopened.close()
  })
})
