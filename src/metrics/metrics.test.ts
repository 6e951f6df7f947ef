import { afterEach, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  emailedCodeFor,
  inviteUser,
  STRONG_PASSWORD,
} from '../../test/support/account-users.js'
import { testDialect } from '../../test/support/database.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { createLifecycle } from '../lib/lifecycle.js'
import { buildJobs } from '../jobs/jobs.js'
import { buildMetricsServer } from './metrics-server.js'
import { createMetrics } from './metrics.js'

const TOKEN = 'metrics-token-0123456789abcdef'

/** The value of one series in the exposition text (undefined when absent). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('metrics', () => {
  let t: TestApp
  afterEach(async () => t.close())

  const scrape = async () => {
    const res = await t.request({ method: 'GET', url: '/metrics', token: TOKEN })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    return res.body
  }

  it('refuses the public port without the METRICS_TOKEN, and is absent there without one', async () => {
    t = await buildTestApp({}, { metricsToken: TOKEN })
    for (const token of [null, 'wrong-token-0123456789abcdef', t.operations.token]) {
      const res = await t.request({ method: 'GET', url: '/metrics', token })
      expect(res.statusCode).toBe(401)
      expect(res.json().code).toBe('AUTHENTICATION_REQUIRED')
    }
    await t.close()
    t = await buildTestApp()
    const res = await t.request({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(404)
  })

  it('counts requests and times them by route pattern and status, never by raw URL', async () => {
    t = await buildTestApp({}, { metricsToken: TOKEN })
    const invited = await inviteUser(t)
    await t.request({ method: 'GET', url: `${invited.path}?select=audit` })
    await t.request({ method: 'GET', url: `/public/v1/accounts/accounts/ACC-0000-0000/users/x` })
    const text = await scrape()
    expect(
      sample(
        text,
        'http_requests_total{method="POST",route="/public/v1/accounts/accounts/:accountId/users",status="201"}',
      ),
    ).toBe(1)
    expect(
      sample(
        text,
        'http_request_duration_seconds_count{method="GET",route="/public/v1/accounts/accounts/:accountId/users/:userId",status="200"}',
      ),
    ).toBe(1)
    expect(text).not.toContain(invited.userId)
    expect(text).not.toContain('select=audit')
  })

  it('counts invitations by transition: invited, resent, reissued, accepted, expired', async () => {
    t = await buildTestApp({}, { metricsToken: TOKEN })
    const a = await inviteUser(t)
    await inviteUser(t)
    await inviteUser(t)
    expect((await t.request({ method: 'POST', url: `${a.path}/resend-invite` })).statusCode).toBe(
      200,
    )
    t.clock.advance(t.config.invitationTtlMs)
    const fresh = await t.request({ method: 'POST', url: `${a.path}/send-new-invite` })
    expect(fresh.statusCode).toBe(200)
    // The emailed link proves the invitee; the copied invitation.url would not (issue #12).
    const code = await emailedCodeFor(t, a.email)
    const refused = await acceptInvite(t, a.path, { code: a.code, password: STRONG_PASSWORD })
    expect(refused.statusCode).toBe(400)
    const accepted = await acceptInvite(t, a.path, { code, password: STRONG_PASSWORD })
    expect(accepted.statusCode).toBe(200)

    const jobs = buildJobs({
      database: t.db,
      clock: t.clock,
      config: t.config,
      dispatcher: t.dispatcher,
      remindInvitations: () => t.services.invitations.sendReminders(),
      metrics: t.metrics,
      isStopping: () => false,
    })
    expect(await jobs.find((j) => j.name === 'expire-invitations')!.run()).toBe(2)

    const text = await scrape()
    const count = (transition: string) =>
      sample(text, `accounts_invitation_transitions_total{transition="${transition}"}`)
    expect([count('invited'), count('resent'), count('reissued'), count('accepted')]).toEqual([
      3, 1, 1, 1,
    ])
    expect(count('expired')).toBe(2)
    expect(sample(text, 'accounts_job_runs_total{job="expire-invitations",outcome="ok"}')).toBe(1)
    expect(sample(text, 'accounts_job_items_total{job="expire-invitations"}')).toBe(2)
  })

  it('reads the outbox depth, the oldest pending email and the expiry lag when scraped', async () => {
    t = await buildTestApp({}, { metricsToken: TOKEN })
    await inviteUser(t)
    await inviteUser(t)
    t.clock.advance(90_000)
    let text = await scrape()
    expect(sample(text, 'accounts_email_outbox_depth{status="pending"}')).toBe(2)
    expect(sample(text, 'accounts_email_outbox_oldest_pending_age_seconds')).toBe(90)
    expect(sample(text, 'accounts_invitation_expiry_lag_seconds')).toBe(0)
    expect(sample(text, 'accounts_metrics_database_read_ok')).toBe(1)

    await t.deliverEmails()
    t.clock.advance(t.config.invitationTtlMs - 90_000 + 30_000)
    text = await scrape()
    expect(sample(text, 'accounts_email_outbox_depth{status="pending"}')).toBe(0)
    expect(sample(text, 'accounts_email_outbox_oldest_pending_age_seconds')).toBe(0)
    // Both invitations are 30 s past their deadline and no sweep has run.
    expect(sample(text, 'accounts_invitation_expiry_lag_seconds')).toBe(30)
  })

  it.runIf(testDialect === 'postgres')('reports the PostgreSQL pool', async () => {
    t = await buildTestApp({}, { metricsToken: TOKEN })
    const text = await scrape()
    expect(sample(text, 'accounts_db_pool_connections{state="max"}')).toBe(10)
    expect(sample(text, 'accounts_db_pool_connections{state="total"}')).toBeGreaterThan(0)
  })

  it('counts job runs that fail', async () => {
    t = await buildTestApp()
    const failing = t.metrics.instrumentJob({
      name: 'broken',
      intervalMs: 1000,
      run: () => Promise.reject(new Error('boom')),
    })
    await expect(failing.run()).rejects.toThrow('boom')
    const text = await t.metrics.scrape()
    expect(sample(text, 'accounts_job_runs_total{job="broken",outcome="error"}')).toBe(1)
  })

  it('serves /metrics without a token on its own port, with process metrics', async () => {
    t = await buildTestApp()
    const metrics = createMetrics({ db: t.db.db, clock: t.clock })
    const server = await buildMetricsServer(metrics)
    try {
      const res = await server.inject({ method: 'GET', url: '/metrics' })
      expect(res.statusCode).toBe(200)
      expect(res.body).toContain('process_cpu_user_seconds_total')
      expect(res.body).toContain('nodejs_eventloop_lag_seconds')
      expect(res.body).toContain('accounts_email_outbox_depth')
    } finally {
      await server.close()
    }
  })

  it('leaves the database gauges out and says so when the database cannot be read', async () => {
    t = await buildTestApp()
    const lifecycle = createLifecycle()
    expect(lifecycle.isDraining()).toBe(false)
    const broken = createMetrics({
      db: t.db.db.withTables<{ email_outbox: never }>().withSchema('missing_schema') as never,
      clock: t.clock,
      processMetrics: false,
    })
    const text = await broken.scrape()
    expect(sample(text, 'accounts_metrics_database_read_ok')).toBe(0)
    expect(text).not.toContain('accounts_email_outbox_depth{')
  })
})
