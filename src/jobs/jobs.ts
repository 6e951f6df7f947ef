import type { Config } from '../config.js'
import type { Db } from '../db/connect.js'
import type { EmailDispatcher } from '../email/email-dispatcher.js'
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js'
import type { Clock } from '../lib/clock.js'
import type { Metrics } from '../metrics/metrics.js'
import { pruneRateLimits } from '../db/rate-limit-counters.js'
import { expireInvitations } from './expire-invitations.js'
import type { ScheduledJob } from './scheduler.js'

export interface JobDeps {
  database: Db
  clock: Clock
  config: Pick<Config, 'sweepIntervalMs' | 'mailPollIntervalMs' | 'webhookPollIntervalMs'>
  dispatcher: EmailDispatcher
  /** the webhook queue's dispatcher; none: this node delivers no webhooks */
  webhookDispatcher?: WebhookDispatcher
  /** queues the invitation reminders that are due (INVITATION_REMINDER); how many */
  remindInvitations: () => Promise<number>
  metrics: Metrics
  /** true once shutdown began: a job finishes its current batch and takes no other */
  isStopping: () => boolean
  /** deletes ended console sessions and used or expired password links (sessions service) */
  pruneSessions?: () => Promise<number>
}

/** The background jobs every node runs, each counted and timed in the metrics. */
export function buildJobs(deps: JobDeps): ScheduledJob[] {
  const { database, clock, dispatcher, metrics, config } = deps
  const jobs: ScheduledJob[] = [
    {
      name: 'expire-invitations',
      intervalMs: config.sweepIntervalMs,
      run: async () => {
        const expired = await expireInvitations({ db: database.db, clock })
        metrics.countInvitations('expired', expired)
        return expired
      },
    },
    {
      name: 'remind-invitations',
      intervalMs: config.sweepIntervalMs,
      run: async () => {
        const reminded = await deps.remindInvitations()
        metrics.countInvitations('reminded', reminded)
        return reminded
      },
    },
    {
      name: 'optimize-database',
      intervalMs: 60 * 60_000,
      run: async () => (await database.optimize(), 0),
    },
    // The shared rate-limit counters of PostgreSQL (SQLite counts in memory).
    ...(database.dialect === 'postgres'
      ? [
          {
            name: 'prune-rate-limits',
            intervalMs: 60_000,
            run: () => pruneRateLimits({ db: database.db, clock }),
          },
        ]
      : []),
    ...(deps.pruneSessions
      ? [{ name: 'prune-sessions', intervalMs: 10 * 60_000, run: deps.pruneSessions }]
      : []),
    {
      name: 'dispatch-email',
      intervalMs: config.mailPollIntervalMs,
      run: () => drainOutbox(dispatcher, deps.isStopping),
    },
    ...(deps.webhookDispatcher
      ? [
          {
            name: 'dispatch-webhooks',
            intervalMs: config.webhookPollIntervalMs,
            run: () => drainOutbox(deps.webhookDispatcher!, deps.isStopping),
          },
        ]
      : []),
  ]
  return jobs.map((job) => metrics.instrumentJob(job))
}

/**
 * One scheduler tick keeps claiming batches while they come back full, so a burst of invitations
 * is mailed at the transport's pace rather than one batch per poll interval; bounded per tick,
 * and it stops between batches once shutdown began.
 */
export async function drainOutbox(
  dispatcher: Pick<EmailDispatcher, 'dispatchDue'>,
  isStopping: () => boolean = () => false,
  batchSize = 50,
  maxPerTick = 2000,
): Promise<number> {
  let sent = 0
  for (;;) {
    const delivered = await dispatcher.dispatchDue(batchSize)
    sent += delivered
    if (delivered < batchSize || sent >= maxPerTick || isStopping()) return sent
  }
}
