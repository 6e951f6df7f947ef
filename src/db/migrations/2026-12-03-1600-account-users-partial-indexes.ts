import { sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Issue #17: the expiry sweep at 1,000,000 account users. Storing `InvitationExpired` changes
// `status`, so every index that holds `status` takes the row out of its old place and puts it in a
// new one (PostgreSQL, whose update is not HOT once an indexed column changes, adds an entry to
// every index of the table). Three indexes only ever answer questions about rows that are waiting:
//  - (status, invitation_expires_at, user_email_key) and the same per account: the deadline split
//    of a stored `Invited` (Invited before its deadline, InvitationExpired after: the RQL compiler
//    writes `au.status = 'Invited' AND au.invitation_expires_at …` with the literal, which is what
//    lets both databases prove a partial index applies), the sweep's due range, the totals;
//    `Active` and stored `InvitationExpired` are found through the (status, created_at) indexes;
//  - (invitation_remind_at): the reminders due; the column is NULL on every row that has no
//    reminder to send (sent, off, accepted, removed, and from now on expired).
// Made partial, a row leaves them when it expires and never enters them again: measured at 1M rows
// with 100,000 due, the sweep's update is about 25 % cheaper on SQLite and PostgreSQL does 9 index
// insertions per row instead of 12 (bench/README.md, sweep-1m).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('account_users_status_expires_email_idx').execute()
  await db.schema.dropIndex('account_users_account_status_expires_email_idx').execute()
  await db.schema.dropIndex('account_users_invitation_remind_at_idx').execute()
  await sql`UPDATE account_users SET invitation_remind_at = NULL
    WHERE status <> 'Invited' AND invitation_remind_at IS NOT NULL`.execute(db)
  await sql`CREATE INDEX account_users_status_expires_email_idx
    ON account_users (status, invitation_expires_at, user_email_key) WHERE status = 'Invited'`.execute(
    db,
  )
  await sql`CREATE INDEX account_users_account_status_expires_email_idx
    ON account_users (account_id, status, invitation_expires_at, user_email_key) WHERE status = 'Invited'`.execute(
    db,
  )
  await sql`CREATE INDEX account_users_invitation_remind_at_idx
    ON account_users (invitation_remind_at) WHERE invitation_remind_at IS NOT NULL`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('account_users_invitation_remind_at_idx').execute()
  await db.schema.dropIndex('account_users_account_status_expires_email_idx').execute()
  await db.schema.dropIndex('account_users_status_expires_email_idx').execute()
  await sql`CREATE INDEX account_users_status_expires_email_idx
    ON account_users (status, invitation_expires_at, user_email_key)`.execute(db)
  await sql`CREATE INDEX account_users_account_status_expires_email_idx
    ON account_users (account_id, status, invitation_expires_at, user_email_key)`.execute(db)
  await sql`CREATE INDEX account_users_invitation_remind_at_idx ON account_users (invitation_remind_at)`.execute(
    db,
  )
}
