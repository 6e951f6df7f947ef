import { sql, type Kysely } from 'kysely'
import type { Clock } from '../lib/clock.js'
import type { WindowCounters } from '../lib/window-counters.js'
import type { Database } from './schema.js'

/**
 * Window counters in the `rate_limits` table, shared by every API node on one PostgreSQL: a hit
 * is one upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, atomic under concurrency: the
 * row lock orders the hits of one key), which opens a new window when the stored one has ended.
 * Instants are epoch milliseconds from the service clock.
 */
export function createTableCounters(db: Kysely<Database>, clock: Clock): WindowCounters {
  return {
    async hit(key, windowMs) {
      const now = clock.now().getTime()
      const row = await db
        .insertInto('rate_limits')
        .values({ key, hits: 1, reset_at: now + windowMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            hits: sql<number>`CASE WHEN rate_limits.reset_at <= ${now} THEN 1 ELSE rate_limits.hits + 1 END`,
            reset_at: sql<number>`CASE WHEN rate_limits.reset_at <= ${now} THEN ${now + windowMs} ELSE rate_limits.reset_at END`,
          }),
        )
        .returning(['hits', 'reset_at'])
        .executeTakeFirstOrThrow()
      return { count: Number(row.hits), ttlMs: Number(row.reset_at) - now }
    },
    async peek(key) {
      const now = clock.now().getTime()
      const row = await db
        .selectFrom('rate_limits')
        .select(['hits', 'reset_at'])
        .where('key', '=', key)
        .executeTakeFirst()
      if (!row || Number(row.reset_at) <= now) return { count: 0, ttlMs: 0 }
      return { count: Number(row.hits), ttlMs: Number(row.reset_at) - now }
    },
    async clear(key) {
      await db.deleteFrom('rate_limits').where('key', '=', key).execute()
    },
  }
}

/** Deletes the windows that have ended; returns how many (a sweep, safe on every node). */
export async function pruneRateLimits(
  deps: { db: Kysely<Database>; clock: Clock },
  batchSize = 1000,
): Promise<number> {
  const now = deps.clock.now().getTime()
  const ended = deps.db
    .selectFrom('rate_limits')
    .select('key')
    .where('reset_at', '<=', now)
    .limit(batchSize)
  const result = await deps.db
    .deleteFrom('rate_limits')
    .where('key', 'in', ended)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
