import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { connectDatabase, type Db } from './connect.js'
import { migrateToLatest } from './migrate.js'
import { seedAccountUsers } from '../../test/support/account-user-dataset.js'
import { testDialect } from '../../test/support/database.js'

/** The indexes SQLite holds statistics for (`sqlite_stat1`), or none before any were gathered. */
async function indexesWithStatistics(db: Db): Promise<string[]> {
  const table = await sql<{ n: number }>`
    SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'`.execute(db.db)
  if (table.rows[0]!.n === 0) return []
  const rows = await sql<{ idx: string | null }>`SELECT idx FROM sqlite_stat1`.execute(db.db)
  return rows.rows.flatMap((r) => (r.idx ? [r.idx] : []))
}

describe.runIf(testDialect === 'sqlite')('Db.optimize (SQLite planner statistics)', () => {
  let db: Db | undefined
  afterEach(async () => {
    await db?.close()
    db = undefined
  })

  it('gathers statistics for the list indexes on its first run, and keeps working after', async () => {
    db = connectDatabase({ dialect: 'sqlite', filename: ':memory:' })
    await migrateToLatest(db.db)
    await seedAccountUsers(db.db, { count: 3000, now: new Date(), keepModel: false })
    expect(await indexesWithStatistics(db)).toEqual([])
    await db.optimize()
    const indexes = await indexesWithStatistics(db)
    expect(indexes).toEqual(
      expect.arrayContaining([
        'account_users_status_expires_email_idx',
        'account_users_account_status_expires_email_idx',
        'account_users_status_created_at_idx',
      ]),
    )
    // Later runs (the hourly job) only revisit tables that changed a lot; they still succeed.
    await db.optimize()
    expect(await indexesWithStatistics(db)).toEqual(expect.arrayContaining(indexes))
  })
})
