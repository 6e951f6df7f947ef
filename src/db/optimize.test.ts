import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { connectDatabase, type Db } from './connect.js'
import { migrateToLatest } from './migrate.js'
import { seedAccountUsers } from '../../test/support/account-user-dataset.js'
import { testDialect } from '../../test/support/database.js'

/** The account-user list's count for `ilike(user.email, *@example.com)`, as the compiler builds it. */
const COUNT = sql`SELECT count(*) AS n FROM account_users AS au
  INNER JOIN users AS u ON u.id = au.user_id
  WHERE au.status = 'Invited' AND u.email_key GLOB '*@example.com'`

async function plan(db: Db) {
  const rows = await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${COUNT}`.execute(db.db)
  return rows.rows.map((r) => r.detail).join(' | ')
}

describe.runIf(testDialect === 'sqlite')('Db.optimize (SQLite planner statistics)', () => {
  let db: Db | undefined
  afterEach(async () => {
    await db?.close()
    db = undefined
  })

  it('lets the planner read a user through the covering (id, email_key) index', async () => {
    db = connectDatabase({ dialect: 'sqlite', filename: ':memory:' })
    await migrateToLatest(db.db)
    await seedAccountUsers(db.db, { count: 3000, now: new Date(), keepModel: false })
    // Without statistics SQLite takes the primary key and then reads the row for email_key.
    expect(await plan(db)).toContain('SEARCH u USING INDEX sqlite_autoindex_users_1')
    await db.optimize()
    expect(await plan(db)).toContain('SEARCH u USING COVERING INDEX users_id_email_key_idx')
    const stats = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_stat1`.execute(db.db)
    expect(stats.rows[0]!.n).toBeGreaterThan(0)
    // Later runs (the hourly job) are cheap and keep working.
    await db.optimize()
    expect(await plan(db)).toContain('COVERING INDEX users_id_email_key_idx')
  })
})
