import type { Kysely } from 'kysely'
import { findAccountAdministrators } from '../account-users/account-administrators.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Database } from '../db/schema.js'
import type { Logger } from '../email/mailer.js'
import { enqueueEmail } from '../email/outbox.js'
import type { EmailTemplates } from '../email/templates/email-templates.js'
import type { Clock } from '../lib/clock.js'
import type { SecretBox } from '../lib/secrets.js'
import {
  claimDeliveries,
  findDueDeliveries,
  finishDelivery,
  markDelivered,
  releaseDeliveries,
  renewDeliveryLeases,
  type DeliveredTry,
  type DeliveryClaim,
  type DueDelivery,
} from './webhook-repository.js'
import type { WebhookSender } from './webhook-sender.js'
import { signWebhook } from './webhook-signer.js'

const MAX_BACKOFF_MS = 60 * 60_000
/** deliveries sent at the same time by one node (to different endpoints or objects) */
const CONCURRENCY = 8

export interface WebhookDispatcherDeps {
  db: Kysely<Database>
  box: SecretBox
  clock: Clock
  logger: Logger
  send: WebhookSender
  templates: EmailTemplates
  config: {
    /** WEBHOOK_RETRY_WINDOW: a delivery is tried this long, then its endpoint is disabled */
    webhookRetryWindowMs: number
    /** WEBHOOK_CLAIM_LEASE */
    webhookClaimLeaseMs: number
  }
  /** the jitter's randomness, [0, 1); tests fix it */
  random?: () => number
}

export interface WebhookDispatcher {
  /** Sends up to `batchSize` due deliveries; resolves to how many were delivered (2xx). */
  dispatchDue(batchSize?: number): Promise<number>
  /** Shutdown: claim nothing more. */
  stop(): void
}

/**
 * Delivers the webhook queue at least once, in order per endpoint and object. Like the email
 * dispatcher, any number of nodes may run it: a delivery is claimed for a short lease the sender
 * renews while the request runs, and taken over when a dead node's lease runs out. A failed try
 * (no answer, or not 2xx) is repeated with exponential backoff and jitter for
 * WEBHOOK_RETRY_WINDOW; then the delivery fails, the endpoint is disabled and the account's
 * administrators are mailed. Every try is signed afresh (Standard Webhooks), with the same
 * `webhook-id`.
 */
export function createWebhookDispatcher(deps: WebhookDispatcherDeps): WebhookDispatcher {
  let stopped = false
  return {
    async dispatchDue(batchSize = 50) {
      if (stopped) return 0
      const { db, clock, config } = deps
      const now = clock.now()
      const due = await findDueDeliveries(db, now, batchSize)
      // One statement claims the batch (not one per delivery: issue #15's cost on the write path).
      const claimed = await claimDeliveries(
        db,
        due.map((d) => d.id),
        now,
        config.webhookClaimLeaseMs,
      )
      const batch = due.filter((d) => claimed.has(d.id))
      if (batch.length === 0) return 0
      const sending = new Set(claimed)
      const renewal = setInterval(() => {
        const until = new Date(clock.now().getTime() + config.webhookClaimLeaseMs)
        renewDeliveryLeases(db, [...sending], now, until).catch((error: unknown) =>
          deps.logger.warn({ err: error }, 'webhook lease renewal failed'),
        )
      }, config.webhookClaimLeaseMs / 3)
      renewal.unref()
      // An endpoint's secret is opened once per batch, not once per delivery.
      const secrets = new Map<string, string>()
      const secretOf = (delivery: DueDelivery) => {
        let secret = secrets.get(delivery.webhookId)
        if (secret === undefined) {
          secret = deps.box.open(delivery.sealedSecret)
          secrets.set(delivery.webhookId, secret)
        }
        return secret
      }
      const recordDelivered = deliveredRecorder(deps, now)
      let delivered = 0
      let next = 0
      const worker = async () => {
        while (next < batch.length && !stopped) {
          const delivery = batch[next++]!
          try {
            const claim = { id: delivery.id, claimedAt: now }
            const sent = await sendClaimed(
              deps,
              delivery,
              claim,
              secretOf(delivery),
              recordDelivered,
            )
            if (sent) delivered += 1
          } finally {
            sending.delete(delivery.id)
          }
        }
      }
      try {
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.length) }, worker))
      } finally {
        clearInterval(renewal)
      }
      // Stopped mid-batch: what was claimed and not tried is due again now, not after the lease.
      await releaseDeliveries(db, [...sending], now)
      return delivered
    },
    stop() {
      stopped = true
    },
  }
}

/**
 * Successful tries of one batch wait here while the previous ones are being written, then are
 * written together (`markDelivered`): under load, a few statements per batch instead of one per
 * delivery; alone, one at once. Resolves to whether the claim was still ours.
 */
function deliveredRecorder(
  deps: WebhookDispatcherDeps,
  claimedAt: Date,
): (tried: DeliveredTry) => Promise<boolean> {
  type Waiting = {
    tried: DeliveredTry
    settle: (ours: boolean) => void
    fail: (e: unknown) => void
  }
  let waiting: Waiting[] = []
  let writing = false
  const write = async () => {
    writing = true
    try {
      while (waiting.length > 0) {
        const taken = waiting
        waiting = []
        try {
          const tries = taken.map((w) => w.tried)
          const ours = await markDelivered(deps.db, tries, claimedAt, deps.clock.now())
          for (const w of taken) w.settle(ours.has(w.tried.id))
        } catch (error) {
          for (const w of taken) w.fail(error)
        }
      }
    } finally {
      writing = false
    }
  }
  return (tried) =>
    new Promise<boolean>((settle, fail) => {
      waiting.push({ tried, settle, fail })
      if (!writing) void write()
    })
}

async function sendClaimed(
  deps: WebhookDispatcherDeps,
  delivery: DueDelivery,
  claim: DeliveryClaim,
  secret: string,
  recordDelivered: (tried: DeliveredTry) => Promise<boolean>,
): Promise<boolean> {
  const { db, clock, logger, config } = deps
  const context = {
    deliveryId: delivery.id,
    webhookId: delivery.webhookId,
    eventType: delivery.eventType,
    attempts: delivery.attempts + 1,
  }
  const deadline = delivery.createdAt.getTime() + config.webhookRetryWindowMs
  const headers = signWebhook(secret, {
    id: delivery.eventId,
    timestamp: clock.now(),
    body: delivery.payload,
  })
  const response = await deps.send({
    url: delivery.url,
    headers: { ...headers },
    body: delivery.payload,
  })
  const now = clock.now()
  const measured = { responseStatus: response.status, durationMs: response.durationMs }
  if (response.error === null) {
    const tried = {
      id: claim.id,
      responseStatus: response.status ?? 200,
      durationMs: response.durationMs,
    }
    if (!(await recordDelivered(tried)))
      logger.warn(context, 'webhook delivered after its claim was taken over')
    return true
  }
  if (now.getTime() >= deadline) {
    await finishDelivery(db, claim, { status: 'Failed', ...measured, lastError: response.error })
    logger.error(
      { ...context, error: response.error },
      'webhook delivery failed for its whole retry window',
    )
    await disableEndpoint(deps, delivery, response.error)
    return false
  }
  const nextAttemptAt = new Date(
    Math.min(now.getTime() + backoffMs(delivery.attempts + 1, deps.random), deadline),
  )
  await finishDelivery(db, claim, {
    status: 'Pending',
    ...measured,
    lastError: response.error,
    nextAttemptAt,
  })
  logger.warn(
    { ...context, error: response.error, nextAttemptAt },
    'webhook delivery failed; will retry',
  )
  return false
}

/**
 * 5, 10, 20 … seconds after the 1st, 2nd, 3rd … failed try, at most an hour, each spread ±25 %.
 */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(5000 * 2 ** (attempts - 1), MAX_BACKOFF_MS)
  return Math.round(base * (0.75 + 0.5 * random()))
}

/** Disables the endpoint (once, of several nodes) and mails the account's administrators. */
async function disableEndpoint(
  deps: WebhookDispatcherDeps,
  delivery: DueDelivery,
  lastError: string,
): Promise<void> {
  const { db, clock, config } = deps
  const retryWindow = describeDuration(config.webhookRetryWindowMs)
  await db.transaction().execute(async (trx) => {
    const now = clock.now()
    const reason = `Deliveries failed for ${retryWindow}; the last failure: ${lastError}`
    const disabled = await trx
      .updateTable('webhooks')
      .set({
        status: 'Disabled',
        disabled_reason: reason,
        updated_at: now.toISOString(),
        updated_by: null,
      })
      .where('id', '=', delivery.webhookId)
      .where('status', '=', 'Enabled')
      .executeTakeFirst()
    if (Number(disabled.numUpdatedRows) !== 1) return
    await recordAuditEvents(trx, [
      {
        objectType: 'webhook',
        objectId: delivery.webhookId,
        accountId: delivery.accountId,
        event: 'disabled',
        at: now,
        by: null,
        details: { reason },
      },
    ])
    const account = await trx
      .selectFrom('accounts')
      .select('name')
      .where('id', '=', delivery.accountId)
      .executeTakeFirstOrThrow()
    for (const admin of await findAccountAdministrators(trx, delivery.accountId)) {
      await enqueueEmail(
        trx,
        deps,
        deps.templates.webhookDisabled(admin, {
          accountName: account.name,
          webhookId: delivery.webhookId,
          webhookUrl: delivery.url,
          retryWindow,
          lastError,
        }),
      )
    }
  })
  deps.logger.error({ webhookId: delivery.webhookId }, 'webhook endpoint disabled')
}

/** `24 hours`, `90 minutes`, `45 seconds`. */
export function describeDuration(ms: number): string {
  const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? '' : 's'}`
  if (ms % 3_600_000 === 0) return unit(ms / 3_600_000, 'hour')
  if (ms % 60_000 === 0) return unit(ms / 60_000, 'minute')
  return unit(Math.round(ms / 1000), 'second')
}
