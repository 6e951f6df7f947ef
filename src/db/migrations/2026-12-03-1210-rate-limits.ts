import type { Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Issue #12: rate limits that every API node on one PostgreSQL counts together. One row per key
// (`accept-address:<ip>`, `auth-token:<TKN-…>`, …): the hits of the current window and when it
// ends (epoch milliseconds). SQLite, a single process, counts in memory and leaves it empty.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('rate_limits_reset_at_idx')
    .on('rate_limits')
    .column('reset_at')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').ifExists().execute()
}
