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
import type { ReplayResult } from './invite-floor.js'
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

/** How a service child differs from the default one (each variant is a child of its own). */
export interface ServiceVariant {
  /** LIST_CACHE (default on, as deployed) */
  listCache?: boolean
  /** RATE_LIMIT (default on, as deployed) */
  rateLimit?: boolean
  /** on a fresh PostgreSQL database (BENCH_DATABASE_URL's server) instead of a SQLite file */
  postgres?: boolean
}

export interface BenchContext {
  options: BenchOptions
  /** the real service (bench/app-server.ts), started on first use */
  app(): Promise<ServerChild>
  /** a service child with other settings (on its own database), started on first use */
  service(variant: ServiceVariant): Promise<ServerChild>
  /** the invite floor's child (bench/floor-server.ts) on its own database, started on first use */
  floor(dialect: 'sqlite' | 'postgres'): Promise<ServerChild>
  /** what a scenario's afterRun leaves for a later one of the same round (e.g. the invite batching) */
  shared: Map<string, unknown>
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

/** A run that is not HTTP load (a raw SQL replay): the scenario measures itself. */
export interface DirectRun {
  total: number
  durationSec: number
  p50: number
  p99: number
  /** one line on what was run (printed once per round) */
  detail?: string
}

export interface Scenario {
  name: string
  title: string
  /** the scenario every other is divided by; always measured */
  baseline?: boolean
  /**
   * pass/fail line: this scenario's req/s must be at least `minRatio` × the baseline's, or × the
   * req/s of the scenario named by `of` (measured in the same run: it is always selected too)
   */
  target?: { minRatio: number; of?: string }
  /** a line comparing this scenario's req/s and p99 with the scenario named (no pass/fail) */
  versus?: string
  /** measured itself instead of by autocannon (no `prepare`): on `server`, by `run` */
  direct?: {
    server(ctx: BenchContext): Promise<ServerChild>
    run(ctx: BenchContext, run: { durationSec: number; warmup: boolean }): Promise<DirectRun>
  }
  /** after each run (warm-up included), e.g. to read what the service child counted meanwhile */
  afterRun?(ctx: BenchContext, run: { warmup: boolean; total: number }): Promise<void>
  /** lines under the table, computed after the last round */
  report?(ctx: BenchContext): Promise<string[]>
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

/** The invite request of a run: a new person per request into the Operations account. */
function inviteRequests(app: ServerChild): autocannon.Request[] {
  const path = `/public/v1/accounts/${String(app.info.operationsAccountId)}/users`
  const groupId = String(app.info.defaultGroupId)
  return [
    {
      method: 'POST',
      path,
      headers: { ...bearer(app), 'content-type': 'application/json' },
      setupRequest: (request) => {
        emailCounter += 1
        return { ...request, body: inviteJson(`bench-${emailCounter}@example.com`, groupId) }
      },
    },
  ]
}

const invite: Scenario = {
  name: 'invite',
  title: 'POST /public/v1/accounts/{ACC}/users (invite)',
  // Issue #18: at least half of what SQLite allows for the same statements, durability and
  // batching (the invite-floor scenario, measured right after it in every round).
  target: { minRatio: 0.5, of: 'invite-floor' },
  async prepare(ctx) {
    const app = await ctx.app()
    await app.call('commitCounts') // drop what happened before this run
    return { server: app, expectStatus: 201, requests: inviteRequests(app) }
  },
  async afterRun(ctx) {
    const { commits, transactions } = await (
      await ctx.app()
    ).call<{ commits: number; transactions: number }>('commitCounts')
    if (commits > 0) ctx.shared.set('invite.batching', { commits, transactions })
  },
  notes: [
    'invite: a new user per request (bench-<n>@example.com) into the Operations account, its default group.',
  ],
}

const inviteFloor: Scenario = {
  name: 'invite-floor',
  title: "raw SQL of one invite, replayed at the service's batching (SQLite)",
  direct: {
    server: (ctx) => ctx.floor('sqlite'),
    async run(ctx, run) {
      const floor = await ctx.floor('sqlite')
      const batching = ctx.shared.get('invite.batching') as
        { commits: number; transactions: number } | undefined
      const mean = batching ? batching.transactions / batching.commits : 1
      const r = await floor.call<ReplayResult>('replay', run.durationSec, mean)
      return {
        total: r.invites,
        durationSec: r.seconds,
        p50: r.p50,
        p99: r.p99,
        detail: `${mean.toFixed(2)} invites per COMMIT (the service's ${batching ? `${batching.transactions} transactions in ${batching.commits} commits in the invite run before` : 'batching is unknown: 1'}); per invite ${r.statementsUs!.toFixed(0)} µs statements + ${r.commitUs!.toFixed(0)} µs COMMIT`,
      }
    },
  },
  notes: [
    'invite-floor: the statements one invite of the service issues (captured from its own code), replayed raw',
    '  (prepared better-sqlite3, fresh ids, no HTTP/validation/query building) on a SQLite file opened as the service',
    "  opens its own (WAL, synchronous NORMAL), as many per COMMIT as the service's group commit put in one during the",
    "  invite run just before (bench/invite-floor.ts, bench/floor-server.ts); p50/p99: one invite's share of its transaction.",
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
  target?: Scenario['target']
  notes?: string[]
}): Scenario {
  return {
    name: options.name,
    title: options.title,
    ...(options.target ? { target: options.target } : {}),
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

/** Issue #18's list: 10 Invited members of one account, newest first (200 Invited in it). */
export const INVITED_QUERY = 'eq(invitation.status,Invited)&order=-audit.created.at&limit=10'
const INVITED_MEMBERS = 200

function invitedListScenario(options: {
  name: string
  title: string
  variant: ServiceVariant
  target?: { minRatio: number }
}): Scenario {
  const accounts = new Map<ServerChild, Promise<string>>()
  const accountOf = (app: ServerChild) => {
    let account = accounts.get(app)
    if (!account) {
      account = app.call<string>('seedListAccount', INVITED_MEMBERS)
      accounts.set(app, account)
    }
    return account
  }
  return {
    name: options.name,
    title: options.title,
    ...(options.target ? { target: options.target } : {}),
    async prepare(ctx) {
      const app = await ctx.service(options.variant)
      const path = `/public/v1/accounts/${await accountOf(app)}/users?${INVITED_QUERY}`
      return {
        server: app,
        expectStatus: 200,
        requests: [{ method: 'GET', path, headers: bearer(app) }],
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
  }),
  consoleScenario({
    name: 'console-users',
    title: 'GET /console/accounts/{ACC}/users, 10k-user account (signed in)',
    path: CONSOLE_PAGE_PATH,
    headers: (f) => ({ cookie: f.cookie }),
    target: { minRatio: 0.5, of: 'console-users-api' },
    notes: [
      `console-users: the Users page (${CONSOLE_PAGE_PATH}, a session cookie) vs console-users-api, the same list through`,
      `  the API (${CONSOLE_API_PATH.split('?')[0]}?${CONSOLE_API_PATH.split('?')[1]}, a token of the account),`,
      '  one service child on .bench/list-30000.db (10,000 account users in that account), LIST_CACHE=off for both.',
    ],
  }),
]

const INVITED_LIST_SCENARIOS: Scenario[] = [
  invitedListScenario({
    name: 'list-invited',
    title: 'GET {ACC}/users, 10 Invited of an account (LIST_CACHE on)',
    variant: {},
  }),
  invitedListScenario({
    name: 'list-invited-nocache',
    title: 'GET {ACC}/users, 10 Invited of an account, LIST_CACHE=off',
    variant: { listCache: false },
    target: { minRatio: 0.1 },
  }),
]
INVITED_LIST_SCENARIOS[0]!.notes = [
  `list-invited*: GET /public/v1/accounts/{ACC}/users?${INVITED_QUERY} (Operations token) on a Client account`,
  `  with ${INVITED_MEMBERS} Invited members (invited through the service); -nocache: a service child with LIST_CACHE=off.`,
]

/**
 * Accepts with the emailed link's code, one invitation per request, from a pool invited before
 * each run (sized from the rate measured so far). `registered`: people who already have a
 * password (nothing is hashed); otherwise new people, who set one (one scrypt each).
 */
function acceptScenario(options: {
  name: string
  title: string
  registered: boolean
  variant: ServiceVariant
  target?: { minRatio: number }
  /** req/s to size the first pool by, before anything was measured */
  guessRate: number
}): Scenario {
  let cpuAtStart: { user: number; system: number } | undefined
  const totals = { runs: 0, accepts: 0, scryptMs: 0, scryptCalls: 0, cpuMs: 0, wallMs: 0 }
  let startedAt = 0
  return {
    name: options.name,
    title: options.title,
    ...(options.target ? { target: options.target } : {}),
    async prepare(ctx, run) {
      const app = await ctx.service(options.variant)
      const rate = ctx.lastRate(options.name) ?? options.guessRate
      const count = Math.ceil(rate * run.durationSec * 1.6) + 50
      const t0 = performance.now()
      const pool = await app.call<Array<{ path: string; code: string }>>(
        'acceptPool',
        count,
        options.registered,
      )
      if (!run.warmup)
        ctx.log(
          `${options.name}: ${count} invitations to accept (emailed codes), invited through the service in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        )
      await app.call('takeScrypt')
      cpuAtStart = await app.call<{ user: number; system: number }>('cpuUsage')
      startedAt = performance.now()
      let next = 0
      return {
        server: app,
        expectStatus: 200,
        requests: [
          {
            method: 'POST',
            path: pool[0]!.path,
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              const invitation = pool[next++]
              if (!invitation) throw new Error(`${options.name}: the pool of ${count} ran out`)
              return {
                ...request,
                path: invitation.path,
                body: JSON.stringify(
                  options.registered
                    ? { code: invitation.code }
                    : { code: invitation.code, password: 'Bench-Passw0rd-new!' },
                ),
              }
            },
          },
        ],
      }
    },
    async afterRun(ctx, run) {
      const app = await ctx.service(options.variant)
      const scrypt = await app.call<{ ms: number; calls: number }>('takeScrypt')
      const cpu = await app.call<{ user: number; system: number }>('cpuUsage')
      if (run.warmup || !cpuAtStart) return
      totals.runs += 1
      totals.accepts += run.total
      totals.scryptMs += scrypt.ms
      totals.scryptCalls += scrypt.calls
      totals.cpuMs += (cpu.user - cpuAtStart.user + cpu.system - cpuAtStart.system) / 1000
      totals.wallMs += performance.now() - startedAt
    },
    async report() {
      if (!totals.accepts) return []
      const perAccept = (ms: number) => (ms / totals.accepts).toFixed(2)
      return [
        `${options.name}: service process CPU ${perAccept(totals.cpuMs)} ms per accept (all threads)` +
          (totals.scryptCalls
            ? `; scrypt ${perAccept(totals.scryptMs)} ms per accept on the libuv pool (${totals.scryptCalls} hashes), ` +
              `${((totals.scryptMs / totals.cpuMs) * 100).toFixed(0)}% of that CPU: the hashing share. At ` +
              `PASSWORD_WORK_CONCURRENCY = 2 hashes at a time the ceiling is 2 × 1000 / ${(totals.scryptMs / totals.scryptCalls).toFixed(0)} ms ≈ ` +
              `${((2 * 1000) / (totals.scryptMs / totals.scryptCalls)).toFixed(0)} accepts/s on an idle machine.`
            : '; no password hashed.'),
      ]
    },
  }
}

const ACCEPT_SCENARIOS: Scenario[] = [
  acceptScenario({
    name: 'accept',
    title: 'POST …/users/{USR}/accept-invite, existing user, emailed code',
    registered: true,
    variant: { rateLimit: false },
    target: { minRatio: 0.05 },
    guessRate: 1500,
  }),
  acceptScenario({
    name: 'accept-new',
    title: 'POST …/users/{USR}/accept-invite, new user (sets a password: scrypt), emailed code',
    registered: false,
    variant: { rateLimit: false },
    guessRate: 60,
  }),
]
ACCEPT_SCENARIOS[0]!.notes = [
  'accept*: the invitee POSTs the code of the emailed link (with its mailbox proof) to accept-invite, one invitation per',
  '  request (a pool invited into the Operations account before each run); accept: people who already have a password',
  '  (nothing hashed); accept-new: new people, who choose a password (one scrypt each). Their service child runs with',
  '  RATE_LIMIT=off: accept-invite allows 30 per 10 minutes per client address, and every request here comes from',
  '  127.0.0.1 (the abuse scenario measures the limits).',
]

/** PostgreSQL, one node (BENCH_DATABASE_URL): invite and accept beside one invite's raw SQL. */
const PG_WRITE_SCENARIOS: Scenario[] = process.env.BENCH_DATABASE_URL
  ? [
      {
        name: 'invite-pg',
        title: 'POST {ACC}/users (invite), PostgreSQL, one node',
        versus: 'invite-raw-pg',
        async prepare(ctx) {
          const app = await ctx.service({ postgres: true, rateLimit: false })
          return { server: app, expectStatus: 201, requests: inviteRequests(app) }
        },
      },
      {
        name: 'invite-raw-pg',
        title: 'raw SQL of one invite replayed on the same PostgreSQL server',
        direct: {
          server: (ctx) => ctx.floor('postgres'),
          async run(ctx, run) {
            const floor = await ctx.floor('postgres')
            const r = await floor.call<ReplayResult>('replay', run.durationSec)
            return {
              total: r.invites,
              durationSec: r.seconds,
              p50: r.p50,
              p99: r.p99,
              detail: `${String(floor.info.statements)} statements in BEGIN … COMMIT, on ${ctx.options.connections} clients at once`,
            }
          },
        },
        notes: [
          'invite-raw-pg: the statements of one invite of the service (captured from its own code) replayed with fresh ids',
          "  on as many pg clients as autocannon's connections, each BEGIN; the statements; COMMIT, one invite after another;",
          '  p50/p99: one invite. The service child of invite-pg/accept-pg runs on a fresh database of the same server.',
        ],
      },
      {
        ...acceptScenario({
          name: 'accept-pg',
          title: 'POST …/accept-invite, existing user, emailed code, PostgreSQL, one node',
          registered: true,
          variant: { postgres: true, rateLimit: false },
          guessRate: 800,
        }),
        versus: 'invite-raw-pg',
      },
    ]
  : []

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
  inviteFloor,
  sendNewInvite,
  ...INVITED_LIST_SCENARIOS,
  ...ACCEPT_SCENARIOS,
  ...PG_WRITE_SCENARIOS,
  ...LIST_SCENARIOS,
  ...CONSOLE_SCENARIOS,
  abuse,
  webhooks,
  sweep1m,
]
