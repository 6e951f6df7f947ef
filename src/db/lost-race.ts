import type { Kysely } from 'kysely'
import { AppError } from '../errors.js'
import type { Database } from './schema.js'

/**
 * `db.transaction().execute(work)`, run again when it lost a race: its guarded write
 * (`WHERE version = ?`) found the row changed by a transaction that committed after this one read
 * it, and threw CONCURRENT_UPDATE. The next run reads what that transaction left and decides
 * afresh, so the request answers what it would have answered a moment later: a second
 * send-new-invite a 400 naming the status the first one left, a group change racing the expiry
 * sweep its 200. Only PostgreSQL loses such races (SQLite runs one transaction at a time).
 * Bounded: a row changed under every try still ends in CONCURRENT_UPDATE.
 */
export async function retryingLostRaces<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
  tries = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work)
    } catch (error) {
      const lost = error instanceof AppError && error.code === 'CONCURRENT_UPDATE'
      if (!lost || attempt >= tries) throw error
    }
  }
}
