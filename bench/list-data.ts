/**
 * The databases of the RQL list scenarios: `seedAccountUsers` (test/support/account-user-dataset.ts)
 * at a given row count, migrated to the latest schema, CACHED between invocations:
 *  - SQLite: `.bench/list-<count>.db` (WAL), reused while its `bench_seed` row matches;
 *  - PostgreSQL (BENCH_DATABASE_URL): a database `<name of the URL's database>_bench_<count>`
 *    on the same server, created with CREATE DATABASE, reused the same way, dropped and
 *    created anew when it does not match (or with --reseed).
 * Every start runs migrateToLatest, so a migration added since the seed (an index) is applied to
 * the cached data. The dataset is relative to its seed instant (invitations expire an hour before
 * it, the others a day after): the service child's clock is set back to that instant (+1 min), so
 * a cached database reads the same as a fresh one.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { parseDatabaseUrl } from '../src/config.js'
import { connectDatabase } from '../src/db/connect.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { seedAccountUsers } from '../test/support/account-user-dataset.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Bump when the seeding (or the dataset module) changes in a way that invalidates cached data. */
const DATASET_VERSION = 'account-user-dataset/v1'

export interface ListDatabase {
  dialect: 'sqlite' | 'postgres'
  /** what the service child gets as DATABASE_URL */
  url: string
  /** the instant the dataset was generated for (the service clock is set to it + 1 min) */
  seedNow: string
  count: number
  reused: boolean
  seedSeconds: number
  /** a human description (file or database name) */
  where: string
}

interface SeedRow {
  version: string
  count: number
  seed_now: string
  seconds: number
}

async function readSeed(db: Kysely<any>): Promise<SeedRow | undefined> {
  try {
    const { rows } =
      await sql<SeedRow>`SELECT version, count, seed_now, seconds FROM bench_seed`.execute(db)
    return rows[0]
  } catch {
    return undefined
  }
}

async function seedInto(
  db: Kysely<Database>,
  count: number,
  log: (m: string) => void,
): Promise<{ seedNow: string; seconds: number }> {
  const t0 = performance.now()
  await migrateToLatest(db)
  const now = new Date()
  // In one transaction: on SQLite a commit per chunk would cost more than the inserts.
  await db.transaction().execute(async (trx) => {
    await seedAccountUsers(trx, { count, now, keepModel: false, chunkSize: 1000 })
  })
  const seconds = (performance.now() - t0) / 1000
  const dbAny = db as Kysely<any>
  await sql`CREATE TABLE bench_seed (version text NOT NULL, count integer NOT NULL, seed_now text NOT NULL, seconds real NOT NULL)`.execute(
    dbAny,
  )
  await sql`INSERT INTO bench_seed (version, count, seed_now, seconds) VALUES (${DATASET_VERSION}, ${count}, ${now.toISOString()}, ${seconds})`.execute(
    dbAny,
  )
  log(`seeded ${count.toLocaleString('en')} account users in ${seconds.toFixed(1)} s`)
  return { seedNow: now.toISOString(), seconds }
}

function matches(seed: SeedRow | undefined, count: number): seed is SeedRow {
  return !!seed && seed.version === DATASET_VERSION && Number(seed.count) === count
}

export async function ensureSqliteListDatabase(
  count: number,
  options: { reseed: boolean; log: (m: string) => void },
): Promise<ListDatabase> {
  mkdirSync(`${ROOT}.bench`, { recursive: true })
  const file = `${ROOT}.bench/list-${count}.db`
  const where = `.bench/list-${count}.db`
  if (existsSync(file) && !options.reseed) {
    const database = connectDatabase({ dialect: 'sqlite', filename: file })
    try {
      const seed = await readSeed(database.db)
      if (matches(seed, count)) {
        const t0 = performance.now()
        await migrateToLatest(database.db)
        const took = (performance.now() - t0) / 1000
        if (took > 0.5)
          options.log(`${where}: applied new migrations to the cached data in ${took.toFixed(1)} s`)
        return {
          dialect: 'sqlite',
          url: file,
          seedNow: seed.seed_now,
          count,
          reused: true,
          seedSeconds: Number(seed.seconds),
          where,
        }
      }
    } finally {
      await database.close()
    }
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
  options.log(
    `${where}: seeding ${count.toLocaleString('en')} account users (cached for later runs; --reseed to redo)`,
  )
  const database = connectDatabase({ dialect: 'sqlite', filename: file })
  try {
    const { seedNow, seconds } = await seedInto(database.db, count, options.log)
    // No ANALYZE here: the service gathers its statistics itself at start (Db.optimize), as it
    // would on any deployed database.
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(database.db)
    return {
      dialect: 'sqlite',
      url: file,
      seedNow,
      count,
      reused: false,
      seedSeconds: seconds,
      where,
    }
  } finally {
    await database.close()
  }
}

/** `postgres://…/accounts_test` → the same server, database `accounts_test_bench_<count>`. */
export function benchDatabaseUrl(
  baseUrl: string,
  count: number | string,
): { url: string; name: string } {
  const parsed = new URL(baseUrl)
  const base = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres'
  const name = `${base}_bench_${count}`.replace(/[^a-zA-Z0-9_]/g, '_')
  parsed.pathname = `/${name}`
  return { url: parsed.toString(), name }
}

export async function ensurePostgresListDatabase(
  baseUrl: string,
  count: number,
  options: { reseed: boolean; log: (m: string) => void },
): Promise<ListDatabase> {
  if (!parseDatabaseUrl(baseUrl) || parseDatabaseUrl(baseUrl)!.dialect !== 'postgres') {
    throw new Error(`BENCH_DATABASE_URL must be a postgres:// URL, got "${baseUrl}"`)
  }
  const { url, name } = benchDatabaseUrl(baseUrl, count)
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try {
    const exists =
      (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1
    if (exists && !options.reseed) {
      const database = connectDatabase(
        { dialect: 'postgres', connectionString: url },
        { poolSize: 2 },
      )
      try {
        const seed = await readSeed(database.db)
        if (matches(seed, count)) {
          const t0 = performance.now()
          await migrateToLatest(database.db)
          const took = (performance.now() - t0) / 1000
          if (took > 0.5) {
            // A migration may rewrite every row (a backfill): VACUUM restores the visibility map
            // that index-only scans rely on, as autovacuum would some time later.
            await sql`VACUUM ANALYZE`.execute(database.db)
            options.log(
              `${name}: applied new migrations to the cached data in ${took.toFixed(1)} s`,
            )
          }
          return {
            dialect: 'postgres',
            url,
            seedNow: seed.seed_now,
            count,
            reused: true,
            seedSeconds: Number(seed.seconds),
            where: `database ${name}`,
          }
        }
      } finally {
        await database.close()
      }
    }
    options.log(
      `database ${name}: (re)creating and seeding ${count.toLocaleString('en')} account users (cached for later runs; --reseed to redo)`,
    )
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    await admin.query(`CREATE DATABASE "${name}"`)
  } finally {
    await admin.end()
  }
  const database = connectDatabase({ dialect: 'postgres', connectionString: url }, { poolSize: 2 })
  try {
    const { seedNow, seconds } = await seedInto(database.db, count, options.log)
    await sql`VACUUM ANALYZE`.execute(database.db)
    return {
      dialect: 'postgres',
      url,
      seedNow,
      count,
      reused: false,
      seedSeconds: seconds,
      where: `database ${name}`,
    }
  } finally {
    await database.close()
  }
}

/**
 * A fresh, empty database `<the URL's database>_bench_<suffix>` on BENCH_DATABASE_URL's server
 * (dropped first if it exists): for the service and floor children of the write scenarios.
 */
export async function freshPostgresDatabase(baseUrl: string, suffix: string): Promise<string> {
  if (parseDatabaseUrl(baseUrl)?.dialect !== 'postgres')
    throw new Error(`BENCH_DATABASE_URL must be a postgres:// URL, got "${baseUrl}"`)
  const { url, name } = benchDatabaseUrl(baseUrl, suffix)
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    await admin.query(`CREATE DATABASE "${name}"`)
  } finally {
    await admin.end()
  }
  return url
}
