import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Issue #12: accepting an invitation proves the invitee.
//
// account_users.invitation_proof: a second random secret per invitation, AES-256-GCM sealed under
// SECRET_KEY like invitation_secret (a key rotation re-encrypts both). Only the emailed link
// carries it; `invitation.url`, which administrators see and copy, does not.
//
// account_users.invitee_*: the names and phone the inviting account typed, kept on its own
// membership. Until the person registers (users.invitation_accepted_at IS NULL) each account sees
// what it typed itself, never what another account typed; afterwards everyone sees the person's
// own profile. Backfilled from the user row, which is what every account saw until now.
//
// invitation_confirmations: the one-time code mailed to the address when the invitee uses a
// copied link (which proves nothing about the mailbox). One per account user; the code is stored
// as an HMAC, never in clear; single use, short-lived, attempts counted, sends throttled.
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const instant = isPostgres ? 'timestamptz' : 'text'
  for (const column of [
    'invitation_proof',
    'invitee_first_name',
    'invitee_last_name',
    'invitee_phone_prefix',
    'invitee_phone_number',
  ]) {
    await db.schema.alterTable('account_users').addColumn(column, 'text').execute()
  }
  await sql`UPDATE account_users SET
      invitee_first_name = (SELECT u.first_name FROM users u WHERE u.id = account_users.user_id),
      invitee_last_name = (SELECT u.last_name FROM users u WHERE u.id = account_users.user_id),
      invitee_phone_prefix = (SELECT u.phone_prefix FROM users u WHERE u.id = account_users.user_id),
      invitee_phone_number = (SELECT u.phone_number FROM users u WHERE u.id = account_users.user_id)`.execute(
    db,
  )
  await db.schema
    .createTable('invitation_confirmations')
    .addColumn('account_user_id', 'text', (c) =>
      c.primaryKey().references('account_users.id').onDelete('cascade'),
    )
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', instant, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('sent_at', instant, (c) => c.notNull())
    .addColumn('sends', 'integer', (c) => c.notNull())
    .addColumn('sends_since', instant, (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invitation_confirmations').ifExists().execute()
  for (const column of [
    'invitee_phone_number',
    'invitee_phone_prefix',
    'invitee_last_name',
    'invitee_first_name',
    'invitation_proof',
  ]) {
    await db.schema.alterTable('account_users').dropColumn(column).execute()
  }
}
