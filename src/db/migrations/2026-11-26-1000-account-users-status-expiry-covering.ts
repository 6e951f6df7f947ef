import { sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// The `total` of an account-user list filtered on invitation.status is a count over every
// matching row (the page itself stops after `limit` rows). `eq(invitation.status, Invited)`
// compiles to `au.status = 'Invited' AND (au.invitation_expires_at > now OR … IS NULL)`, and the
// count then joins each row to its user (for `user.email` filters) and its account. Widening
// (status, invitation_expires_at) with user_id and account_id lets the count read only this
// index for the account_users side instead of fetching each table row: measured on SQLite at
// 1M account users, count 300 → 205 ms (all accounts) and 158 → 123 ms (one account). It
// replaces the narrower index, which the expiry sweep and the next-expiry lookup used as a prefix
// and still can.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('account_users_status_invitation_expires_at_idx').execute()
  await sql`CREATE INDEX account_users_status_expires_user_account_idx ON account_users (status, invitation_expires_at, user_id, account_id)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('account_users_status_expires_user_account_idx').execute()
  await db.schema
    .createIndex('account_users_status_invitation_expires_at_idx')
    .on('account_users')
    .columns(['status', 'invitation_expires_at'])
    .execute()
}
