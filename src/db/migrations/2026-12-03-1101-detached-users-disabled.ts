import { sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// §6.2 #5: a user removed from their last account is Disabled, and a blocked one returns to
// Disabled when unblocked (#8). The service does this on removal from now on (issue #11); users
// detached before keep an Active or Invited status with no account, which this corrects.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`UPDATE users SET status = 'Disabled'
    WHERE status IN ('Active', 'Invited')
      AND NOT EXISTS (SELECT 1 FROM account_users m WHERE m.user_id = users.id)`.execute(db)
  await sql`UPDATE users SET status_before_block = 'Disabled'
    WHERE status = 'Blocked'
      AND NOT EXISTS (SELECT 1 FROM account_users m WHERE m.user_id = users.id)`.execute(db)
}

// Which status a Disabled user had before is not kept: the correction stays.
export async function down(): Promise<void> {}
