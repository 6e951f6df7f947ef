import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildJobs } from '../../src/jobs/jobs.js'
import { startScheduler } from '../../src/jobs/scheduler.js'
import { inviteUser, scopedUsersPath, uniqueEmail } from '../support/account-users.js'
import { createTestDb } from '../support/database.js'
import { inviteBody } from '../support/factories.js'
import {
  controlSoakCluster,
  ensureSoakClusterRunning,
  soakCluster,
  soakClusterAvailable,
  soakDatabaseUrl,
} from '../support/soak-cluster.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

const run = promisify(execFile)

/**
 * Issue #17: PostgreSQL restarts under a running app (its own cluster, see test/support/soak-cluster.ts).
 * Requests meanwhile get a 503 problem with Retry-After at once, the pool reconnects by itself,
 * the jobs resume and /readyz says not ready in between; no crash, no hang, no 500.
 */
describe.skipIf(!soakClusterAvailable())('the database restarts under a running app', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp({}, { database: await createTestDb({ url: soakDatabaseUrl! }) })
  })
  afterEach(async () => {
    // A failed test may leave the cluster stopped; the next one needs it.
    ensureSoakClusterRunning()
    await t.close()
  })

  const list = () =>
    t.request({ method: 'GET', url: `${scopedUsersPath(t.operations.accountId)}?limit=5` })
  const invite = (email = uniqueEmail('restart')) =>
    t.request({
      method: 'POST',
      url: scopedUsersPath(t.operations.accountId),
      payload: inviteBody(email, [t.operations.groupId]),
    })

  function expectUnavailable(res: LightMyRequestResponse): void {
    expect(res.statusCode).toBe(503)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.headers['retry-after']).toBe('2')
    expect(res.json()).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
      code: 'DATABASE_UNAVAILABLE',
    })
  }

  async function eventually<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 300; i += 1) {
      const value = await attempt()
      if (value !== undefined) return value
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`not within 30 s: ${what}`)
  }

  it('while it is down: 503 DATABASE_UNAVAILABLE with Retry-After before it is back, /readyz not ready; then the pool reconnects and the jobs resume', async () => {
    const invited = await Promise.all([inviteUser(t), inviteUser(t), inviteUser(t)])
    const logged: string[] = []
    const logger = {
      info: (o: object, msg: string) => logged.push(`info ${(o as { job?: string }).job} ${msg}`),
      warn: (o: object, msg: string) => logged.push(`warn ${(o as { job?: string }).job} ${msg}`),
      error: (o: object, msg: string) => logged.push(`error ${(o as { job?: string }).job} ${msg}`),
    }
    controlSoakCluster('stop')
    const scheduler = startScheduler(
      buildJobs({
        database: t.db,
        clock: t.clock,
        config: { sweepIntervalMs: 50, mailPollIntervalMs: 50, webhookPollIntervalMs: 50 },
        dispatcher: t.dispatcher,
        remindInvitations: () => t.services.invitations.sendReminders(),
        metrics: t.metrics,
        isStopping: () => false,
      }),
      logger,
    )
    try {
      t.clock.advance(t.config.invitationTtlMs)
      // Every answer below arrives while the server is still stopped: nothing waits for it.
      expectUnavailable(await list())
      expectUnavailable(await invite())
      expectUnavailable(
        await t.request({ method: 'GET', url: `${invited[0]!.path}`, token: t.operations.token }),
      )
      const ready = await t.request({ method: 'GET', url: '/readyz', token: null })
      expect(ready.statusCode).toBe(503)
      expect(ready.json()).toMatchObject({ code: 'SERVICE_NOT_READY' })
      expect(ready.json().errors.database[0]).toMatch(/does not answer \(ECONNREFUSED\)/)
      await eventually('the sweep reports the database missing', async () =>
        logged.includes('warn expire-invitations job waiting: the database cannot be reached')
          ? true
          : undefined,
      )
      expect(logged.filter((line) => line.startsWith('error'))).toEqual([])

      controlSoakCluster('start')
      const answered = await eventually('a list answers again', async () => {
        const res = await list()
        if (res.statusCode === 200) return res
        expectUnavailable(res)
        return undefined
      })
      expect(answered.json().$meta.pagination.total).toBe(3)
      expect((await invite()).statusCode).toBe(201)
      expect((await t.request({ method: 'GET', url: '/readyz', token: null })).statusCode).toBe(200)
      await eventually('the sweep stores the expiries', async () => {
        const rows = await t.db.db
          .selectFrom('account_users')
          .select('status')
          .where(
            'id',
            'in',
            invited.map((i) => i.accountUserId),
          )
          .execute()
        return rows.every((r) => r.status === 'InvitationExpired') ? true : undefined
      })
      await eventually('the sweep says it resumed', async () =>
        logged.includes('info expire-invitations job resumed: the database answers again')
          ? true
          : undefined,
      )
      const audits = await t.db.db
        .selectFrom('audit_events')
        .select('object_id')
        .where('event', '=', 'invitation-expired')
        .execute()
      expect(audits.map((a) => a.object_id).sort()).toEqual(
        invited.map((i) => i.accountUserId).sort(),
      )
    } finally {
      await scheduler.stop()
    }
  }, 60_000)

  it('a restart amid traffic: only 2xx and 503 problems, no crash from the connections it closed, and nothing half-written', async () => {
    // Open several pooled connections first: idle ones the restart closes must not end the process.
    await Promise.all(Array.from({ length: 8 }, () => list()))
    const answers: Array<{ kind: 'invite' | 'list'; email?: string; res: LightMyRequestResponse }> =
      []
    let restarting = true
    const traffic = async () => {
      while (restarting) {
        const email = uniqueEmail('amid')
        answers.push({ kind: 'invite', email, res: await invite(email) })
        answers.push({ kind: 'list', res: await list() })
      }
    }
    const workers = Array.from({ length: 4 }, traffic)
    await run('pg_ctlcluster', [...soakCluster, 'restart'])
    await eventually('a list answers again', async () =>
      (await list()).statusCode === 200 ? true : undefined,
    )
    restarting = false
    await Promise.all(workers)

    for (const { res } of answers) {
      if (res.statusCode === 503) expectUnavailable(res)
      else expect([200, 201]).toContain(res.statusCode)
    }
    // An invite is all or nothing: a user, a membership, an email and its audit events, or none.
    const emails = answers.filter((a) => a.kind === 'invite').map((a) => a.email!)
    const users = await t.db.db
      .selectFrom('users')
      .innerJoin('account_users', 'account_users.user_id', 'users.id')
      .select(['users.email', 'account_users.id'])
      .where('users.email', 'in', emails)
      .execute()
    const acknowledged = answers.filter((a) => a.kind === 'invite' && a.res.statusCode === 201)
    for (const a of acknowledged) expect(users.map((u) => u.email)).toContain(a.email)
    const created = await t.db.db
      .selectFrom('audit_events')
      .select('object_id')
      .where('event', '=', 'created')
      .where(
        'object_id',
        'in',
        users.map((u) => u.id),
      )
      .execute()
    expect(created.map((c) => c.object_id).sort()).toEqual(users.map((u) => u.id).sort())
    const outbox = await t.db.db
      .selectFrom('email_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'invitation')
      .executeTakeFirstOrThrow()
    expect(Number(outbox.n)).toBe(users.length)
  }, 60_000)
})
