/**
 * The scenario registry. A scenario names the server it loads (started once, lazily, in its own
 * child process), prepares what a run needs (data, clock) and returns the requests autocannon
 * sends. To add one (e.g. an RQL list over 10k / 1M rows): write a `Scenario`, seed its data in
 * `setup` (once) or `prepare` (before every run), and append it to SCENARIOS.
 */
import type autocannon from 'autocannon'
import { runAbuse } from './abuse.js'
import { runWebhooks } from './webhooks.js'
import { readUsersQuery, toRql } from '../src/web/console/users/users-query.js'
import { runSweep } from './sweep.js'
import type { ServerChild } from './child.js'
import {
  ensurePostgresListDatabase,
  ensureSqliteListDatabase,
  type ListDatabase,
} from './list-data.js'

export interface BenchOptions {
  runs: number
  durationSec: number
  warmupSec: number
  connections: number
  pipelining: number
  /** paired latency runs: at least this many HTTP + raw samples per round */
  pairedMin: number
  quick: boolean
  /** drop and re-seed the cached list databases */
  reseed: boolean
}

export interface BenchContext {
  options: BenchOptions
  /** the real service (bench/app-server.ts), started on first use */
  app(): Promise<ServerChild>
  /** the bare Fastify baseline (bench/bare-server.ts), started on first use */
  bare(): Promise<ServerChild>
  /** a service child on a seeded list database (bench/list-data.ts), one per database, started on first use */
  /** the service on a list database; `listCache`: LIST_CACHE on or off in that child */
  listApp(database: ListDatabase, listCache: boolean): Promise<ServerChild>
  /** median req/s measured so far for a scenario (or its warm-up), to size data pools */
  lastRate(name: string): number | undefined
  log(message: string): void
}

export interface RunPlan {
  server: ServerChild
  requests: autocannon.Request[]
  /** the status every response must have; anything else counts as an error */
  expectStatus: number
}

export interface Scenario {
  name: string
  title: string
  /** the scenario every other is divided by; always measured */
  baseline?: boolean
  /** pass/fail line: this scenario's req/s must be at least `minRatio` × the baseline's */
  target?: { minRatio: number }
  /** once, before the first run of this scenario */
  setup?(ctx: BenchContext): Promise<void>
  /** before every run (warm-up included); returns what to send (not for a `custom` scenario) */
  prepare?(ctx: BenchContext, run: { durationSec: number; warmup: boolean }): Promise<RunPlan>
  /**
   * A scenario that is not an autocannon run (its own servers and load): runs once, after the
   * others, and returns the lines of its report.
   */
  custom?(ctx: BenchContext): Promise<string[]>
  /** lines printed under the table */
  notes?: string[]
  /**
   * After each measured round: a 1-connection latency run (p50/p99 not queueing behind other
   * connections) alternating request by request with the same count + page run directly on the
   * database (the service child's `rawOnce`), reported in their own columns.
   */
  pairedRaw?: boolean
  /** pass/fail line: service p99 (latency run) within `maxOverRawMs` of the raw SQL p99 */
  latencyTarget?: { maxOverRawMs: number }
  /** pass/fail line: this scenario's req/s at least `minRatio` × that of `scenario` (same run) */
  versus?: { scenario: string; minRatio: number }
  /** scenarios measured whenever this one is (`--only` picks them too) */
  companions?: string[]
}

function bearer(app: ServerChild): Record<string, string> {
  return { authorization: `Bearer ${String(app.info.token)}` }
}

function inviteJson(email: string, groupId: string): string {
  // the same body as test/support/factories.ts inviteBody(email, [groupId])
  return JSON.stringify({
    user: { email, firstName: 'Ada', lastName: 'Lovelace' },
    groups: [{ id: groupId }],
    invitation: { status: 'Invited' },
  })
}

/** Unique across every run of this process (each `npm run bench` starts on a fresh database). */
let emailCounter = 0

const bare: Scenario = {
  name: 'bare',
  title: 'bare Fastify GET, constant JSON',
  baseline: true,
  async setup(ctx) {
    // One real invite response, so the constant has the same serialized size (and shape).
    const app = await ctx.app()
    const response = await fetch(
      `${app.url}/public/v1/accounts/${String(app.info.operationsAccountId)}/users`,
      {
        method: 'POST',
        headers: { ...bearer(app), 'content-type': 'application/json' },
        body: inviteJson('bench-size-sample@example.com', String(app.info.defaultGroupId)),
      },
    )
    const text = await response.text()
    if (response.status !== 201)
      throw new Error(`sample invite answered ${response.status}: ${text}`)
    const size = Buffer.byteLength(text)
    const server = await ctx.bare()
    const served = await server.call<number>('setBody', constantOfSize(text, size))
    if (served !== size)
      throw new Error(`bare constant is ${served} bytes, the invite response ${size}`)
    ctx.log(
      `real invite response: ${size} bytes; the bare route answers a constant JSON object of exactly ${served} bytes`,
    )
  },
  async prepare(ctx) {
    return {
      server: await ctx.bare(),
      requests: [{ method: 'GET', path: '/bare' }],
      expectStatus: 200,
    }
  },
}

/** The real response re-serialized (same shape), padded or replaced by filler if the size drifts. */
function constantOfSize(sampleJson: string, size: number): string {
  const reparsed = JSON.stringify(JSON.parse(sampleJson))
  if (Buffer.byteLength(reparsed) === size) return reparsed
  const skeleton = JSON.stringify({ data: '' })
  return JSON.stringify({ data: 'x'.repeat(Math.max(0, size - Buffer.byteLength(skeleton))) })
}

const invite: Scenario = {
  name: 'invite',
  title: 'POST /public/v1/accounts/{ACC}/users (invite)',
  target: { minRatio: 0.15 },
  async prepare(ctx) {
    const app = await ctx.app()
    const path = `/public/v1/accounts/${String(app.info.operationsAccountId)}/users`
    const groupId = String(app.info.defaultGroupId)
    return {
      server: app,
      expectStatus: 201,
      requests: [
        {
          method: 'POST',
          path,
          headers: { ...bearer(app), 'content-type': 'application/json' },
          setupRequest: (request) => {
            emailCounter += 1
            return { ...request, body: inviteJson(`bench-${emailCounter}@example.com`, groupId) }
          },
        },
      ],
    }
  },
  notes: [
    'invite: a new user per request (bench-<n>@example.com) into the Operations account, its default group.',
  ],
}

const sendNewInvite: Scenario = {
  name: 'send-new-invite',
  title: 'POST …/users/{USR}/send-new-invite',
  async prepare(ctx, run) {
    const app = await ctx.app()
    const accountId = String(app.info.operationsAccountId)
    const ttlMs = Number(app.info.invitationTtlMs)
    // Enough expired invitations that no request of this run targets one twice (that is a 400).
    const rate = ctx.lastRate('send-new-invite') ?? (ctx.lastRate('invite') ?? 800) * 1.5
    const needed = Math.ceil(rate * run.durationSec * 1.6) + 100
    let pending = await app.call<string[]>('pendingUserIds')
    if (pending.length < needed) {
      const t0 = performance.now()
      await app.call('seedInvitations', needed - pending.length, 'bench-seed')
      ctx.log(
        `seeded ${needed - pending.length} invitations through the service in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      )
      pending = await app.call<string[]>('pendingUserIds')
    }
    // Every invitation (including the ones the previous run renewed) is now past its deadline.
    await app.call('advanceClock', ttlMs + 1000)
    if (!run.warmup)
      ctx.log(
        `send-new-invite: ${pending.length} expired invitations to renew (${needed} wanted for this run)`,
      )
    let next = 0
    return {
      server: app,
      expectStatus: 200,
      requests: [
        {
          method: 'POST',
          path: `/public/v1/accounts/${accountId}/users/${pending[0]}/send-new-invite`,
          headers: bearer(app),
          setupRequest: (request) => {
            const userId = pending[next % pending.length]
            next += 1
            return {
              ...request,
              path: `/public/v1/accounts/${accountId}/users/${userId}/send-new-invite`,
            }
          },
        },
      ],
    }
  },
  notes: [
    'send-new-invite: before each run the server clock jumps past INVITATION_TTL, so every pending invitation reads',
    '  InvitationExpired; each request renews a different one (POST, no body; pool topped up through the service).',
  ],
}

/** The issue #3 request: Invited members with an @example.com address, newest first, a page of 10. */
export const LIST_QUERY =
  'and(eq(invitation.status,Invited),ilike(user.email,*@example.com))&order=-audit.created.at&limit=10'
export const LIST_PATH = `/public/v1/accounts/account-users?${LIST_QUERY}`
/** The same, scoped to one of the dataset's three accounts (the account-context family). */
export const LIST_ACCOUNT_PATH = `/public/v1/accounts/ACC-9000-0001/users?${LIST_QUERY}`

function listScenario(options: {
  name: string
  title: string
  count: number
  postgres?: boolean
  path: string
  target?: { minRatio: number }
  latencyTarget?: { maxOverRawMs: number }
  /** LIST_CACHE in the service child (default on, as deployed) */
  listCache?: boolean
}): Scenario {
  let database: Promise<ListDatabase> | undefined
  const ensure = (ctx: BenchContext) => {
    database ??= (async () => {
      const db = options.postgres
        ? await ensurePostgresListDatabase(process.env.BENCH_DATABASE_URL!, options.count, {
            reseed: ctx.options.reseed,
            log: ctx.log,
          })
        : await ensureSqliteListDatabase(options.count, {
            reseed: ctx.options.reseed,
            log: ctx.log,
          })
      ctx.log(
        `${options.name}: ${db.where}, ${db.count.toLocaleString('en')} account users${db.reused ? ` (cached; seeded in ${db.seedSeconds.toFixed(1)} s)` : ''}`,
      )
      return db
    })()
    return database
  }
  return {
    name: options.name,
    title: options.title,
    ...(options.target ? { target: options.target } : {}),
    ...(options.latencyTarget ? { latencyTarget: options.latencyTarget } : {}),
    pairedRaw: true,
    async setup(ctx) {
      const app = await ctx.listApp(await ensure(ctx), options.listCache ?? true)
      const response = await fetch(`${app.url}${options.path}`, { headers: bearer(app) })
      const body = (await response.json()) as {
        data?: unknown[]
        $meta?: { pagination?: { total?: number } }
      }
      if (response.status !== 200)
        throw new Error(`${options.name}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`)
      ctx.log(
        `${options.name}: ${body.data?.length} rows of total ${body.$meta?.pagination?.total}`,
      )
    },
    async prepare(ctx) {
      const app = await ctx.listApp(await ensure(ctx), options.listCache ?? true)
      // Wait out the requests the previous run left queued (at 1M rows a request takes ~0.3 s and
      // autocannon stops without waiting for them): one request answered = the server is idle.
      await (await fetch(`${app.url}${options.path}`, { headers: bearer(app) })).arrayBuffer()
      return {
        server: app,
        expectStatus: 200,
        requests: [{ method: 'GET', path: options.path, headers: bearer(app) }],
      }
    },
  }
}

const LIST_SCENARIOS: Scenario[] = [
  listScenario({
    name: 'list-10k',
    title: 'GET account-users RQL list, 10k rows, SQLite',
    count: 10_000,
    path: LIST_PATH,
    target: { minRatio: 0.4 },
  }),
  listScenario({
    name: 'list-10k-nocache',
    title: 'GET account-users RQL list, 10k rows, SQLite, LIST_CACHE=off',
    count: 10_000,
    path: LIST_PATH,
    listCache: false,
  }),
  // The latency targets compare the service's query path with the same SQL run directly, so the
  // cache (which would answer every request after the first from memory) is off for them.
  listScenario({
    name: 'list-1m',
    title: 'GET account-users RQL list, 1M rows, SQLite, LIST_CACHE=off',
    count: 1_000_000,
    path: LIST_PATH,
    latencyTarget: { maxOverRawMs: 5 },
    listCache: false,
  }),
  listScenario({
    name: 'list-1m-acc',
    title: 'GET {ACC}/users RQL list, 1M rows, SQLite, LIST_CACHE=off',
    count: 1_000_000,
    path: LIST_ACCOUNT_PATH,
    latencyTarget: { maxOverRawMs: 5 },
    listCache: false,
  }),
  ...(process.env.BENCH_DATABASE_URL
    ? [
        listScenario({
          name: 'list-10k-pg',
          title: 'GET account-users RQL list, 10k rows, PostgreSQL',
          count: 10_000,
          postgres: true,
          path: LIST_PATH,
          target: { minRatio: 0.4 },
        }),
        listScenario({
          name: 'list-10k-pg-nocache',
          title: 'GET account-users RQL list, 10k rows, PostgreSQL, LIST_CACHE=off',
          count: 10_000,
          postgres: true,
          path: LIST_PATH,
          listCache: false,
        }),
        listScenario({
          name: 'list-1m-pg',
          title: 'GET account-users RQL list, 1M rows, PostgreSQL, LIST_CACHE=off',
          count: 1_000_000,
          postgres: true,
          path: LIST_PATH,
          latencyTarget: { maxOverRawMs: 5 },
          listCache: false,
        }),
        listScenario({
          name: 'list-1m-pg-acc',
          title: 'GET {ACC}/users RQL list, 1M rows, PostgreSQL, LIST_CACHE=off',
          count: 1_000_000,
          postgres: true,
          path: LIST_ACCOUNT_PATH,
          latencyTarget: { maxOverRawMs: 5 },
          listCache: false,
        }),
      ]
    : []),
]
for (const s of LIST_SCENARIOS) s.notes = []
LIST_SCENARIOS[0]!.notes = [
  `list-*: GET ${LIST_PATH} (Operations token; -acc: ${LIST_ACCOUNT_PATH.split('?')[0]}), a seeded dataset`,
  '  (test/support/account-user-dataset.ts, cached in .bench/ or <db>_bench_<count>): 1 in 20 rows match. p50@1/p99@1:',
  '  HTTP from 1 keep-alive connection (no queueing), alternating request by request with raw SQL: the count + page',
  '  the service issued (captured from its own list()), run directly on the database in the service process on a',
  '  connection of its own, as the service runs them (SQLite: one after the other; PostgreSQL: concurrently on two',
  '  connections). Same number of samples each, for twice the run duration. Δp99 = p99@1 − raw p99.',
]

/**
 * Issue #14: the console's Users page of an account with 10,000 account users, beside the same
 * list through the API (the page's own RQL: its default filter, sort and page of 25), measured in
 * the same run on one service child with LIST_CACHE=off, so both take the query path (the API's
 * repeated list would otherwise be answered from the list cache, which the page does not use).
 */
const CONSOLE_ACCOUNT = 'ACC-9000-0001'
const CONSOLE_API_PATH = `/public/v1/accounts/${CONSOLE_ACCOUNT}/users?${toRql(readUsersQuery({}))}`
const CONSOLE_PAGE_PATH = `/console/accounts/${CONSOLE_ACCOUNT}/users`
let consoleDatabase: Promise<ListDatabase> | undefined
let consoleFixture: Promise<{ cookie: string; token: string }> | undefined
async function consoleApp(ctx: BenchContext) {
  consoleDatabase ??= ensureSqliteListDatabase(30_000, {
    reseed: ctx.options.reseed,
    log: ctx.log,
  })
  const app = await ctx.listApp(await consoleDatabase, false)
  consoleFixture ??= app.call<{ cookie: string; token: string }>('consoleFixture', CONSOLE_ACCOUNT)
  return { app, fixture: await consoleFixture }
}
function consoleScenario(options: {
  name: string
  title: string
  path: string
  headers: (fixture: { cookie: string; token: string }) => Record<string, string>
  versus?: Scenario['versus']
  companions?: string[]
  notes?: string[]
}): Scenario {
  return {
    name: options.name,
    title: options.title,
    ...(options.versus ? { versus: options.versus } : {}),
    ...(options.companions ? { companions: options.companions } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
    async setup(ctx) {
      const { app, fixture } = await consoleApp(ctx)
      const response = await fetch(`${app.url}${options.path}`, {
        headers: options.headers(fixture),
      })
      const body = await response.text()
      if (response.status !== 200)
        throw new Error(`${options.name}: ${response.status} ${body.slice(0, 300)}`)
      ctx.log(`${options.name}: ${Buffer.byteLength(body)} bytes per answer`)
    },
    async prepare(ctx) {
      const { app, fixture } = await consoleApp(ctx)
      return {
        server: app,
        expectStatus: 200,
        requests: [{ method: 'GET', path: options.path, headers: options.headers(fixture) }],
      }
    },
  }
}
const CONSOLE_SCENARIOS: Scenario[] = [
  consoleScenario({
    name: 'console-users-api',
    title: 'GET {ACC}/users, 10k-user account, the Users page query (API token)',
    path: CONSOLE_API_PATH,
    headers: (f) => ({ authorization: `Bearer ${f.token}` }),
    companions: ['console-users'],
  }),
  consoleScenario({
    name: 'console-users',
    title: 'GET /console/accounts/{ACC}/users, 10k-user account (signed in)',
    path: CONSOLE_PAGE_PATH,
    headers: (f) => ({ cookie: f.cookie }),
    versus: { scenario: 'console-users-api', minRatio: 0.5 },
    companions: ['console-users-api'],
    notes: [
      `console-users: the Users page (${CONSOLE_PAGE_PATH}, a session cookie) vs console-users-api, the same list through`,
      `  the API (${CONSOLE_API_PATH.split('?')[0]}?${CONSOLE_API_PATH.split('?')[1]}, a token of the account),`,
      '  one service child on .bench/list-30000.db (10,000 account users in that account), LIST_CACHE=off for both.',
    ],
  }),
]

const abuse: Scenario = {
  name: 'abuse',
  title:
    'issue #12: 60 × 11 MB bodies + 200 bogus accepts; /healthz, accept and set-password quiet vs attacked',
  custom: (ctx) => runAbuse(ctx.log),
}

const webhooks: Scenario = {
  name: 'webhooks',
  title: 'issue #15: invite burst with a webhook endpoint registered vs without (target ≥ 0.80)',
  custom: (ctx) => runWebhooks(ctx.options, ctx.log),
}

const sweep1m: Scenario = {
  name: 'sweep-1m',
  title:
    'issue #17: the expiry sweep, 100k due of 1M account users, beside its floor, alone and under reads (SQLite; PostgreSQL with BENCH_DATABASE_URL)',
  custom: (ctx) => runSweep(ctx.log, { reseed: ctx.options.reseed }),
}

export const SCENARIOS: Scenario[] = [
  bare,
  invite,
  sendNewInvite,
  ...LIST_SCENARIOS,
  ...CONSOLE_SCENARIOS,
  abuse,
  webhooks,
  sweep1m,
]
