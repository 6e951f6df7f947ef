import { sql, type Kysely } from 'kysely'

// At most one default user group per account: a partial unique index, so two concurrent
// "make this the default" requests cannot both win (SQLite and PostgreSQL both support it).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('user_groups_account_id_default_idx')
    .unique()
    .on('user_groups')
    .column('account_id')
    .where(sql.ref('is_default'), '=', 1)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('user_groups_account_id_default_idx').ifExists().execute()
}
