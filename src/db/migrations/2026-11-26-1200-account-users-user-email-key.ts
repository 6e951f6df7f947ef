import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// `account_users.user_email_key` is a copy of the member's `users.email_key` (the stored lowercase
// of the email), kept by the database itself:
//  - on insert, and on a change of `user_id`, it is read from the user's row;
//  - a change of `users.email_key` is copied to every membership of that user.
// A direct write of the column is overwritten on PostgreSQL (BEFORE trigger) and corrected right
// after on SQLite (AFTER trigger), so no code path can make it disagree with the user's key.
//
// Why: the `total` of an account-user list filtered on `ilike(user.email, …)` (issue #3's common
// filter, with a status) was a join of every candidate membership to its user. With the key on the
// membership and in an index beside status and deadline, that count reads one index and nothing
// else (the list no longer joins users or accounts for it, see fetchListPage). Measured at 1M
// account users, status Invited + `*@example.com`: SQLite 89 → 23 ms (all accounts) and
// 51 → 9 ms (one account); PostgreSQL 139 → 62 ms and 104 → 25 ms.
//
// The two indexes replace (status, invitation_expires_at, user_id, account_id), whose prefix the
// expiry sweep and the next-expiry lookup keep, and users (id, email_key), which only that join used.
// The backfill rewrites every membership: on PostgreSQL about a minute per million rows.
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  await sql`ALTER TABLE account_users ADD COLUMN user_email_key TEXT`.execute(db)
  await sql`UPDATE account_users SET user_email_key = (SELECT u.email_key FROM users AS u WHERE u.id = account_users.user_id)`.execute(
    db,
  )
  if (isPostgres) {
    await sql`ALTER TABLE account_users ALTER COLUMN user_email_key SET NOT NULL`.execute(db)
    await sql`CREATE FUNCTION account_users_copy_user_email_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.user_email_key := (SELECT u.email_key FROM users AS u WHERE u.id = NEW.user_id);
        RETURN NEW;
      END
    $$`.execute(db)
    await sql`CREATE TRIGGER account_users_user_email_key
      BEFORE INSERT OR UPDATE OF user_id, user_email_key ON account_users
      FOR EACH ROW EXECUTE FUNCTION account_users_copy_user_email_key()`.execute(db)
    await sql`CREATE FUNCTION users_email_key_to_account_users() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE account_users SET user_email_key = NEW.email_key WHERE user_id = NEW.id;
        RETURN NULL;
      END
    $$`.execute(db)
    await sql`CREATE TRIGGER users_email_key_to_account_users
      AFTER UPDATE OF email_key ON users
      FOR EACH ROW WHEN (OLD.email_key IS DISTINCT FROM NEW.email_key)
      EXECUTE FUNCTION users_email_key_to_account_users()`.execute(db)
  } else {
    // SQLite cannot assign NEW in a trigger: the row is corrected right after it was written, only
    // when it disagrees (the WHEN guard also stops the correction from triggering itself).
    const disagrees = sql`NEW.user_email_key IS NOT (SELECT u.email_key FROM users AS u WHERE u.id = NEW.user_id)`
    const correct = sql`UPDATE account_users SET user_email_key = (SELECT u.email_key FROM users AS u WHERE u.id = NEW.user_id) WHERE id = NEW.id`
    await sql`CREATE TRIGGER account_users_user_email_key_insert AFTER INSERT ON account_users
      FOR EACH ROW WHEN ${disagrees} BEGIN ${correct}; END`.execute(db)
    await sql`CREATE TRIGGER account_users_user_email_key_update
      AFTER UPDATE OF user_id, user_email_key ON account_users
      FOR EACH ROW WHEN ${disagrees} BEGIN ${correct}; END`.execute(db)
    await sql`CREATE TRIGGER users_email_key_to_account_users AFTER UPDATE OF email_key ON users
      FOR EACH ROW WHEN OLD.email_key IS NOT NEW.email_key
      BEGIN UPDATE account_users SET user_email_key = NEW.email_key WHERE user_id = NEW.id; END`.execute(
      db,
    )
  }
  await db.schema.dropIndex('account_users_status_expires_user_account_idx').execute()
  await db.schema.dropIndex('users_id_email_key_idx').execute()
  await sql`CREATE INDEX account_users_status_expires_email_idx ON account_users (status, invitation_expires_at, user_email_key)`.execute(
    db,
  )
  await sql`CREATE INDEX account_users_account_status_expires_email_idx ON account_users (account_id, status, invitation_expires_at, user_email_key)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema.dropIndex('account_users_account_status_expires_email_idx').execute()
  await db.schema.dropIndex('account_users_status_expires_email_idx').execute()
  await sql`CREATE INDEX users_id_email_key_idx ON users (id, email_key)`.execute(db)
  await sql`CREATE INDEX account_users_status_expires_user_account_idx ON account_users (status, invitation_expires_at, user_id, account_id)`.execute(
    db,
  )
  if (isPostgres) {
    await sql`DROP TRIGGER users_email_key_to_account_users ON users`.execute(db)
    await sql`DROP FUNCTION users_email_key_to_account_users()`.execute(db)
    await sql`DROP TRIGGER account_users_user_email_key ON account_users`.execute(db)
    await sql`DROP FUNCTION account_users_copy_user_email_key()`.execute(db)
  } else {
    await sql`DROP TRIGGER users_email_key_to_account_users`.execute(db)
    await sql`DROP TRIGGER account_users_user_email_key_update`.execute(db)
    await sql`DROP TRIGGER account_users_user_email_key_insert`.execute(db)
  }
  await sql`ALTER TABLE account_users DROP COLUMN user_email_key`.execute(db)
}
