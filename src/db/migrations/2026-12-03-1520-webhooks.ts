import { PostgresAdapter, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Issue #15: webhooks (our extension, /public/v1/notifications/webhooks).
//
// webhooks: an account's endpoint, the event types it wants (JSON array), Enabled or Disabled,
// and its signing secret (`whsec_…`), AES-256-GCM sealed under SECRET_KEY (SEALED_COLUMNS).
// webhook_deliveries: the durable queue and the delivery log in one. A change inserts one row per
// subscribed endpoint in its own transaction; the dispatcher claims rows with a lease, delivers
// them in order per (endpoint, ordering_key) and records each try's outcome.
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const instant = isPostgres ? 'timestamptz' : 'text'
  const serial = isPostgres ? 'bigserial' : 'integer'
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('updated_at', instant)
    .addColumn('updated_by', 'text')
    .execute()
  await db.schema
    .createIndex('webhooks_account_id_status_idx')
    .on('webhooks')
    .columns(['account_id', 'status'])
    .execute()
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) =>
      c.notNull().references('webhooks.id').onDelete('cascade'),
    )
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('ordering_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', instant, (c) => c.notNull())
    .addColumn('claimed_at', instant)
    .addColumn('lease_expires_at', instant)
    .addColumn('last_attempt_at', instant)
    .addColumn('response_status', 'integer')
    .addColumn('duration_ms', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('redelivery_of', 'bigint')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('delivered_at', instant)
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_status_next_attempt_at_idx')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_webhook_id_ordering_key_id_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'ordering_key', 'id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').ifExists().execute()
  await db.schema.dropTable('webhooks').ifExists().execute()
}
