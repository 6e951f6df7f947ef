import type { Kysely } from 'kysely'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { freshSingleFlight } from '../db/fresh-single-flight.js'
import type { PoolStats } from '../db/connect.js'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { webhookQueueDepth } from '../webhooks/webhook-repository.js'

/** What happened to an invitation, as counted by `accounts_invitation_transitions_total`. */
export type InvitationTransition =
  'invited' | 'resent' | 'reissued' | 'accepted' | 'expired' | 'reminded'

export interface MetricsDeps {
  db: Kysely<Database>
  clock: Clock
  poolStats?: (() => PoolStats) | undefined
  /** process_* and nodejs_* metrics (off in tests: they watch the whole process) */
  processMetrics?: boolean
}

export type Metrics = ReturnType<typeof createMetrics>

/**
 * The Prometheus registry of one process. Counters are updated as things happen; the outbox,
 * expiry lag and pool gauges are read when scraped (concurrent scrapes share one read).
 */
export function createMetrics(deps: MetricsDeps) {
  const registry = new Registry()
  if (deps.processMetrics ?? true) collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  })
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request arriving to its response being sent, by route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  })
  const invitationTransitions = new Counter({
    name: 'accounts_invitation_transitions_total',
    help: 'Invitations sent, resent, reissued (send-new-invite), accepted, expired and reminded.',
    labelNames: ['transition'] as const,
    registers,
  })
  const jobRuns = new Counter({
    name: 'accounts_job_runs_total',
    help: 'Background job runs (expiry sweep, email dispatch, …) by outcome.',
    labelNames: ['job', 'outcome'] as const,
    registers,
  })
  const jobItems = new Counter({
    name: 'accounts_job_items_total',
    help: 'Items a background job handled (invitations expired, emails sent, …).',
    labelNames: ['job'] as const,
    registers,
  })
  const jobDuration = new Histogram({
    name: 'accounts_job_duration_seconds',
    help: 'How long one run of a background job took.',
    labelNames: ['job'] as const,
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120],
    registers,
  })
  const jobLastSuccess = new Gauge({
    name: 'accounts_job_last_success_timestamp_seconds',
    help: 'When a background job last finished without an error (Unix time).',
    labelNames: ['job'] as const,
    registers,
  })

  const readDatabase = freshSingleFlight(() => readDatabaseGauges(deps))
  let lastRead: Promise<DatabaseGauges | undefined> | undefined
  // One read per scrape however many gauges ask: the first collect() starts it, the rest share it.
  const gauges = () => (lastRead ??= readDatabase().catch(() => undefined))

  new Gauge({
    name: 'accounts_email_outbox_depth',
    help: 'Emails waiting to be sent (pending, or claimed by a sender that has not finished).',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const read = await gauges()
      if (!read) return
      this.set({ status: 'pending' }, read.pending)
      this.set({ status: 'sending' }, read.sending)
    },
  })
  new Gauge({
    name: 'accounts_email_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest email still waiting to be sent (0 when none waits).',
    registers,
    async collect() {
      const read = await gauges()
      if (read) this.set(read.oldestPendingAgeSeconds)
    },
  })
  new Gauge({
    name: 'accounts_webhook_queue_depth',
    help: 'Webhook deliveries waiting (pending, or claimed by a sender that has not finished).',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const read = await gauges()
      if (!read) return
      this.set({ status: 'pending' }, read.webhooks.pending)
      this.set({ status: 'sending' }, read.webhooks.sending)
    },
  })
  new Gauge({
    name: 'accounts_webhook_oldest_pending_age_seconds',
    help: 'Age of the oldest webhook delivery still waiting (0 when none waits).',
    registers,
    async collect() {
      const read = await gauges()
      if (read) this.set(secondsSince(deps.clock.now(), read.webhooks.oldestPendingAt))
    },
  })
  new Gauge({
    name: 'accounts_invitation_expiry_lag_seconds',
    help: 'How long past its deadline the oldest invitation the sweep has not yet expired is.',
    registers,
    async collect() {
      const read = await gauges()
      if (read) this.set(read.expiryLagSeconds)
    },
  })
  new Gauge({
    name: 'accounts_metrics_database_read_ok',
    help: '1 when this scrape could read the database gauges, 0 when it could not.',
    registers,
    async collect() {
      this.set((await gauges()) ? 1 : 0)
    },
  })
  if (deps.poolStats) {
    const poolStats = deps.poolStats
    new Gauge({
      name: 'accounts_db_pool_connections',
      help: 'PostgreSQL connection pool: max, open (total), idle, and queries waiting for one.',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const stats = poolStats()
        for (const state of ['max', 'total', 'idle', 'waiting'] as const)
          this.set({ state }, stats[state])
      },
    })
  }

  return {
    registry,
    contentType: registry.contentType,
    /** The exposition text; the database gauges are read once for it. */
    async scrape(): Promise<string> {
      lastRead = undefined
      try {
        return await registry.metrics()
      } finally {
        lastRead = undefined
      }
    },
    observeRequest(labels: { method: string; route: string; status: number }, seconds: number) {
      const l = { ...labels, status: String(labels.status) }
      httpRequests.inc(l)
      httpDuration.observe(l, seconds)
    },
    countInvitations(transition: InvitationTransition, count = 1) {
      if (count > 0) invitationTransitions.inc({ transition }, count)
    },
    /** Wraps a job's run so each run is counted and timed, and its items added up. */
    instrumentJob<J extends { name: string; run(): Promise<number> }>(job: J): J {
      return {
        ...job,
        run: async () => {
          const end = jobDuration.startTimer({ job: job.name })
          try {
            const count = await job.run()
            jobRuns.inc({ job: job.name, outcome: 'ok' })
            jobItems.inc({ job: job.name }, count)
            jobLastSuccess.set({ job: job.name }, deps.clock.now().getTime() / 1000)
            return count
          } catch (error) {
            jobRuns.inc({ job: job.name, outcome: 'error' })
            throw error
          } finally {
            end()
          }
        },
      }
    },
  }
}

interface DatabaseGauges {
  pending: number
  sending: number
  oldestPendingAgeSeconds: number
  expiryLagSeconds: number
  webhooks: Awaited<ReturnType<typeof webhookQueueDepth>>
}

/** Four small reads, each served by an index on (status, …). */
async function readDatabaseGauges(deps: MetricsDeps): Promise<DatabaseGauges> {
  const now = deps.clock.now()
  const outbox = await deps.db
    .selectFrom('email_outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['pending', 'sending'])
    .groupBy('status')
    .execute()
  const oldest = await deps.db
    .selectFrom('email_outbox')
    .select((eb) => eb.fn.min('created_at').as('at'))
    .where('status', '=', 'pending')
    .executeTakeFirst()
  const overdue = await deps.db
    .selectFrom('account_users')
    .select((eb) => eb.fn.min('invitation_expires_at').as('at'))
    .where('status', '=', 'Invited')
    .where('invitation_expires_at', '<=', now.toISOString())
    .executeTakeFirst()
  const webhooks = await webhookQueueDepth(deps.db)
  const count = (status: string) => Number(outbox.find((r) => r.status === status)?.n ?? 0)
  return {
    pending: count('pending'),
    sending: count('sending'),
    oldestPendingAgeSeconds: secondsSince(now, oldest?.at),
    expiryLagSeconds: secondsSince(now, overdue?.at),
    webhooks,
  }
}

function secondsSince(now: Date, at: string | Date | null | undefined): number {
  if (!at) return 0
  return Math.max(0, (now.getTime() - new Date(at).getTime()) / 1000)
}
