import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Indexes for the account-user lists (issue #3): a status filter ordered newest first, the
// default way a portal lists users. The RQL compiler turns eq(invitation.status, Invited|Active)
// into `au.status = … [AND au.invitation_expires_at > now]`, and the list orders by
// `created_at DESC NULLS LAST, id ASC`; an index in exactly that order is walked from its start
// and stops after one page, without sorting the matches:
//  - (status, created_at DESC, id)              status filter, all accounts (Operations);
//  - (account_id, status, created_at DESC, id)  the same inside one account.
// On PostgreSQL a B-tree orders DESC with NULLS FIRST unless told otherwise, and the planner does
// not use NOT NULL to reconcile the two: an index matches `DESC NULLS LAST` only if it says so.
// For the same reason the existing (created_at, id) / (account_id, created_at, id) indexes cannot
// serve `order=-audit.created.at` there (a full sort of every row); PostgreSQL gets the
// newest-first variants of those two as well. SQLite reads (created_at, id) backwards for it
// (NULLs are lowest there, so DESC is already NULLS LAST) and needs no new one.
// `ilike(user.email, *@example.com)` (a leading wildcard) cannot use any B-tree index: it stays a
// filter on the joined users row, evaluated for every row the status range yields.
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const newestFirst = isPostgres ? sql`created_at DESC NULLS LAST` : sql`created_at DESC`
  await sql`CREATE INDEX account_users_status_created_at_idx ON account_users (status, ${newestFirst}, id)`.execute(
    db,
  )
  await sql`CREATE INDEX account_users_account_id_status_created_at_idx ON account_users (account_id, status, ${newestFirst}, id)`.execute(
    db,
  )
  if (isPostgres) {
    await sql`CREATE INDEX account_users_created_at_desc_idx ON account_users (${newestFirst}, id)`.execute(
      db,
    )
    await sql`CREATE INDEX account_users_account_id_created_at_desc_idx ON account_users (account_id, ${newestFirst}, id)`.execute(
      db,
    )
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'account_users_account_id_created_at_desc_idx',
    'account_users_created_at_desc_idx',
    'account_users_account_id_status_created_at_idx',
    'account_users_status_created_at_idx',
  ]) {
    await db.schema.dropIndex(name).ifExists().execute()
  }
}
