import { sql } from 'kysely'
import type { Db } from '../../src/db/connect.js'

export interface HeldRowLock {
  /** resolves once `count` other transactions wait for this lock */
  waitForBlocked(count: number): Promise<void>
  /** commits the holding transaction (and whatever it wrote) */
  release(): Promise<void>
}

/**
 * PostgreSQL only: opens a transaction on a pooled connection of its own and runs `statement` in
 * it (a `SELECT … FOR UPDATE`, or the very update a concurrent writer makes), keeping the row
 * locked until `release()`. Requests sent meanwhile read the row as it was and queue on their
 * guarded write, so a test decides exactly who commits first instead of hoping for a race.
 */
export async function holdRowLock(db: Db, statement: ReturnType<typeof sql>): Promise<HeldRowLock> {
  if (db.dialect !== 'postgres') throw new Error('holdRowLock needs PostgreSQL')
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  let ready!: (pid: number) => void
  const pidKnown = new Promise<number>((resolve) => (ready = resolve))
  const holding = db.db.transaction().execute(async (trx) => {
    await statement.execute(trx)
    const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)
    ready(rows[0]!.pid)
    await released
  })
  const pid = await Promise.race([pidKnown, holding.then(() => -1)])
  return {
    async waitForBlocked(count) {
      for (let i = 0; i < 400; i += 1) {
        // Later waiters queue behind the first one (its tuple lock), not behind the holder.
        const { rows } = await sql<{ n: number }>`
          WITH RECURSIVE waiting(pid) AS (
            SELECT pid FROM pg_stat_activity WHERE ${pid} = ANY(pg_blocking_pids(pid))
            UNION
            SELECT a.pid FROM pg_stat_activity AS a JOIN waiting AS w ON w.pid = ANY(pg_blocking_pids(a.pid))
          )
          SELECT count(*)::int AS n FROM waiting`.execute(db.db)
        if (rows[0]!.n >= count) return
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      throw new Error(`fewer than ${count} transactions waited for the lock within 10 s`)
    },
    async release() {
      release()
      await holding
    },
  }
}
