import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// The rest of the Accounts API (§11): sellers (global), ERP links (one per buyer–seller pair),
// licensees (an account's buyer at a seller) and cloud tenants (an account's tenant at a cloud
// provider), plus an outbox of events for connectors outside this service (the ERP).
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
      .createTable('sellers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      // the trimmed, lower-cased external id: unique among non-deleted sellers (decision 27)
      .addColumn('external_id_key', 'text')
      .addColumn('icon', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('currencies', 'text', (c) => c.notNull())
      .addColumn('address', 'text'),
  ).execute()
  await db.schema
    .createIndex('sellers_external_id_key_idx')
    .unique()
    .on('sellers')
    .column('external_id_key')
    .where(sql.ref('status'), '<>', 'Deleted')
    .execute()

  await audited(
    db.schema
      .createTable('erp_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('buyer_id', 'text', (c) => c.notNull().references('buyers.id'))
      .addColumn('seller_id', 'text', (c) => c.notNull().references('sellers.id'))
      .addColumn('icon', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('external_ids', 'text')
      .addColumn('address', 'text')
      .addColumn('note', 'text')
      .addUniqueConstraint('erp_links_buyer_id_seller_id_key', ['buyer_id', 'seller_id']),
  ).execute()
  await db.schema
    .createIndex('erp_links_seller_id_idx')
    .on('erp_links')
    .column('seller_id')
    .execute()

  await audited(
    db.schema
      .createTable('licensees')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('buyer_id', 'text', (c) => c.notNull().references('buyers.id'))
      .addColumn('seller_id', 'text', (c) => c.notNull().references('sellers.id'))
      .addColumn('name', 'text')
      .addColumn('external_id', 'text')
      .addColumn('icon', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('use_buyer_address', 'integer', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('description', 'text')
      .addColumn('contact', 'text')
      .addColumn('eligibility', 'text', (c) => c.notNull()),
  ).execute()
  await db.schema
    .createIndex('licensees_account_id_idx')
    .on('licensees')
    .column('account_id')
    .execute()
  await db.schema
    .createIndex('licensees_buyer_id_seller_id_idx')
    .on('licensees')
    .columns(['buyer_id', 'seller_id'])
    .execute()
  await db.schema
    .createIndex('licensees_seller_id_idx')
    .on('licensees')
    .column('seller_id')
    .execute()

  await audited(
    db.schema
      .createTable('cloud_tenants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('type', 'text')
      .addColumn('pyra_tenant_id', 'text', (c) => c.notNull())
      .addColumn('cloud_consumption_id', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text'),
  ).execute()
  await db.schema
    .createIndex('cloud_tenants_account_id_idx')
    .on('cloud_tenants')
    .column('account_id')
    .execute()
  // decision 46: one live tenant per cloud consumption id
  await db.schema
    .createIndex('cloud_tenants_cloud_consumption_id_idx')
    .unique()
    .on('cloud_tenants')
    .column('cloud_consumption_id')
    .where(sql.ref('status'), '<>', 'Deleted')
    .execute()

  // Events for connectors outside this service, written in the transaction of the change they
  // announce (e.g. `buyer.synchronize-requested` for an ERP connector, decision 52).
  await db.schema
    .createTable('event_outbox')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('published_at', instant)
    .execute()
  await db.schema
    .createIndex('event_outbox_published_at_id_idx')
    .on('event_outbox')
    .columns(['published_at', 'id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['event_outbox', 'cloud_tenants', 'licensees', 'erp_links', 'sellers']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
