import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify'
import { buildApp } from '../../src/app.js'
import { testConfig, type Config } from '../../src/config.js'
import type { Db } from '../../src/db/connect.js'
import { createEmailDispatcher, type EmailDispatcher } from '../../src/email/email-dispatcher.js'
import type { MailMessage } from '../../src/email/mailer.js'
import { ensureFirstStart } from '../../src/first-start.js'
import { FakeClock } from '../../src/lib/clock.js'
import type { Lifecycle } from '../../src/lib/lifecycle.js'
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js'
import { createServices, type Services } from '../../src/services.js'
import {
  createWebhookDispatcher,
  type WebhookDispatcher,
} from '../../src/webhooks/webhook-dispatcher.js'
import { createWebhookSender } from '../../src/webhooks/webhook-sender.js'
import { createTestDb } from './database.js'
import { createRecordingMailer, type RecordingMailer } from './recording-mailer.js'

export interface TestApp {
  app: FastifyInstance
  db: Db
  clock: FakeClock
  config: Config
  services: Services
  mailer: RecordingMailer
  metrics: Metrics
  dispatcher: EmailDispatcher
  /** the webhook queue's dispatcher, sending real HTTP (WEBHOOK_ALLOW_NETWORKS from the config) */
  webhookDispatcher: WebhookDispatcher
  /** sends every webhook delivery due now; returns how many were delivered (2xx) */
  deliverWebhooks(): Promise<number>
  /** the first-start Operations account, its default group and its bearer credential */
  operations: { accountId: string; groupId: string; token: string }
  /** delivers every queued email through the recording mailer; returns those sent by this call */
  deliverEmails(): Promise<MailMessage[]>
  /** `app.inject` with the given bearer token (Operations' when omitted; `null` for none) */
  request(options: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>
  close(): Promise<void>
}

const OPERATIONS_TOKEN = 'idt:TKN-0000-0001:operations-test-secret-0123456789'

/** A fully wired app on a fresh database, with a fake clock and a recording mail transport. */
export async function buildTestApp(
  overrides: Partial<Config> = {},
  options: {
    logStream?: NodeJS.WritableStream
    database?: Db
    /** replaces the wait of FAILURE_DELAY_MS (set `failureDelayMs` to turn it on) */
    sleep?: (ms: number) => Promise<void>
    onRoute?: (route: RouteOptions) => void
    /** serve /metrics on the app behind this bearer token */
    metricsToken?: string
    lifecycle?: Lifecycle
  } = {},
): Promise<TestApp> {
  const db = options.database ?? (await createTestDb())
  const clock = new FakeClock()
  const config = testConfig({ bootstrapToken: OPERATIONS_TOKEN, ...overrides })
  const services = createServices({ database: db, clock, config })
  const first = await ensureFirstStart(
    { db: db.db, dialect: db.dialect, clock },
    { bootstrapToken: OPERATIONS_TOKEN },
  )
  const metrics = createMetrics({
    db: db.db,
    clock,
    poolStats: db.poolStats,
    processMetrics: false,
  })
  const app = await buildApp({
    config: options.logStream ? { ...config, logLevel: 'trace' } : config,
    services,
    logger: options.logStream ? { stream: options.logStream } : false,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.onRoute ? { onRoute: options.onRoute } : {}),
    ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
    metrics: { metrics, token: options.metricsToken },
  })
  await app.ready()
  const mailer = createRecordingMailer()
  const dispatcher = createEmailDispatcher({
    db: db.db,
    box: services.box,
    clock,
    mailer,
    logger: silentLogger,
    config,
  })
  const webhookDispatcher = createWebhookDispatcher({
    db: db.db,
    box: services.box,
    clock,
    logger: silentLogger,
    templates: services.templates,
    send: createWebhookSender({
      policy: services.webhookAddresses,
      timeoutMs: config.webhookTimeoutMs,
      userAgent: 'accounts-test webhooks',
    }),
    config,
    random: () => 0.5,
  })
  return {
    app,
    db,
    webhookDispatcher,
    async deliverWebhooks() {
      let delivered = 0
      for (let round = 0; round < 100; round += 1) {
        const due = await db.db
          .selectFrom('webhook_deliveries as d')
          .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
          .select('d.id')
          .where('w.status', '=', 'Enabled')
          .where('d.status', '=', 'Pending')
          .where('d.next_attempt_at', '<=', clock.now().toISOString())
          .executeTakeFirst()
        if (!due) break
        const sent = await webhookDispatcher.dispatchDue(100)
        delivered += sent
        if (sent === 0) break // failures wait for their retry; the rest waits behind them
      }
      return delivered
    },
    clock,
    config,
    services,
    mailer,
    metrics,
    dispatcher,
    operations: {
      accountId: first.operationsAccountId,
      groupId: first.defaultGroupId,
      token: OPERATIONS_TOKEN,
    },
    async deliverEmails() {
      const before = mailer.sent.length
      while ((await dispatcher.dispatchDue(100)) > 0) {
        // keep going until the outbox has nothing due
      }
      return mailer.sent.slice(before)
    },
    request({ token, ...options }) {
      const credential = token === undefined ? OPERATIONS_TOKEN : token
      return app.inject({
        ...options,
        headers: {
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
          ...options.headers,
        },
      })
    },
    async close() {
      await app.close()
      await db.close()
    },
  }
}

const silentLogger = { info() {}, warn() {}, error() {} }
