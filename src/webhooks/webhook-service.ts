import type { Kysely } from 'kysely'
import { actorRef, visibleAccountId, type Actor } from '../access/actor.js'
import { accountIdExists } from '../accounts/account-repository.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { insertWithUniqueId } from '../lib/ids.js'
import type { SecretBox } from '../lib/secrets.js'
import { projectForQuery } from '../rql/rql-select.js'
import { WEBHOOK_EVENT_FAMILIES, WEBHOOK_EVENT_TYPES, type Webhook } from './webhook.js'
import { refusalOfWebhookUrl, type AddressPolicy } from './webhook-address-policy.js'
import {
  DELIVERY_FIELDS,
  DELIVERY_OUTPUT,
  WEBHOOK_FIELDS,
  WEBHOOK_OUTPUT,
} from './webhook-fields.js'
import { presentDelivery, presentWebhook } from './webhook-presenter.js'
import {
  countWebhooksOfAccount,
  DELIVERY_COLUMNS,
  deliveryBase,
  findDelivery,
  findWebhook,
  insertDeliveries,
  toDelivery,
  toWebhook,
  WEBHOOK_COLUMNS,
  webhookBase,
} from './webhook-repository.js'
import { newWebhookSecret } from './webhook-signer.js'

/** An account has at most this many webhooks. */
export const MAX_WEBHOOKS_PER_ACCOUNT = 20

const OFFERED = new Set<string>([...WEBHOOK_EVENT_TYPES, ...WEBHOOK_EVENT_FAMILIES])

export interface WebhookInput {
  url?: string | undefined
  events?: string[] | undefined
  description?: string | null | undefined
}

/**
 * Webhooks (our extension, issue #15): an account's administrators (Access Management) manage
 * their account's endpoints; Operations any account's. Another account's webhook does not exist
 * for the caller (404). The secret is shown once, in the create response, and kept sealed.
 */
export function createWebhookService(deps: {
  db: Kysely<Database>
  clock: Clock
  box: SecretBox
  dialect: Dialect
  policy: AddressPolicy
  /** resolves a URL's host at registration (tests replace it) */
  resolve?: (hostname: string) => Promise<string[]>
}) {
  const { db, clock, box, dialect } = deps
  const spec = { fields: WEBHOOK_OUTPUT, omittedByDefault: ['audit'] }
  const deliverySpec = { fields: DELIVERY_OUTPUT, omittedByDefault: [] }

  async function getWebhook(executor: Kysely<Database>, actor: Actor, id: string) {
    const found = await findWebhook(executor, id, visibleAccountId(actor))
    if (!found) throw new AppError('WEBHOOK_NOT_FOUND')
    return found
  }

  async function checkUrl(url: string): Promise<string> {
    const trimmed = url.trim()
    const refusal = await refusalOfWebhookUrl(trimmed, deps.policy, deps.resolve)
    if (refusal) throw ruleError('WEBHOOK_URL_NOT_ALLOWED', refusal, ['url'], { url: trimmed })
    return trimmed
  }

  function checkEvents(events: string[]): string[] {
    const unknown = events.findIndex((e) => !OFFERED.has(e))
    if (unknown !== -1) {
      throw ruleError(
        'WEBHOOK_EVENTS_INVALID',
        `"${events[unknown]}" is not an event type webhooks offer (docs/webhooks.md).`,
        [`events[${unknown}]`],
      )
    }
    return [...new Set(events)]
  }

  async function changeStatus(actor: Actor, id: string, to: Webhook['status']) {
    return db.transaction().execute(async (trx) => {
      const current = await getWebhook(trx, actor, id)
      if (current.status === to) {
        throw ruleError(
          'WEBHOOK_STATUS_INVALID',
          `The webhook is ${current.status} already.`,
          ['status'],
          { status: current.status },
        )
      }
      const now = clock.now()
      const by = actorRef(actor)
      await trx
        .updateTable('webhooks')
        .set({
          status: to,
          disabled_reason: null,
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        })
        .where('id', '=', id)
        .execute()
      if (to === 'Enabled') {
        // What waited while it was disabled goes out now, in order.
        await trx
          .updateTable('webhook_deliveries')
          .set({ next_attempt_at: now.toISOString() })
          .where('webhook_id', '=', id)
          .where('status', '=', 'Pending')
          .execute()
      }
      await audit(trx, current, to === 'Enabled' ? 'enabled' : 'disabled', now, actor)
      return presentWebhook((await getWebhook(trx, actor, id)) as Webhook)
    })
  }

  async function audit(
    trx: Kysely<Database>,
    webhook: { id: string; accountId: string },
    event: string,
    at: Date,
    actor: Actor,
  ) {
    await recordAuditEvents(trx, [
      {
        objectType: 'webhook',
        objectId: webhook.id,
        accountId: webhook.accountId,
        event,
        at,
        by: actorRef(actor),
      },
    ])
  }

  return {
    async create(
      input: WebhookInput & {
        actor: Actor
        url: string
        events: string[]
        account?: { id: string }
      },
    ) {
      const visible = visibleAccountId(input.actor)
      const accountId = input.account?.id ?? input.actor.accountId
      if (visible !== undefined && accountId !== visible) throw new AppError('ACCOUNT_NOT_FOUND')
      const events = checkEvents(input.events)
      const url = await checkUrl(input.url)
      const secret = newWebhookSecret()
      return db.transaction().execute(async (trx) => {
        if (!(await accountIdExists(trx, accountId))) throw new AppError('ACCOUNT_NOT_FOUND')
        if ((await countWebhooksOfAccount(trx, accountId)) >= MAX_WEBHOOKS_PER_ACCOUNT) {
          throw ruleError(
            'WEBHOOK_LIMIT_REACHED',
            `Account ${accountId} has ${MAX_WEBHOOKS_PER_ACCOUNT} webhooks already.`,
            ['account.id'],
          )
        }
        const now = clock.now()
        const by = actorRef(input.actor)
        const id = await insertWithUniqueId('webhook', async (candidate) => {
          const row = await trx
            .insertInto('webhooks')
            .values({
              id: candidate,
              account_id: accountId,
              url,
              events: JSON.stringify(events),
              description: input.description ?? null,
              status: 'Enabled',
              secret: box.seal(secret),
              disabled_reason: null,
              created_at: now.toISOString(),
              created_by: JSON.stringify(by),
              updated_at: null,
              updated_by: null,
            })
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id')
            .executeTakeFirst()
          return row !== undefined
        })
        await audit(trx, { id, accountId }, 'created', now, input.actor)
        const created = await getWebhook(trx, input.actor, id)
        // The only time the secret leaves the service.
        return { ...presentWebhook(created), secret }
      })
    },

    async list(input: { actor: Actor; rawQuery: string }) {
      const scope = visibleAccountId(input.actor)
      const base = webhookBase(db)
      return serveList({
        rawQuery: input.rawQuery,
        output: spec,
        base: scope ? base.where('w.account_id', '=', scope) : base,
        fields: WEBHOOK_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'w.id',
        columns: (qb) => qb.select(WEBHOOK_COLUMNS),
        hydrate: async (rows) => rows.map(toWebhook),
        present: presentWebhook,
      })
    },

    async get(input: { actor: Actor; id: string; rawQuery: string }) {
      return projectForQuery(
        input.rawQuery,
        spec,
        presentWebhook(await getWebhook(db, input.actor, input.id)),
      )
    },

    async assertExists(input: { actor: Actor; id: string }) {
      await getWebhook(db, input.actor, input.id)
    },

    async update(input: WebhookInput & { actor: Actor; id: string }) {
      const events = input.events ? checkEvents(input.events) : undefined
      await getWebhook(db, input.actor, input.id)
      const url = input.url !== undefined ? await checkUrl(input.url) : undefined
      return db.transaction().execute(async (trx) => {
        const current = await getWebhook(trx, input.actor, input.id)
        const now = clock.now()
        await trx
          .updateTable('webhooks')
          .set({
            ...(url !== undefined ? { url } : {}),
            ...(events ? { events: JSON.stringify(events) } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
            updated_at: now.toISOString(),
            updated_by: JSON.stringify(actorRef(input.actor)),
          })
          .where('id', '=', current.id)
          .execute()
        await audit(trx, current, 'updated', now, input.actor)
        return presentWebhook(await getWebhook(trx, input.actor, current.id))
      })
    },

    /** Deletes the endpoint and its delivery log; what was queued for it is dropped. */
    async remove(input: { actor: Actor; id: string }) {
      await db.transaction().execute(async (trx) => {
        const current = await getWebhook(trx, input.actor, input.id)
        await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', current.id).execute()
        await trx.deleteFrom('webhooks').where('id', '=', current.id).execute()
        await audit(trx, current, 'deleted', clock.now(), input.actor)
      })
    },

    enable: (input: { actor: Actor; id: string }) => changeStatus(input.actor, input.id, 'Enabled'),
    disable: (input: { actor: Actor; id: string }) =>
      changeStatus(input.actor, input.id, 'Disabled'),

    /** The delivery log (RQL: `status`, `event.type`, `createdAt`, …). */
    async deliveries(input: { actor: Actor; id: string; rawQuery: string }) {
      const webhook = await getWebhook(db, input.actor, input.id)
      return serveList({
        rawQuery: input.rawQuery,
        output: deliverySpec,
        base: deliveryBase(db, webhook.id),
        fields: DELIVERY_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'd.id',
        columns: (qb) => qb.select(DELIVERY_COLUMNS),
        hydrate: async (rows) => rows.map(toDelivery),
        present: presentDelivery,
      })
    },

    /**
     * Queues a delivery's event again for the endpoint: a new delivery (its own log entry and
     * retry window) with the same `webhook-id`, so a receiver that has it already can tell.
     */
    async redeliver(input: { actor: Actor; id: string; deliveryId: number }) {
      return db.transaction().execute(async (trx) => {
        const webhook = await getWebhook(trx, input.actor, input.id)
        const original = await findDelivery(trx, webhook.id, input.deliveryId)
        if (!original) throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND')
        if (webhook.status !== 'Enabled') {
          throw ruleError(
            'WEBHOOK_STATUS_INVALID',
            'The webhook is Disabled: enable it to redeliver.',
            ['status'],
            { status: webhook.status },
          )
        }
        const [id] = await insertDeliveries(trx, [
          {
            webhookId: webhook.id,
            eventId: original.eventId,
            eventType: original.eventType,
            orderingKey: original.orderingKey,
            payload: original.payload,
            at: clock.now(),
            redeliveryOf: original.id,
          },
        ])
        const created = await findDelivery(trx, webhook.id, id!)
        return presentDelivery(created!)
      })
    },
  }
}

export type WebhookService = ReturnType<typeof createWebhookService>
