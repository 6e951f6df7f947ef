import { sql, type Kysely, type Selectable } from 'kysely'
import { defineQuery } from '../db/defined-query.js'
import { parseJson, toDate } from '../db/rows.js'
import type { Database, WebhookDeliveryTable } from '../db/schema.js'
import type { DeliveryStatus, Webhook, WebhookDelivery } from './webhook.js'

export function webhookBase(db: Kysely<Database>) {
  return db.selectFrom('webhooks as w').innerJoin('accounts as a', 'a.id', 'w.account_id')
}

export const WEBHOOK_COLUMNS = [
  'w.id',
  'w.account_id',
  'a.name as a_name',
  'w.url',
  'w.events',
  'w.description',
  'w.status',
  'w.disabled_reason',
  'w.created_at',
  'w.created_by',
  'w.updated_at',
  'w.updated_by',
] as const

export type WebhookRow = Awaited<
  ReturnType<ReturnType<ReturnType<typeof webhookBase>['select']>['executeTakeFirstOrThrow']>
> & { id: string }

type Row = {
  id: string
  account_id: string
  a_name: string
  url: string
  events: string
  description: string | null
  status: Webhook['status']
  disabled_reason: string | null
  created_at: Date | string
  created_by: string | null
  updated_at: Date | string | null
  updated_by: string | null
}

export function toWebhook(row: Row): Webhook {
  return {
    id: row.id,
    accountId: row.account_id,
    accountName: row.a_name,
    url: row.url,
    events: parseJson<string[]>(row.events, []),
    description: row.description,
    status: row.status,
    disabledReason: row.disabled_reason,
    createdAt: toDate(row.created_at),
    createdBy: parseJson(row.created_by, null),
    updatedAt: toDate(row.updated_at),
    updatedBy: parseJson(row.updated_by, null),
  }
}

export async function findWebhook(
  db: Kysely<Database>,
  id: string,
  accountId: string | undefined,
): Promise<(Webhook & { sealedSecret: string }) | undefined> {
  let query = webhookBase(db)
    .select([...WEBHOOK_COLUMNS, 'w.secret'])
    .where('w.id', '=', id)
  if (accountId !== undefined) query = query.where('w.account_id', '=', accountId)
  const row = await query.executeTakeFirst()
  return row ? { ...toWebhook(row), sealedSecret: row.secret } : undefined
}

export async function countWebhooksOfAccount(
  db: Kysely<Database>,
  accountId: string,
): Promise<number> {
  const row = await db
    .selectFrom('webhooks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The Enabled endpoints of these accounts, with what they subscribe to: one indexed read. */
export async function findEnabledWebhooks(
  db: Kysely<Database>,
  accountIds: readonly string[],
): Promise<Array<{ id: string; accountId: string; events: string[] }>> {
  if (accountIds.length === 0) return []
  const rows = await ENABLED_WEBHOOKS.rows(db, { accountIds: [...new Set(accountIds)] })
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    events: parseJson<string[]>(r.events, []),
  }))
}

export interface NewDelivery {
  webhookId: string
  eventId: string
  eventType: string
  orderingKey: string
  payload: string
  at: Date
  redeliveryOf?: number
}

export async function insertDeliveries(
  db: Kysely<Database>,
  deliveries: NewDelivery[],
): Promise<number[]> {
  if (deliveries.length === 0) return []
  const rows = await INSERT_DELIVERIES.rows(db, {
    webhookId: deliveries.map((d) => d.webhookId),
    eventId: deliveries.map((d) => d.eventId),
    eventType: deliveries.map((d) => d.eventType),
    orderingKey: deliveries.map((d) => d.orderingKey),
    payload: deliveries.map((d) => d.payload),
    at: deliveries.map((d) => d.at.toISOString()),
    redeliveryOf: deliveries.map((d) => d.redeliveryOf ?? null),
  })
  return rows.map((r) => Number(r.id))
}

/** Every audited change asks this (issue #15): prepared once, not built by Kysely each time. */
const ENABLED_WEBHOOKS = defineQuery((db, v: { accountIds: readonly string[] }) =>
  db
    .selectFrom('webhooks')
    .select(['id', 'account_id', 'events'])
    .where('account_id', 'in', v.accountIds)
    .where('status', '=', 'Enabled'),
)

type Column = readonly (string | number | null)[]

/** One delivery per element of the (equally long) columns. */
const INSERT_DELIVERIES = defineQuery(
  (
    db,
    v: {
      webhookId: Column
      eventId: Column
      eventType: Column
      orderingKey: Column
      payload: Column
      at: Column
      redeliveryOf: Column
    },
  ) =>
    db
      .insertInto('webhook_deliveries')
      .values(
        v.webhookId.map((_, i) => ({
          webhook_id: v.webhookId[i] as string,
          event_id: v.eventId[i] as string,
          event_type: v.eventType[i] as string,
          ordering_key: v.orderingKey[i] as string,
          payload: v.payload[i] as string,
          status: 'Pending' as const,
          attempts: 0,
          next_attempt_at: v.at[i] as string,
          created_at: v.at[i] as string,
          redelivery_of: v.redeliveryOf[i] as number | null,
        })),
      )
      .returning('id'),
)

export const DELIVERY_COLUMNS = [
  'd.id',
  'd.webhook_id',
  'd.event_id',
  'd.event_type',
  'd.status',
  'd.attempts',
  'd.next_attempt_at',
  'd.last_attempt_at',
  'd.response_status',
  'd.duration_ms',
  'd.last_error',
  'd.redelivery_of',
  'd.created_at',
  'd.delivered_at',
] as const

type DeliveryRow = Pick<
  Selectable<WebhookDeliveryTable>,
  | 'webhook_id'
  | 'event_id'
  | 'event_type'
  | 'status'
  | 'attempts'
  | 'next_attempt_at'
  | 'last_attempt_at'
  | 'response_status'
  | 'duration_ms'
  | 'last_error'
  | 'redelivery_of'
  | 'created_at'
  | 'delivered_at'
> & { id: number | string }

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: Number(row.id),
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: toDate(row.next_attempt_at),
    lastAttemptAt: toDate(row.last_attempt_at),
    responseStatus: row.response_status === null ? null : Number(row.response_status),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    lastError: row.last_error,
    redeliveryOf: row.redelivery_of === null ? null : Number(row.redelivery_of),
    createdAt: toDate(row.created_at),
    deliveredAt: toDate(row.delivered_at),
  }
}

export function deliveryBase(db: Kysely<Database>, webhookId: string) {
  return db.selectFrom('webhook_deliveries as d').where('d.webhook_id', '=', webhookId)
}

export async function findDelivery(
  db: Kysely<Database>,
  webhookId: string,
  id: number,
): Promise<(WebhookDelivery & { payload: string; orderingKey: string }) | undefined> {
  const row = await deliveryBase(db, webhookId)
    .select([...DELIVERY_COLUMNS, 'd.payload', 'd.ordering_key'])
    .where('d.id', '=', id)
    .executeTakeFirst()
  return row
    ? { ...toDelivery(row), payload: row.payload, orderingKey: row.ordering_key }
    : undefined
}

/** A delivery the dispatcher may send now, with what it needs to send it. */
export interface DueDelivery {
  id: number
  webhookId: string
  accountId: string
  url: string
  sealedSecret: string
  eventId: string
  eventType: string
  payload: string
  status: 'Pending' | 'Sending'
  attempts: number
  createdAt: Date
}

/**
 * Deliveries due now for Enabled endpoints: pending ones whose time has come and that no earlier
 * undelivered one of the same endpoint and ordering key precedes (events of one object arrive in
 * order), and claimed ones whose lease ran out (their sender stopped).
 */
export async function findDueDeliveries(
  db: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<DueDelivery[]> {
  const at = now.toISOString()
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select([
      'd.id',
      'd.webhook_id',
      'w.account_id',
      'w.url',
      'w.secret',
      'd.event_id',
      'd.event_type',
      'd.payload',
      'd.status',
      'd.attempts',
      'd.created_at',
    ])
    .where('w.status', '=', 'Enabled')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('d.status', '=', 'Pending'),
          eb('d.next_attempt_at', '<=', at),
          eb.not(
            eb.exists(
              eb
                .selectFrom('webhook_deliveries as e')
                .select('e.id')
                .whereRef('e.webhook_id', '=', 'd.webhook_id')
                .whereRef('e.ordering_key', '=', 'd.ordering_key')
                .whereRef('e.id', '<', 'd.id')
                .where('e.status', 'in', ['Pending', 'Sending']),
            ),
          ),
        ]),
        eb.and([eb('d.status', '=', 'Sending'), eb('d.lease_expires_at', '<=', at)]),
      ]),
    )
    .orderBy('d.id')
    .limit(limit)
    .execute()
  return rows.flatMap((r) =>
    r.status === 'Pending' || r.status === 'Sending'
      ? [
          {
            id: Number(r.id),
            webhookId: r.webhook_id,
            accountId: r.account_id,
            url: r.url,
            sealedSecret: r.secret,
            eventId: r.event_id,
            eventType: r.event_type,
            payload: r.payload,
            status: r.status,
            attempts: Number(r.attempts),
            createdAt: toDate(r.created_at),
          },
        ]
      : [],
  )
}

export interface DeliveryClaim {
  id: number
  claimedAt: Date
}

/**
 * Claims due deliveries for `leaseMs` with one guarded update (of several nodes, one wins each):
 * the ids it claimed. Guarded as `findDueDeliveries` found them: pending and due, or claimed with
 * the lease run out.
 */
export async function claimDeliveries(
  db: Kysely<Database>,
  ids: readonly number[],
  now: Date,
  leaseMs: number,
): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await CLAIM_DELIVERIES.rows(db, {
    ids,
    at: now.toISOString(),
    until: new Date(now.getTime() + leaseMs).toISOString(),
  })
  return new Set(rows.map((r) => Number(r.id)))
}

/** Extends the lease of the claims (of one `claimedAt`) still being sent. */
export async function renewDeliveryLeases(
  db: Kysely<Database>,
  ids: readonly number[],
  claimedAt: Date,
  until: Date,
): Promise<void> {
  if (ids.length === 0) return
  await RENEW_LEASES.execute(db, {
    ids,
    claimedAt: claimedAt.toISOString(),
    until: until.toISOString(),
  })
}

/** Gives back claims not tried (the node is stopping): due again at once, for any node. */
export async function releaseDeliveries(
  db: Kysely<Database>,
  ids: readonly number[],
  claimedAt: Date,
): Promise<void> {
  if (ids.length === 0) return
  await RELEASE_DELIVERIES.execute(db, { ids, claimedAt: claimedAt.toISOString() })
}

/**
 * Records a failed try while the claim is still ours (due again at `nextAttemptAt`, or Failed for
 * good); false when another node took it over. Successful tries go through `markDelivered`.
 */
export async function finishDelivery(
  db: Kysely<Database>,
  claim: DeliveryClaim,
  outcome: {
    status: Extract<DeliveryStatus, 'Pending' | 'Failed'>
    responseStatus: number | null
    durationMs: number | null
    lastError: string | null
    nextAttemptAt?: Date
  },
): Promise<boolean> {
  const result = await FINISH_DELIVERY.execute(db, {
    id: claim.id,
    claimedAt: claim.claimedAt.toISOString(),
    status: outcome.status,
    responseStatus: outcome.responseStatus,
    durationMs: outcome.durationMs,
    lastError: outcome.lastError,
    nextAttemptAt: outcome.nextAttemptAt?.toISOString(),
  })
  return Number(result.numAffectedRows ?? 0) === 1
}

/** One delivery's successful try: what `markDelivered` records. */
export interface DeliveredTry {
  id: number
  responseStatus: number
  durationMs: number
}

/**
 * Records successful tries of claims made at one time, in one statement (a burst of deliveries
 * is written as a few updates, not one each): the ids whose claim was still ours.
 */
export async function markDelivered(
  db: Kysely<Database>,
  tries: readonly DeliveredTry[],
  claimedAt: Date,
  at: Date,
): Promise<Set<number>> {
  if (tries.length === 0) return new Set()
  const rows = await MARK_DELIVERED.rows(db, {
    ids: tries.map((t) => t.id),
    statuses: tries.map((t) => t.responseStatus),
    durations: tries.map((t) => t.durationMs),
    claimedAt: claimedAt.toISOString(),
    at: at.toISOString(),
  })
  return new Set(rows.map((r) => Number(r.id)))
}

// The dispatcher's statements run once or twice per delivery: prepared once, not built each time.
const CLAIM_DELIVERIES = defineQuery(
  (db, v: { ids: readonly number[]; at: string; until: string }) =>
    db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: 'Sending',
        claimed_at: v.at,
        lease_expires_at: v.until,
        last_attempt_at: v.at,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', v.ids)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'Pending'), eb('next_attempt_at', '<=', v.at)]),
          eb.and([eb('status', '=', 'Sending'), eb('lease_expires_at', '<=', v.at)]),
        ]),
      )
      .returning('id'),
)

const RENEW_LEASES = defineQuery(
  (db, v: { ids: readonly number[]; claimedAt: string; until: string }) =>
    db
      .updateTable('webhook_deliveries')
      .set({ lease_expires_at: v.until })
      .where('id', 'in', v.ids)
      .where('status', '=', 'Sending')
      .where('claimed_at', '=', v.claimedAt),
)

const RELEASE_DELIVERIES = defineQuery((db, v: { ids: readonly number[]; claimedAt: string }) =>
  db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: 'Pending',
      claimed_at: null,
      lease_expires_at: null,
      attempts: eb('attempts', '-', 1),
    }))
    .where('id', 'in', v.ids)
    .where('status', '=', 'Sending')
    .where('claimed_at', '=', v.claimedAt),
)

/** `CASE id WHEN … THEN CAST(… AS integer) … END`: each row its own value, bound. */
function integerById(ids: readonly number[], values: readonly (number | string | null)[]) {
  const arms = ids.map((id, i) => sql`WHEN ${id} THEN CAST(${values[i]} AS integer)`)
  return sql<number>`CASE ${sql.ref('id')} ${sql.join(arms, sql` `)} END`
}

const MARK_DELIVERED = defineQuery(
  (
    db,
    v: {
      ids: readonly number[]
      statuses: readonly number[]
      durations: readonly number[]
      claimedAt: string
      at: string
    },
  ) =>
    db
      .updateTable('webhook_deliveries')
      .set({
        status: 'Delivered',
        response_status: integerById(v.ids, v.statuses),
        duration_ms: integerById(v.ids, v.durations),
        last_error: null,
        claimed_at: null,
        lease_expires_at: null,
        delivered_at: v.at,
      })
      .where('id', 'in', v.ids)
      .where('status', '=', 'Sending')
      .where('claimed_at', '=', v.claimedAt)
      .returning('id'),
)

const FINISH_DELIVERY = defineQuery(
  (
    db,
    v: {
      id: number
      claimedAt: string
      status: DeliveryStatus
      responseStatus: number | null
      durationMs: number | null
      lastError: string | null
      nextAttemptAt: string | undefined
    },
  ) =>
    db
      .updateTable('webhook_deliveries')
      .set({
        status: v.status,
        response_status: v.responseStatus,
        duration_ms: v.durationMs,
        last_error: v.lastError,
        claimed_at: null,
        lease_expires_at: null,
        ...(v.nextAttemptAt === undefined ? {} : { next_attempt_at: v.nextAttemptAt }),
      })
      .where('id', '=', v.id)
      .where('status', '=', 'Sending')
      .where('claimed_at', '=', v.claimedAt),
)

/** How many deliveries wait (pending or being sent), and the age of the oldest pending one. */
export async function webhookQueueDepth(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select([
      'status',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.min('created_at').as('oldest'),
    ])
    .where('status', 'in', ['Pending', 'Sending'])
    .groupBy('status')
    .execute()
  const of = (status: string) => rows.find((r) => r.status === status)
  return {
    pending: Number(of('Pending')?.n ?? 0),
    sending: Number(of('Sending')?.n ?? 0),
    oldestPendingAt: toDate(of('Pending')?.oldest as Date | string | null | undefined),
  }
}
