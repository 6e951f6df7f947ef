import { PostgresAdapter, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const instant = isPostgres ? 'timestamptz' : 'text'
  const serial = isPostgres ? 'bigserial' : 'integer'

  const audited = <T extends { addColumn: (...args: any[]) => T }>(table: T): T =>
    table
      .addColumn('created_at', instant, (c: any) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('updated_at', instant)
      .addColumn('updated_by', 'text')

  await audited(
    db.schema
      .createTable('accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('icon', 'text')
      .addColumn('external_id', 'text')
      .addColumn('external_name', 'text')
      .addColumn('external_ids', 'text')
      .addColumn('service_level', 'text')
      .addColumn('address', 'text')
      .addColumn('technical_support_email', 'text')
      .addColumn('website', 'text')
      .addColumn('description', 'text')
      .addColumn('eligibility', 'text'),
  ).execute()

  await audited(
    db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_key', 'text', (c) => c.notNull().unique())
      .addColumn('first_name', 'text', (c) => c.notNull())
      .addColumn('last_name', 'text', (c) => c.notNull())
      .addColumn('phone_prefix', 'text')
      .addColumn('phone_number', 'text')
      .addColumn('icon', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_before_block', 'text')
      .addColumn('password_hash', 'text')
      .addColumn('settings', 'text')
      .addColumn('last_login_at', instant)
      .addColumn('invitation_accepted_at', instant),
  ).execute()

  await audited(
    db.schema
      .createTable('account_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('invitation_secret', 'text')
      .addColumn('invitation_sent_at', instant)
      .addColumn('invitation_expires_at', instant)
      .addColumn('invitation_accepted_at', instant)
      .addColumn('joined_at', instant)
      .addColumn('access_at', instant)
      .addColumn('last_login_at', instant)
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('account_users_account_id_user_id_key', ['account_id', 'user_id']),
  ).execute()
  await db.schema
    .createIndex('account_users_account_id_created_at_idx')
    .on('account_users')
    .columns(['account_id', 'created_at', 'id'])
    .execute()
  await db.schema
    .createIndex('account_users_created_at_idx')
    .on('account_users')
    .columns(['created_at', 'id'])
    .execute()
  await db.schema
    .createIndex('account_users_user_id_idx')
    .on('account_users')
    .column('user_id')
    .execute()
  // The expiry sweep and status filters: pending invitations by deadline.
  await db.schema
    .createIndex('account_users_status_invitation_expires_at_idx')
    .on('account_users')
    .columns(['status', 'invitation_expires_at'])
    .execute()

  await audited(
    db.schema
      .createTable('user_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('logo', 'text')
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('all_buyers', 'integer', (c) => c.notNull().defaultTo(1)),
  ).execute()
  await db.schema
    .createIndex('user_groups_account_id_idx')
    .on('user_groups')
    .column('account_id')
    .execute()

  await db.schema
    .createTable('account_user_groups')
    .addColumn('account_user_id', 'text', (c) =>
      c.notNull().references('account_users.id').onDelete('cascade'),
    )
    .addColumn('user_group_id', 'text', (c) => c.notNull().references('user_groups.id'))
    .addPrimaryKeyConstraint('account_user_groups_pkey', ['account_user_id', 'user_group_id'])
    .execute()
  await db.schema
    .createIndex('account_user_groups_user_group_id_idx')
    .on('account_user_groups')
    .column('user_group_id')
    .execute()

  await db.schema
    .createTable('modules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('paid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_configurable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_enabled_by_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('account_types', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant)
    .execute()

  await db.schema
    .createTable('user_group_modules')
    .addColumn('user_group_id', 'text', (c) =>
      c.notNull().references('user_groups.id').onDelete('cascade'),
    )
    .addColumn('module_id', 'text', (c) => c.notNull().references('modules.id'))
    .addPrimaryKeyConstraint('user_group_modules_pkey', ['user_group_id', 'module_id'])
    .execute()

  await audited(
    db.schema
      .createTable('buyers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('icon', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('contact', 'text')
      .addColumn('external_ids', 'text')
      .addColumn('tax_id', 'text')
      .addColumn('sellers', 'text'),
  ).execute()
  await db.schema.createIndex('buyers_account_id_idx').on('buyers').column('account_id').execute()

  await db.schema
    .createTable('user_group_buyers')
    .addColumn('user_group_id', 'text', (c) =>
      c.notNull().references('user_groups.id').onDelete('cascade'),
    )
    .addColumn('buyer_id', 'text', (c) => c.notNull().references('buyers.id'))
    .addPrimaryKeyConstraint('user_group_buyers_pkey', ['user_group_id', 'buyer_id'])
    .execute()

  await audited(
    db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('icon', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('last_access_at', instant),
  ).execute()
  await db.schema
    .createIndex('api_tokens_account_id_idx')
    .on('api_tokens')
    .column('account_id')
    .execute()

  await db.schema
    .createTable('api_token_modules')
    .addColumn('api_token_id', 'text', (c) =>
      c.notNull().references('api_tokens.id').onDelete('cascade'),
    )
    .addColumn('module_id', 'text', (c) => c.notNull().references('modules.id'))
    .addPrimaryKeyConstraint('api_token_modules_pkey', ['api_token_id', 'module_id'])
    .execute()

  await db.schema
    .createTable('audit_events')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('at', instant, (c) => c.notNull())
    .addColumn('by', 'text')
    .addColumn('details', 'text')
    .execute()
  await db.schema
    .createIndex('audit_events_object_id_at_idx')
    .on('audit_events')
    .columns(['object_id', 'at'])
    .execute()

  await db.schema
    .createTable('email_outbox')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', instant, (c) => c.notNull())
    .addColumn('claimed_at', instant)
    .addColumn('last_error', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('sent_at', instant)
    .execute()
  await db.schema
    .createIndex('email_outbox_status_next_attempt_at_idx')
    .on('email_outbox')
    .columns(['status', 'next_attempt_at'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'email_outbox',
    'audit_events',
    'api_token_modules',
    'api_tokens',
    'user_group_buyers',
    'buyers',
    'user_group_modules',
    'modules',
    'account_user_groups',
    'user_groups',
    'account_users',
    'users',
    'accounts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
