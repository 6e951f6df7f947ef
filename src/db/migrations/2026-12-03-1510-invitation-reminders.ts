import { PostgresAdapter, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Issue #15: reminders before an invitation lapses, and "ask for a new link".
//
// account_users.invitation_remind_at: when the reminder of the current link is due (set by
// invite, resend and send-new-invite from INVITATION_REMINDER; NULL once sent, when off, or when
// the window is shorter than the reminder's lead). Invitations sent before this migration get none.
// account_users.new_link_requested_at: when the invitee last asked for a new link from the
// expired-link page (at most once a day per invitation).
// accounts.settings: the account's own settings, JSON (`{"invitations":{"selfRenew":true}}`).
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const instant = isPostgres ? 'timestamptz' : 'text'
  await db.schema.alterTable('account_users').addColumn('invitation_remind_at', instant).execute()
  await db.schema.alterTable('account_users').addColumn('new_link_requested_at', instant).execute()
  await db.schema.alterTable('accounts').addColumn('settings', 'text').execute()
  await db.schema
    .createIndex('account_users_invitation_remind_at_idx')
    .on('account_users')
    .column('invitation_remind_at')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('account_users_invitation_remind_at_idx').ifExists().execute()
  await db.schema.alterTable('accounts').dropColumn('settings').execute()
  await db.schema.alterTable('account_users').dropColumn('new_link_requested_at').execute()
  await db.schema.alterTable('account_users').dropColumn('invitation_remind_at').execute()
}
