import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Issue #15 (and #17 item 2): what an administrator sees of an invitation email, and claims that
// a dead sender gives up within seconds.
//
// email_outbox.message_id: the Message-ID header, chosen by the first try and kept by every
// later one, so that a repeat after a lost "sent" mark can be recognised by the receiver.
// email_outbox.account_user_id: the membership an invitation email belongs to (NULL for others);
// `invitation.delivery` reads the newest of its invitation emails.
// email_outbox.last_attempt_at: when the latest try started.
// email_outbox.lease_expires_at: a claim is a lease that its live sender renews while sending;
// another sender takes over a `sending` row once its lease has run out. Claims taken before this
// migration get a lease that has already ended (their `claimed_at`).
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const instant = isPostgres ? 'timestamptz' : 'text'
  await db.schema.alterTable('email_outbox').addColumn('message_id', 'text').execute()
  await db.schema.alterTable('email_outbox').addColumn('account_user_id', 'text').execute()
  await db.schema.alterTable('email_outbox').addColumn('last_attempt_at', instant).execute()
  await db.schema.alterTable('email_outbox').addColumn('lease_expires_at', instant).execute()
  await sql`UPDATE email_outbox SET lease_expires_at = claimed_at WHERE status = 'sending'`.execute(
    db,
  )
  await db.schema
    .createIndex('email_outbox_account_user_id_id_idx')
    .on('email_outbox')
    .columns(['account_user_id', 'id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('email_outbox_account_user_id_id_idx').ifExists().execute()
  for (const column of ['lease_expires_at', 'last_attempt_at', 'account_user_id', 'message_id'])
    await db.schema.alterTable('email_outbox').dropColumn(column).execute()
}
