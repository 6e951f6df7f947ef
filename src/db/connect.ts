import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, sql } from 'kysely'
import pg from 'pg'
import type { DatabaseTarget } from '../config.js'
import { mappingUnreachable, UnavailableAwarePostgresDialect } from './database-unavailable.js'
import { freshSingleFlight } from './fresh-single-flight.js'
import type { Database } from './schema.js'
import { startWalCheckpointer } from './sqlite-checkpointer.js'
import { GroupCommitSqliteDialect, type SqliteHandle } from './sqlite-group-commit.js'

export type Dialect = DatabaseTarget['dialect']

export interface Db {
  db: Kysely<Database>
  dialect: Dialect
  /**
   * A value that changes whenever data this process reads may have changed. SQLite: this
   * connection's writes and rollbacks, and commits by other connections to the same file.
   * PostgreSQL: the current snapshot, the same on every node until something commits.
   */
  dataVersion: () => string | Promise<string>
  /**
   * Keeps the query planner's statistics current. SQLite plans without any until told to gather
   * them, and then guesses how selective each index is (before the list's count read a copy of
   * the email key on the membership, that guess made it 135 ms instead of 83 at 1M rows: it took
   * the primary key over a covering index). Run once after migrations and then
   * periodically (`PRAGMA optimize`, bounded by `analysis_limit`, as SQLite recommends for
   * long-lived connections: it re-analyzes only tables whose size changed a lot). PostgreSQL:
   * nothing to do, autovacuum analyzes.
   */
  optimize(): Promise<void>
  /** PostgreSQL's connection pool right now (metrics); SQLite has one connection and no pool. */
  poolStats?: () => PoolStats
  close(): Promise<void>
}

export interface PoolStats {
  max: number
  /** connections open, idle or lent out */
  total: number
  idle: number
  /** queries waiting for a connection */
  waiting: number
}

/** How long a request may wait for a PostgreSQL connection before it is answered 503. */
export const POOL_WAIT_MS = 10_000

// pg parses int8 (count(*), bigserial) as strings by default; counts here never exceed 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10))

export function connectDatabase(target: DatabaseTarget, options: { poolSize?: number } = {}): Db {
  if (target.dialect === 'postgres') {
    const max = options.poolSize ?? 10
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max,
      // A request waits at most this long for a connection (a full pool, a server that does not
      // answer), then gets 503 DATABASE_UNAVAILABLE instead of hanging. A server that is down or
      // restarting refuses at once and needs no timeout.
      connectionTimeoutMillis: POOL_WAIT_MS,
      keepAlive: true,
    })
    // A connection the server closed (a restart, an administrator) is dropped by the pool, and the
    // next query opens a new one. The error also reaches the query that was running on it; an
    // unheard 'error' event would end the process.
    pool.on('error', () => undefined)
    pool.on('connect', (client) => client.on('error', () => undefined))
    const db = new Kysely<Database>({ dialect: new UnavailableAwarePostgresDialect({ pool }) })
    return {
      db,
      dialect: 'postgres',
      // Equal snapshots (xmin, xmax, in-progress xids) see exactly the same committed data; any
      // commit anywhere in the cluster changes it. One round trip, no write, no contention,
      // shared by the requests that arrived while the previous one was out.
      dataVersion: freshSingleFlight(() =>
        mappingUnreachable(
          async () =>
            (await pool.query<{ v: string }>('SELECT pg_current_snapshot()::text AS v')).rows[0]!.v,
        ),
      ),
      optimize: async () => {},
      poolStats: () => ({
        max,
        total: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
      }),
      close: () => db.destroy(),
    }
  }
  const sqlite = openSqlite(target.filename)
  const checkpointer =
    target.filename === ':memory:' ? undefined : startWalCheckpointer(sqlite, target.filename)
  const dialect = new GroupCommitSqliteDialect(withStatementCache(sqlite), {
    ...(checkpointer ? { checkpointer } : {}),
  })
  const db = new Kysely<Database>({ dialect })
  const otherConnections = sqlite.prepare('PRAGMA data_version').pluck()
  // Samples at most ~400 rows per index: about 0.2 s for a first full pass at 1M rows.
  sqlite.pragma('analysis_limit = 400')
  let optimized = false
  return {
    db,
    dialect: 'sqlite',
    dataVersion: () => `${dialect.changes.generation}:${String(otherConnections.get())}`,
    optimize: async () => {
      // Through Kysely, so it takes its turn on the connection (and in a group-commit batch).
      // The first run looks at every table (0x10000), later ones only at tables used since.
      await sql.raw(optimized ? 'PRAGMA optimize' : 'PRAGMA optimize = 0x10002').execute(db)
      optimized = true
    },
    close: () => db.destroy(),
  }
}

/**
 * A better-sqlite3 connection as the service uses it: WAL at synchronous NORMAL (the durability
 * of every write), foreign keys, and the functions RQL compiles to. The invite floor of
 * `npm run bench` opens its raw connection here too, so it pays the same durability.
 */
export function openSqlite(filename: string): SqliteDatabase.Database {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true })
  const sqlite = new SqliteDatabase(filename)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Measured at 1M rows: a larger page cache and mmap made full scans 10–25% slower, so the
  // defaults stay; only sort/temp B-trees move to memory.
  sqlite.pragma('temp_store = MEMORY')
  // SQLite's lower() and LIKE fold ASCII only; RQL's ilike needs full Unicode case folding.
  sqlite.function('unicode_lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  return sqlite
}

/**
 * Kysely prepares every query anew; on SQLite preparing costs about as much as running a small
 * statement. Queries are built from a fixed set of shapes with bound values, so the same SQL
 * text recurs and its prepared statement can be reused. Bounded, least-recently-used first out.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, capacity = 500): SqliteHandle {
  const cache = new Map<string, SqliteDatabase.Statement>()
  return {
    close: () => sqlite.close(),
    get inTransaction() {
      return sqlite.inTransaction
    },
    prepare(text: string) {
      let statement = cache.get(text)
      if (statement) {
        cache.delete(text)
      } else {
        statement = sqlite.prepare(text)
        if (cache.size >= capacity) cache.delete(cache.keys().next().value!)
      }
      cache.set(text, statement)
      return statement
    },
  }
}
