import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, testDialect } from '../../test/support/database.js'
import type { Db } from '../db/connect.js'
import { disableIfDetached } from './user-repository.js'

const AT = '2025-01-01T00:00:00.000Z'
const CHANGES = { updated_at: AT, updated_by: null }

function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/**
 * Issue #11, §6.2 #5: two transactions remove a person's last two memberships at once. Each sees
 * the other's membership until the other commits, so without a lock neither disables the user.
 * Only PostgreSQL runs two write transactions side by side; SQLite serialises (or group-commits)
 * them on one connection, where each sees the other's delete.
 */
describe.skipIf(testDialect !== 'postgres')('disableIfDetached under concurrent removals', () => {
  let db: Db
  beforeAll(async () => {
    db = await createTestDb({ poolSize: 4 })
    await db.db
      .insertInto('accounts')
      .values(
        ['ACC-1', 'ACC-2'].map((id) => ({
          id,
          name: id,
          type: 'Client' as const,
          status: 'Active' as const,
          created_at: AT,
        })),
      )
      .execute()
    await db.db
      .insertInto('users')
      .values({
        id: 'USR-1',
        email: 'u@example.com',
        email_key: 'u@example.com',
        first_name: 'F',
        last_name: 'L',
        status: 'Active',
        created_at: AT,
      })
      .execute()
    await db.db
      .insertInto('account_users')
      .values(
        [1, 2].map((n) => ({
          id: `AUSR-${n}`,
          account_id: `ACC-${n}`,
          user_id: 'USR-1',
          status: 'Active' as const,
          version: 0,
          created_at: AT,
        })),
      )
      .execute()
  })
  afterAll(async () => {
    await db?.close()
  })

  it('disables the user when the second removal checks while the first is still open', async () => {
    const firstDeleted = deferred()
    const secondDeleted = deferred()
    const firstChecked = deferred()
    const commitFirst = deferred()
    const secondPid = deferred<number>()
    const first = db.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('account_users').where('id', '=', 'AUSR-1').execute()
      firstDeleted.resolve()
      await secondDeleted.promise
      const detached = await disableIfDetached(trx, 'USR-1', CHANGES)
      firstChecked.resolve()
      await commitFirst.promise
      return detached
    })
    // Wrapped: a deferred resolved with a promise would wait for it.
    const secondCheck = deferred<{ check: Promise<boolean> }>()
    const second = db.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)
      secondPid.resolve(rows[0]!.pid)
      await firstDeleted.promise
      await trx.deleteFrom('account_users').where('id', '=', 'AUSR-2').execute()
      secondDeleted.resolve()
      await firstChecked.promise
      const check = disableIfDetached(trx, 'USR-1', CHANGES)
      secondCheck.resolve({ check })
      return check
    })
    // The second check either finishes (it saw the first's membership: the bug) or waits for
    // the first's lock; either way the first commits only then.
    const pid = await secondPid.promise
    const { check } = await secondCheck.promise
    let polling = true
    const settled = check.then(() => 'finished' as const)
    const waiting = (async () => {
      while (polling) {
        const { rows } = await sql<{ waiting: boolean }>`
          SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = ${pid}`.execute(
          db.db,
        )
        if (rows[0]?.waiting) return 'waiting' as const
        await new Promise((r) => setImmediate(r))
      }
      return 'stopped' as const
    })()
    const state = await Promise.race([settled, waiting])
    polling = false
    commitFirst.resolve()
    expect(await first).toBe(false)
    expect(await second).toBe(true)
    expect(state).toBe('waiting')
    const user = await db.db
      .selectFrom('users')
      .select('status')
      .where('id', '=', 'USR-1')
      .executeTakeFirstOrThrow()
    expect(user.status).toBe('Disabled')
  })
})
