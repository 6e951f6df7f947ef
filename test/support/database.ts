import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import pg from 'pg'
import { parseDatabaseUrl } from '../../src/config.js'
import { connectDatabase, type Db } from '../../src/db/connect.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js'

/** The database every test runs against: PostgreSQL when TEST_DATABASE_URL is set, else SQLite. */
export const testDialect = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite'

/**
 * A fresh, migrated database for one test file: in-memory SQLite, or on PostgreSQL a schema of
 * its own (dropped on close), so test files can run in parallel against one server.
 */
export async function createTestDb(
  options: {
    poolSize?: number
    /** a PostgreSQL server other than TEST_DATABASE_URL's */ url?: string
  } = {},
): Promise<Db> {
  const url = options.url ?? process.env.TEST_DATABASE_URL
  if (!url) {
    const db = connectDatabase({ dialect: 'sqlite', filename: ':memory:' })
    await migrateToLatest(db.db)
    return db
  }
  const schema = `test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.end()
  const separator = url.includes('?') ? '&' : '?'
  const target = parseDatabaseUrl(
    `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
  )
  if (!target) throw new Error('TEST_DATABASE_URL is not a postgres URL')
  const db = connectDatabase(target, { poolSize: options.poolSize })
  // Kysely looks for its lock table in every schema on the search path and beyond; name ours.
  await retryingCatalogRaces(() => migrateToLatest(db.db, { migrationTableSchema: schema }))
  return {
    ...db,
    async close() {
      await db.close()
      const cleanup = new pg.Client({ connectionString: url })
      await cleanup.connect()
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`)
      await cleanup.end()
    },
  }
}

/**
 * Kysely's introspection reads the catalog of every schema in the database; another test file
 * dropping its schema (or migrating it) at that moment makes the read fail before anything of
 * ours was migrated: invalid_schema_name, undefined_table, undefined_column, or "cache lookup
 * failed" (XX000). The migration is simply tried again.
 */
const CATALOG_RACE_CODES = new Set(['3F000', '42P01', '42703', 'XX000'])

async function retryingCatalogRaces(migrate: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await migrate()
    } catch (error) {
      const code = ((error as Error).cause as { code?: unknown } | undefined)?.code
      if (typeof code !== 'string' || !CATALOG_RACE_CODES.has(code) || attempt >= 5) throw error
    }
  }
}

/**
 * Migrates a test's database to the named migration (down or up; it stays applied), or to the
 * latest without a name: on PostgreSQL in the test's own schema, tried again when another test
 * file's schema comes or goes under Kysely's catalog read (see above).
 */
export async function migrateTestDb(db: Db, name?: string): Promise<void> {
  const options: { migrationTableSchema?: string } = {}
  if (db.dialect === 'postgres') {
    const { rows } = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(db.db)
    options.migrationTableSchema = rows[0]!.s
  }
  await retryingCatalogRaces(() =>
    name ? migrateTo(db.db, name, options) : migrateToLatest(db.db, options),
  )
}
