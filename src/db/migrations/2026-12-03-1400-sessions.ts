import { PostgresAdapter, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Issue #14: people sign in to the console.
//
// sessions: one row per signed-in browser. The cookie carries a random secret; the row keeps only
// its SHA-256 (`secret_hash`, unique), so a copy of the database opens no session. `id` is a
// random public handle the session list and "sign out" name (it opens nothing). A session ends
// when it is idle longer than the configured limit (`last_seen_at`), at `expires_at` (absolute),
// or when its row is deleted (sign-out, revocation, a password change, the user's deletion).
//
// password_tokens: single-use links that let a person choose a password: `reset` (forgot
// password, mailed) and `setup` (the first administrator's link, printed at start). Only the
// token's SHA-256 is stored; `used_at` makes it single use.
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const instant = isPostgres ? 'timestamptz' : 'text'
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('user_agent', 'text')
    .addColumn('client_address', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('last_seen_at', instant, (c) => c.notNull())
    .addColumn('expires_at', instant, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute()
  await db.schema
    .createIndex('sessions_expires_at_idx')
    .on('sessions')
    .column('expires_at')
    .execute()

  await db.schema
    .createTable('password_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('expires_at', instant, (c) => c.notNull())
    .addColumn('used_at', instant)
    .execute()
  await db.schema
    .createIndex('password_tokens_user_id_idx')
    .on('password_tokens')
    .column('user_id')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('password_tokens').ifExists().execute()
  await db.schema.dropTable('sessions').ifExists().execute()
}
