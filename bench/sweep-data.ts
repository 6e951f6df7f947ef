/**
 * The databases of the sweep scenario (issue #17): 1,000,000 account users (`seedAccountUsers`,
 * the list scenarios' dataset) of which exactly 100,000 are invitations stored `Invited` past their
 * deadline, waiting for the expiry sweep (the dataset has 200,000 such rows, i % 5 === 3; half of
 * them, the ids ending in 8, get a deadline a day after the seed instant instead). The rest:
 * 400,000 Active, 300,000 Invited and valid, 200,000 stored InvitationExpired.
 *
 * The seeded database is a template, cached between invocations; every run sweeps a fresh copy:
 *  - SQLite: `.bench/sweep-<count>.db`, copied to a temp file;
 *  - PostgreSQL (BENCH_DATABASE_URL): the database `<name>_sweep_<count>`, copied with
 *    CREATE DATABASE … TEMPLATE.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { connectDatabase } from '../src/db/connect.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { seedAccountUsers } from '../test/support/account-user-dataset.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Bump when the seeding changes in a way that invalidates cached templates. */
const SWEEP_DATASET_VERSION = 'sweep-dataset/v1'

export interface SweepDatabase {
  dialect: 'sqlite' | 'postgres'
  /** DATABASE_URL of this run's copy */
  url: string
  /** the instant the dataset was generated for: the sweep runs at it + 1 min */
  seedNow: string
  count: number
  /** invitations past their deadline, stored Invited */
  due: number
  where: string
  /** how long copying the template took (s) */
  copySeconds: number
  drop(): Promise<void>
}

interface SeedRow {
  version: string
  count: number
  seed_now: string
}

async function readSeed(db: Kysely<any>): Promise<SeedRow | undefined> {
  try {
    const { rows } = await sql<SeedRow>`SELECT version, count, seed_now FROM bench_seed`.execute(db)
    return rows[0]
  } catch {
    return undefined
  }
}

async function seedTemplate(db: Kysely<Database>, count: number, log: (m: string) => void) {
  const t0 = performance.now()
  await migrateToLatest(db)
  const now = new Date()
  await db.transaction().execute(async (trx) => {
    await seedAccountUsers(trx, { count, now, keepModel: false, chunkSize: 1000 })
    // Half of the dataset's overdue invitations get a deadline tomorrow: 1 in 10 rows stay due.
    await sql`UPDATE account_users SET invitation_expires_at = ${new Date(now.getTime() + 86_400_000).toISOString()}
      WHERE status = 'Invited' AND invitation_expires_at <= ${now.toISOString()} AND id LIKE '%8'`.execute(
      trx,
    )
  })
  const anyDb = db as Kysely<any>
  await sql`CREATE TABLE bench_seed (version text NOT NULL, count integer NOT NULL, seed_now text NOT NULL)`.execute(
    anyDb,
  )
  await sql`INSERT INTO bench_seed VALUES (${SWEEP_DATASET_VERSION}, ${count}, ${now.toISOString()})`.execute(
    anyDb,
  )
  log(
    `seeded the sweep template: ${count.toLocaleString('en')} account users in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  return now.toISOString()
}

/**
 * The copy just written (1.2 GB at 1M rows) is written back to the disk by the operating system
 * for seconds after; `sync` waits for that, so the measurement does not share the disk with it.
 */
function settle(): void {
  execFileSync('sync')
}

export async function countDue(db: Kysely<Database>, at: string): Promise<number> {
  const row = await db
    .selectFrom('account_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'Invited')
    .where('invitation_expires_at', '<=', at)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A fresh copy of the cached SQLite template (seeded first if missing or stale). */
export async function sqliteSweepDatabase(
  count: number,
  options: { reseed: boolean; log: (m: string) => void },
): Promise<SweepDatabase> {
  mkdirSync(`${ROOT}.bench`, { recursive: true })
  const template = `${ROOT}.bench/sweep-${count}.db`
  let seedNow: string | undefined
  if (existsSync(template) && !options.reseed) {
    const database = connectDatabase({ dialect: 'sqlite', filename: template })
    try {
      const seed = await readSeed(database.db)
      if (seed?.version === SWEEP_DATASET_VERSION && Number(seed.count) === count) {
        await migrateToLatest(database.db)
        seedNow = seed.seed_now
      }
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(database.db)
    } finally {
      await database.close()
    }
  }
  if (!seedNow) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${template}${suffix}`, { force: true })
    options.log(`.bench/sweep-${count}.db: seeding (cached for later runs; --reseed to redo)`)
    const database = connectDatabase({ dialect: 'sqlite', filename: template })
    try {
      seedNow = await seedTemplate(database.db, count, options.log)
      // The service gathers statistics at start (Db.optimize) as on any deployed database.
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(database.db)
    } finally {
      await database.close()
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'accounts-sweep-'))
  const file = join(dir, 'accounts.db')
  const t0 = performance.now()
  copyFileSync(template, file)
  const copySeconds = (performance.now() - t0) / 1000
  settle()
  const copy = connectDatabase({ dialect: 'sqlite', filename: file })
  const due = await countDue(copy.db, new Date(Date.parse(seedNow) + 60_000).toISOString())
  await copy.close()
  return {
    dialect: 'sqlite',
    url: file,
    seedNow,
    count,
    due,
    where: `a copy of .bench/sweep-${count}.db`,
    copySeconds,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

function databaseUrl(baseUrl: string, name: string): string {
  const parsed = new URL(baseUrl)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** A fresh copy (CREATE DATABASE … TEMPLATE) of the cached PostgreSQL template. */
export async function postgresSweepDatabase(
  baseUrl: string,
  count: number,
  options: { reseed: boolean; log: (m: string) => void },
): Promise<SweepDatabase> {
  const base = decodeURIComponent(new URL(baseUrl).pathname.replace(/^\//, '')) || 'postgres'
  const template = `${base}_sweep_${count}`.replace(/[^a-zA-Z0-9_]/g, '_')
  const work = `${template}_run`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try {
    let seedNow: string | undefined
    const exists =
      (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount === 1
    if (exists && !options.reseed) {
      const database = connectDatabase(
        { dialect: 'postgres', connectionString: databaseUrl(baseUrl, template) },
        { poolSize: 1 },
      )
      try {
        const seed = await readSeed(database.db)
        if (seed?.version === SWEEP_DATASET_VERSION && Number(seed.count) === count) {
          await migrateToLatest(database.db)
          seedNow = seed.seed_now
        }
      } finally {
        await database.close()
      }
    }
    if (!seedNow) {
      options.log(`database ${template}: seeding (cached for later runs; --reseed to redo)`)
      await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`)
      await admin.query(`CREATE DATABASE "${template}"`)
      const database = connectDatabase(
        { dialect: 'postgres', connectionString: databaseUrl(baseUrl, template) },
        { poolSize: 1 },
      )
      try {
        seedNow = await seedTemplate(database.db, count, options.log)
        await sql`VACUUM ANALYZE`.execute(database.db)
      } finally {
        await database.close()
      }
    }
    await admin.query(`DROP DATABASE IF EXISTS "${work}" WITH (FORCE)`)
    const t0 = performance.now()
    await admin.query(`CREATE DATABASE "${work}" TEMPLATE "${template}"`)
    const copySeconds = (performance.now() - t0) / 1000
    await admin.query('CHECKPOINT')
    settle()
    const url = databaseUrl(baseUrl, work)
    const copy = connectDatabase({ dialect: 'postgres', connectionString: url }, { poolSize: 1 })
    const due = await countDue(copy.db, new Date(Date.parse(seedNow) + 60_000).toISOString())
    await copy.close()
    return {
      dialect: 'postgres',
      url,
      seedNow,
      count,
      due,
      where: `database ${work} (a copy of ${template})`,
      copySeconds,
      drop: async () => {
        const cleanup = new pg.Client({ connectionString: baseUrl })
        await cleanup.connect()
        await cleanup.query(`DROP DATABASE IF EXISTS "${work}" WITH (FORCE)`)
        await cleanup.end()
      },
    }
  } finally {
    await admin.end()
  }
}
