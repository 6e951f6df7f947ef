/**
 * The real service, wired the way src/main.ts does it, as a child of bench/run.ts:
 * SQLite FILE database in a temp folder (WAL, as connectDatabase sets it), migrations, first
 * start with a fixed bootstrap token, logger off, listening on 127.0.0.1 and an ephemeral port.
 * Differences from main.ts, on purpose:
 *  - the clock is a ControllableClock the parent can move forward (to expire invitations);
 *  - no scheduler: neither the expiry sweep nor the email dispatcher runs, so queued
 *    invitation emails just accumulate in email_outbox;
 *  - SECRET_KEY is fixed instead of generated into <dataDir>/secret.key.
 * For the RQL list scenarios the parent passes BENCH_APP_DATABASE_URL (a cached, seeded SQLite
 * file or PostgreSQL database, see bench/list-data.ts) and BENCH_CLOCK_AT (the dataset's seed
 * instant: the clock starts there and runs in real time).
 */
import crypto from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompiledQuery, sql } from 'kysely'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { connectDatabase } from '../src/db/connect.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { ensureFirstStart } from '../src/first-start.js'
import { expireInvitations } from '../src/jobs/expire-invitations.js'
import { createServices } from '../src/services.js'
import { drainOutbox } from '../src/jobs/jobs.js'
import { startScheduler } from '../src/jobs/scheduler.js'
import { createWebhookDispatcher } from '../src/webhooks/webhook-dispatcher.js'
import { startThreadedSender } from '../src/webhooks/webhook-sender-thread.js'
import { ControllableClock } from './controllable-clock.js'
import { serveCalls } from './protocol.js'
import { captureListSql, openRawRunner, type CapturedQuery, type RawSample } from './list-sql.js'
import { installSqlTiming, takeSqlStats } from './sql-timing.js'
import { startCpuProfile, stopCpuProfile } from './cpu-profile.js'
import { installCommitCounter, takeCommitCounts } from './commit-counter.js'
import { hashPassword } from '../src/lib/secrets.js'
import { insertWithUniqueId } from '../src/lib/ids.js'

if (process.env.BENCH_SQL_TIMING === '1') installSqlTiming()
installCommitCounter()

/**
 * Time spent in scrypt (password hashing and checking, on the libuv pool): the accept of a new
 * user reports its hashing share from it. Wraps node:crypto's scrypt for the whole process.
 */
let scryptMs = 0
let scryptCalls = 0
{
  const original = crypto.scrypt
  crypto.scrypt = ((...args: unknown[]) => {
    const callback = args.pop() as (error: Error | null, key: Buffer) => void
    const t0 = performance.now()
    ;(original as (...a: unknown[]) => void)(...args, (error: Error | null, key: Buffer) => {
      scryptMs += performance.now() - t0
      scryptCalls += 1
      callback(error, key)
    })
  }) as typeof crypto.scrypt
  syncBuiltinESMExports()
}

const BENCH_TOKEN = 'idt:TKN-0000-0001:bench-operations-secret-0123456789'

const dataDir = mkdtempSync(join(tmpdir(), 'accounts-bench-'))
const keepData = process.env.BENCH_KEEP_DATA === '1'
// Also on a crash during start-up (e.g. the working tree does not compile): no temp folders left behind.
process.on('exit', () => {
  if (!keepData) rmSync(dataDir, { recursive: true, force: true })
})
const config = Object.freeze({
  ...loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.BENCH_APP_DATABASE_URL || join(dataDir, 'accounts.db'),
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://portal.bench',
    LOG_LEVEL: 'silent',
    INVITATION_TTL: process.env.BENCH_INVITATION_TTL ?? '1h',
    BOOTSTRAP_TOKEN: BENCH_TOKEN,
    LIST_CACHE: process.env.BENCH_LIST_CACHE ?? 'on',
    RATE_LIMIT: process.env.BENCH_RATE_LIMIT ?? 'on',
    // The webhook scenario: its receiver listens on loopback.
    ...(process.env.BENCH_WEBHOOKS === '1' ? { WEBHOOK_ALLOW_NETWORKS: '127.0.0.0/8' } : {}),
    // Only the abuse scenario sends failures; the throughput scenarios expect none.
    FAILURE_DELAY_MS: process.env.BENCH_FAILURE_DELAY_MS ?? '1000',
  }),
  secretKey: 'bench-secret-key-bench-secret-key-0123456789',
})

const database = connectDatabase(config.database)
await migrateToLatest(database.db)
await database.optimize() // as src/main.ts does at start
const clock = new ControllableClock()
if (process.env.BENCH_CLOCK_AT) clock.advance(Date.parse(process.env.BENCH_CLOCK_AT) - Date.now())
const services = createServices({ database, clock, config })
const app = await buildApp({ config, services, logger: false })
const first = await ensureFirstStart(
  { db: database.db, dialect: database.dialect, clock },
  { bootstrapToken: config.bootstrapToken },
)
// The webhook scenario (issue #15): this node delivers the webhook queue as src/main.ts does, so
// the deliveries' cost lands in the same process as the invites being measured.
const webhookDispatcher =
  process.env.BENCH_WEBHOOKS === '1'
    ? createWebhookDispatcher({
        db: database.db,
        box: services.box,
        clock,
        logger: { info() {}, warn() {}, error() {} },
        templates: services.templates,
        send: startThreadedSender({
          policy: services.webhookAddressOptions,
          timeoutMs: config.webhookTimeoutMs,
          userAgent: 'bench webhooks',
        }).send,
        config,
      })
    : undefined
/** `pauseWebhooks`: the queue is written, not delivered (the webhook scenario's third kind of round) */
let webhooksPaused = false
const webhookJobs = webhookDispatcher
  ? startScheduler(
      [
        {
          name: 'dispatch-webhooks',
          intervalMs: config.webhookPollIntervalMs,
          run: () => (webhooksPaused ? Promise.resolve(0) : drainOutbox(webhookDispatcher)),
        },
      ],
      { info() {}, warn() {}, error() {} },
    )
  : undefined
const actor = await services.authenticator.authenticate(BENCH_TOKEN)
if (!actor) throw new Error('the bootstrap token does not authenticate')

let seeded = 0
let requestsServed = 0
/**
 * Requests being handled, and when one last started or ended. When autocannon ends a run it closes
 * its sockets, but requests it had sent are still queued in this process (a 1M-row list takes
 * 300 ms each, one after the other on SQLite): measured, they landed in the next 1-connection run
 * as its p99 (2–4× the p50). `idle` lets the parent wait for them before the next run starts.
 */
let inFlight = 0
let lastActivity = 0
const counted = new WeakSet<object>()
/** onRequest → onResponse of every request (ms), for the paired runs' decomposition of HTTP time */
const started = new WeakMap<object, number>()
let serverMs: number[] = []
app.addHook('onRequest', async (request) => {
  started.set(request, performance.now())
})
app.addHook('onResponse', async (request) => {
  const at = started.get(request)
  if (at !== undefined) serverMs.push(performance.now() - at)
})
app.addHook('preHandler', async (request) => {
  counted.add(request)
  inFlight += 1
  lastActivity = performance.now()
})
app.addHook('onSend', async (request) => {
  if (counted.delete(request)) inFlight -= 1
  lastActivity = performance.now()
})
if (process.env.BENCH_SQL_TIMING === '1') {
  app.addHook('onResponse', async () => {
    requestsServed += 1
  })
}

/** `/public/v1/accounts/account-users?…` (legacy family) or `/public/v1/accounts/{ACC}/users?…` (scoped). */
function listInput(path: string) {
  const at = path.indexOf('?')
  const route = at === -1 ? path : path.slice(0, at)
  const rawQuery = at === -1 ? '' : path.slice(at + 1)
  if (route === '/public/v1/accounts/account-users')
    return { actor: actor!, family: 'legacy' as const, rawQuery }
  const scoped = /^\/public\/v1\/accounts\/(?:accounts\/)?([^/]+)\/users$/.exec(route)
  if (!scoped) throw new Error(`not a list path: ${path}`)
  return { actor: actor!, family: 'account' as const, accountId: scoped[1]!, rawQuery }
}
const captured = new Map<string, CapturedQuery[]>()
const rawRunners = new Map<string, ReturnType<typeof openRawRunner>>()
async function listSql(path: string) {
  let queries = captured.get(path)
  if (!queries) {
    queries = await captureListSql(services, database.dialect, listInput(path))
    captured.set(path, queries)
  }
  return queries
}

/** The code of the newest invitation email queued for `to` (the emailed link: with the mailbox proof). */
async function emailedCode(to: string): Promise<string> {
  const rows = await database.db
    .selectFrom('email_outbox')
    .select('payload')
    .where('kind', '=', 'invitation')
    .orderBy('id', 'desc')
    .limit(50)
    .execute()
  for (const row of rows) {
    const email = JSON.parse(services.box.open(row.payload)) as { to: string; text: string }
    const match = /accept-invite\?code=([A-Za-z0-9_%=-]+)/.exec(email.text)
    if (email.to === to && match) return decodeURIComponent(match[1]!)
  }
  throw new Error(`no invitation email for ${to}`)
}

let accountsSeeded = 0
/** A Client account with a group, created directly in the database. */
async function seedAccount(): Promise<{ accountId: string; groupId: string }> {
  accountsSeeded += 1
  const at = new Date().toISOString()
  const accountId = `ACC-8${String(accountsSeeded).padStart(3, '0')}-0001`
  const groupId = `UGR-8${String(accountsSeeded).padStart(3, '0')}-0001`
  await database.db
    .insertInto('accounts')
    .values({
      id: accountId,
      name: `Bench ${accountsSeeded}`,
      type: 'Client',
      status: 'Active',
      icon: null,
      external_id: null,
      external_name: null,
      external_ids: null,
      service_level: 'Express',
      address: null,
      technical_support_email: null,
      website: null,
      description: null,
      eligibility: null,
      created_at: at,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  await database.db
    .insertInto('user_groups')
    .values({
      id: groupId,
      account_id: accountId,
      name: 'Members',
      description: null,
      logo: null,
      is_default: 1,
      all_buyers: 1,
      created_at: at,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  return { accountId, groupId }
}

/** Runs `work` over `items`, `concurrency` at a time (so that seeding batches its commits). */
async function inBatches<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>) {
  const out: R[] = []
  for (let i = 0; i < items.length; i += concurrency)
    out.push(...(await Promise.all(items.slice(i, i + concurrency).map(work))))
  return out
}

let lastOutboxId = 0
/**
 * The emailed link's code of every invitation email queued since the previous call, by address:
 * what each invitee finds in their mailbox (the outbox is not drained here).
 */
async function takeEmailedCodes(): Promise<Map<string, string>> {
  const rows = await database.db
    .selectFrom('email_outbox')
    .select(['id', 'payload'])
    .where('kind', '=', 'invitation')
    .where('id', '>', lastOutboxId)
    .orderBy('id')
    .execute()
  const codes = new Map<string, string>()
  for (const row of rows) {
    lastOutboxId = Math.max(lastOutboxId, Number(row.id))
    const email = JSON.parse(services.box.open(row.payload)) as { to: string; text: string }
    const match = /accept-invite\?code=([A-Za-z0-9_%=-]+)/.exec(email.text)
    if (match) codes.set(email.to, decodeURIComponent(match[1]!))
  }
  return codes
}

let registeredPasswordHash: Promise<string> | undefined
/** People who registered before (a password of their own), created directly: `count` users. */
async function insertRegisteredUsers(prefix: string, count: number): Promise<string[]> {
  registeredPasswordHash ??= hashPassword('Bench-password-0123456789!')
  const passwordHash = await registeredPasswordHash
  const at = clock.now().toISOString()
  const emails: string[] = []
  await database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i++) {
      seeded += 1
      const email = `${prefix}-${seeded}@example.com`
      emails.push(email)
      await insertWithUniqueId('user', async (id) => {
        const row = await trx
          .insertInto('users')
          .values({
            id,
            email,
            email_key: email,
            first_name: 'Grace',
            last_name: 'Hopper',
            phone_prefix: null,
            phone_number: null,
            icon: null,
            status: 'Active',
            status_before_block: null,
            password_hash: passwordHash,
            settings: null,
            last_login_at: null,
            invitation_accepted_at: at,
            created_at: at,
            created_by: null,
            updated_at: null,
            updated_by: null,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst()
        return row !== undefined
      })
    }
  })
  return emails
}

serveCalls({
  /** Starts a CPU profile of this process (bench/cpu-profile.ts). */
  profileStart: () => startCpuProfile(),
  /** Stops it: the file written, and the process's CPU time meanwhile (every thread). */
  profileStop: (label: string) => stopCpuProfile(label),
  /** This process's CPU time so far (µs, every thread). */
  cpuUsage: () => process.cpuUsage(),
  /** Group-commit batching since the previous call (bench/commit-counter.ts). */
  commitCounts: () => takeCommitCounts(),
  /** Time spent in scrypt since the previous call: total ms (from call to callback) and calls. */
  takeScrypt() {
    const taken = { ms: scryptMs, calls: scryptCalls }
    scryptMs = 0
    scryptCalls = 0
    return taken
  },
  /**
   * A Client account of its own with `count` people invited into it (all Invited) through the
   * service: the list scenarios' "10 Invited of an account".
   */
  async seedListAccount(count: number) {
    const { accountId, groupId } = await seedAccount()
    const emails = Array.from({ length: count }, () => `list-${(seeded += 1)}@example.com`)
    await inBatches(emails, 8, (email) =>
      services.invitations.invite({
        actor,
        accountId,
        user: { email, firstName: 'Ada', lastName: 'Lovelace' },
        groups: [{ id: groupId }],
        invitation: { status: 'Invited' },
      }),
    )
    return accountId
  },
  /**
   * `count` pending invitations into the Operations account and what each invitee holds: the
   * account-user path and the code of the emailed link (with the mailbox proof). `registered`:
   * people who already have a password (their accept hashes nothing); otherwise new people
   * (their accept sets a password: one scrypt).
   */
  async acceptPool(count: number, registered: boolean) {
    const emails = registered
      ? await insertRegisteredUsers('accept-registered', count)
      : Array.from({ length: count }, () => `accept-new-${(seeded += 1)}@example.com`)
    const views = await inBatches(emails, 8, (email) =>
      services.invitations.invite({
        actor,
        accountId: first.operationsAccountId,
        user: { email, firstName: 'Ada', lastName: 'Lovelace' },
        groups: [{ id: first.defaultGroupId }],
        invitation: { status: 'Invited' },
      }),
    )
    const codes = await takeEmailedCodes()
    return views.map((view) => {
      const code = codes.get(view.user.email)
      if (!code) throw new Error(`no invitation email for ${view.user.email}`)
      return {
        path: `/public/v1/accounts/accounts/${first.operationsAccountId}/users/${view.user.id}/accept-invite`,
        code,
      }
    })
  },
  /** The SQL the service issues for a list request (count, page, the rest), captured from its own code path. */
  listSql,
  /**
   * One execution of the list request's count + page directly on the database, on a connection
   * kept open for the path (so it warms up as the service's does): the runner interleaves these
   * with HTTP requests, so both see the same machine.
   */
  async rawOnce(path: string): Promise<RawSample> {
    let runner = rawRunners.get(path)
    if (!runner) {
      runner = openRawRunner(config.database, await listSql(path))
      rawRunners.set(path, runner)
    }
    return (await runner).once()
  },
  /** The query plan of the list request's count and page (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE). */
  async explain(path: string) {
    const out: string[] = []
    for (const q of (await listSql(path)).filter((x) => x.role !== 'other')) {
      const prefix =
        database.dialect === 'sqlite'
          ? 'EXPLAIN QUERY PLAN '
          : 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) '
      const result = await database.db.executeQuery(CompiledQuery.raw(prefix + q.sql, q.parameters))
      const rows = result.rows as Array<Record<string, unknown>>
      out.push(`-- ${q.role}: ${q.sql}`, `   parameters: ${JSON.stringify(q.parameters)}`)
      if (database.dialect === 'postgres')
        out.push(...rows.map((r) => `   ${String(r['QUERY PLAN'])}`))
      else {
        const depth = new Map<number, number>([[0, 0]])
        for (const r of rows) {
          const d = (depth.get(Number(r.parent)) ?? 0) + 1
          depth.set(Number(r.id), d)
          out.push(`${'  '.repeat(d)} ${String(r.detail)}`)
        }
      }
    }
    return out.join('\n')
  },
  /**
   * Resolves once no request has started or ended for `quietMs`, waiting at least that long:
   * requests of closed connections still in the accept queue or socket buffers start only when the
   * event loop gets to them, possibly in the same turn as this call. Gives up after `maxMs`.
   */
  async idle(quietMs = 200, maxMs = 30_000) {
    const start = performance.now()
    const quiet = () => performance.now() - Math.max(start, lastActivity) >= quietMs
    while ((inFlight > 0 || !quiet()) && performance.now() - start < maxMs)
      await new Promise((resolve) => setTimeout(resolve, 10))
    return { waitedMs: performance.now() - start, inFlight }
  },
  /** Moves the service's clock forward by `ms`. */
  advanceClock(ms: number) {
    clock.advance(ms)
    return clock.offset
  },
  /** Invites `count` new users into the Operations account through the service (no HTTP). */
  async seedInvitations(count: number, prefix: string) {
    for (let i = 0; i < count; i++) {
      seeded += 1
      await services.invitations.invite({
        actor,
        accountId: first.operationsAccountId,
        user: { email: `${prefix}-${seeded}@example.com`, firstName: 'Ada', lastName: 'Lovelace' },
        groups: [{ id: first.defaultGroupId }],
        invitation: { status: 'Invited' },
      })
    }
    return seeded
  },
  /**
   * Invites `count` new people into the Operations account through the service and returns what
   * their invitee would hold: the account-user path and the code of the emailed link (read from
   * the outbox, which no dispatcher drains here), plus the copied link's code.
   */
  async inviteForAccept(count: number, prefix: string) {
    const out: Array<{
      path: string
      code: string
      copiedCode: string
      userId: string
      accountUserId: string
    }> = []
    for (let i = 0; i < count; i++) {
      seeded += 1
      const email = `${prefix}-${seeded}@example.com`
      const view = await services.invitations.invite({
        actor,
        accountId: first.operationsAccountId,
        user: { email, firstName: 'Ada', lastName: 'Lovelace' },
        groups: [{ id: first.defaultGroupId }],
        invitation: { status: 'Invited' },
      })
      out.push({
        path: `/public/v1/accounts/accounts/${first.operationsAccountId}/users/${view.user.id}`,
        code: await emailedCode(email),
        copiedCode: new URL(view.invitationUrl!).searchParams.get('code')!,
        userId: view.user.id,
        accountUserId: view.id,
      })
    }
    return out
  },
  /**
   * People who registered elsewhere (a password of their own), invited into the Operations account:
   * their accept through a copied link checks that password (scrypt, like set-password).
   */
  async registeredForConfirm(count: number, prefix: string, password: string) {
    const out: Array<{ path: string; copiedCode: string; userId: string }> = []
    const elsewhere = await seedAccount()
    for (let i = 0; i < count; i++) {
      seeded += 1
      const email = `${prefix}-${seeded}@example.com`
      const there = await services.invitations.invite({
        actor,
        accountId: elsewhere.accountId,
        user: { email, firstName: 'Grace', lastName: 'Hopper' },
        groups: [{ id: elsewhere.groupId }],
        invitation: { status: 'Invited' },
      })
      await services.invitations.acceptInvite({
        key: { id: there.id },
        code: await emailedCode(email),
        password,
      })
      const here = await services.invitations.invite({
        actor,
        accountId: first.operationsAccountId,
        user: { email, firstName: 'Grace', lastName: 'Hopper' },
        groups: [{ id: first.defaultGroupId }],
        invitation: { status: 'Invited' },
      })
      out.push({
        path: `/public/v1/accounts/accounts/${first.operationsAccountId}/users/${here.user.id}`,
        copiedCode: new URL(here.invitationUrl!).searchParams.get('code')!,
        userId: here.user.id,
      })
    }
    return out
  },
  /**
   * A user setting their own password, through the service as a signed-in user would (no route
   * authenticates users yet; every API token is refused): the time of the call in ms.
   */
  async setOwnPassword(userId: string, password: string) {
    const self = {
      kind: 'User' as const,
      id: userId,
      name: 'Grace Hopper',
      icon: null,
      accountId: first.operationsAccountId,
      accountName: 'Operations',
      accountType: 'Operations' as const,
      modules: new Set<string>(),
    }
    const t0 = performance.now()
    await services.users.setPassword({ actor: self, id: userId, password })
    return performance.now() - t0
  },
  /**
   * The expiry sweep as the job runs it (src/jobs/jobs.ts), in this process beside the API, with
   * the service's clock: how many it expired and how long it took (ms).
   */
  async sweep() {
    const t0 = performance.now()
    const expired = await expireInvitations({ db: database.db, clock })
    return { expired, ms: performance.now() - t0 }
  },
  /** Resident set size of this process, in bytes. */
  rss() {
    return process.memoryUsage().rss
  },
  /** USR ids of the Operations account's members not yet Active (after a clock jump: all expired). */
  async pendingUserIds() {
    const rows = await database.db
      .selectFrom('account_users')
      .select('user_id')
      .where('account_id', '=', first.operationsAccountId)
      .where('status', '!=', 'Active')
      .orderBy('created_at')
      .execute()
    return rows.map((r) => r.user_id)
  },
  /** Server-side time (onRequest → onResponse, ms) of each request since the previous call. */
  takeServerMs() {
    const out = serverMs
    serverMs = []
    return out
  },
  /** SQL timings since the previous call (empty unless BENCH_SQL_TIMING=1), and the requests served meanwhile */
  takeSqlStats() {
    const served = requestsServed
    requestsServed = 0
    return { requests: served, statements: takeSqlStats() }
  },
  async stats() {
    const count = async (table: 'users' | 'account_users' | 'audit_events' | 'email_outbox') =>
      Number(
        (
          await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(
            database.db,
          )
        ).rows[0]!.n,
      )
    return {
      users: await count('users'),
      accountUsers: await count('account_users'),
      auditEvents: await count('audit_events'),
      emailOutbox: await count('email_outbox'),
      clockOffsetMs: clock.offset,
    }
  },
  /** Stops (true) or resumes (false) this node's delivery of the webhook queue. */
  pauseWebhooks(paused: boolean) {
    webhooksPaused = paused
    return paused
  },
  /** Webhook deliveries by status (the webhook scenario waits for the queue to drain). */
  async webhookDeliveries() {
    const rows = await database.db
      .selectFrom('webhook_deliveries')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute()
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
  },
  /**
   * The Users page scenario (issue #14): a person who may manage the account's users (a group
   * with Access Management), signed in (a session cookie), and an API token of the same account
   * with the same module, so page and API list as equals. The person is created once per
   * (cached) database; each call signs in afresh and makes a new token.
   */
  async consoleFixture(accountId: string) {
    const email = 'console.bench@example.com'
    const password = 'Bench#Passw0rd1'
    const known = await database.db
      .selectFrom('users')
      .select('id')
      .where('email_key', '=', email)
      .executeTakeFirst()
    if (!known) {
      const group = (await services.userGroups.create({
        actor: actor!,
        account: { id: accountId },
        name: 'Console bench',
        modules: [{ id: 'MOD-1756' }],
      })) as { id: string }
      const view = await services.invitations.invite({
        actor: actor!,
        accountId,
        user: { email, firstName: 'Bench', lastName: 'Administrator' },
        groups: [{ id: group.id }],
      })
      await services.invitations.acceptInvite({
        key: { id: view.id },
        code: await emailedCode(email),
        password,
      })
    }
    const { secret } = await services.sessions.signIn({
      email,
      password,
      client: { clientAddress: '127.0.0.1', userAgent: 'autocannon' },
    })
    const token = (await services.apiTokens.create({
      actor: actor!,
      account: { id: accountId },
      name: 'Console bench',
      modules: [{ id: 'MOD-1756' }],
    })) as { token: string }
    return { cookie: `accounts_session=${secret}`, token: token.token }
  },
  async stop() {
    await webhookJobs?.stop()
    for (const runner of rawRunners.values()) await (await runner).close()
    await app.close()
    await database.close()
    setImmediate(() => process.exit(0))
  },
})

await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
const port = typeof address === 'object' && address ? address.port : 0
process.send?.({
  type: 'ready',
  port,
  info: {
    operationsAccountId: first.operationsAccountId,
    defaultGroupId: first.defaultGroupId,
    token: BENCH_TOKEN,
    dataDir,
    database:
      config.database.dialect === 'sqlite'
        ? config.database.filename
        : config.database.connectionString.replace(/\/\/[^@/]*@/, '//'),
    invitationTtlMs: config.invitationTtlMs,
  },
})
