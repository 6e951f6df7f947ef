/**
 * `npm run soak` (issue #17): one PostgreSQL 15 and three API nodes (the production build, each its
 * own process, one SECRET_KEY, loopback ports) under a mixed load from a tiny round-robin client,
 * while the run SIGKILLs a node and starts it again, restarts PostgreSQL once, and fills one node's
 * connection pool with slow requests. Then it checks, from the database and the mail folders, that
 * nothing acknowledged was lost or doubled, every email went out exactly once, every expiry was
 * recorded once, every account user's state follows from its history, and no request got a 5xx
 * but the 503s of the database restart. See bench/README.md ("Soak").
 *
 *   npm run soak                      5 minutes
 *   npm run soak -- --seconds=30      the CI variant
 *   options: --minutes=N --seconds=N --workers=N --bulk=N --drain-seconds=N --base-port=N --no-build
 *   env: SOAK_DATABASE_URL (default postgres://postgres:postgres@127.0.0.1:5433/accounts_soak),
 *        SOAK_PG_CLUSTER (default "15 soak"; .ci/start-soak-postgres.sh creates it)
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseDatabaseUrl } from '../src/config.js'
import { connectDatabase } from '../src/db/connect.js'
import { seedAccountUsers } from '../test/support/account-user-dataset.js'
import { runChecks, pendingWork, type CheckResult } from './soak/checks.js'
import { createClient } from './soak/client.js'
import { createLedger } from './soak/ledger.js'
import { fillPool, runLoad, type LoadContext } from './soak/load.js'
import { createMailWatcher } from './soak/mailbox.js'
import {
  assertClusterExists,
  defineNodes,
  isReady,
  killNode,
  resetDatabase,
  restartCluster,
  sampleRss,
  sleep,
  startNode,
  stopNode,
  type ApiNode,
  type NodeSettings,
} from './soak/nodes.js'
import { answerChecks, latencyTable, phaseOf, PHASES, type Window } from './soak/report.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TOKEN = 'idt:TKN-0000-0001:soak-operations-secret-0123456789'
const TTL_MS = 20_000
const RSS_LIMIT_MB = 200
const POOL_SIZE = 10

function parseArgs(argv: string[]) {
  const flags = new Map<string, string>()
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!m) throw new Error(`unknown argument ${arg} (see the header of bench/soak.ts)`)
    flags.set(m[1]!, m[2] ?? 'true')
  }
  const known = ['minutes', 'seconds', 'workers', 'bulk', 'drain-seconds', 'base-port', 'no-build']
  for (const k of flags.keys())
    if (!known.includes(k)) throw new Error(`unknown option --${k}; known: ${known.join(', ')}`)
  const num = (key: string, fallback: number) => {
    const v = flags.get(key)
    if (v === undefined) return fallback
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} must be a positive number`)
    return n
  }
  const seconds = flags.has('seconds') ? num('seconds', 30) : num('minutes', 5) * 60
  return {
    seconds,
    workers: Math.round(num('workers', 8)),
    bulk: Math.round(num('bulk', seconds >= 120 ? 100_000 : 20_000)),
    drainSeconds: num('drain-seconds', 400),
    basePort: Math.round(num('base-port', 18710)),
    build: !flags.has('no-build'),
  }
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const databaseUrl =
    process.env.SOAK_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5433/accounts_soak'
  const cluster = process.env.SOAK_PG_CLUSTER ?? '15 soak'
  if (/\bmain$/.test(cluster))
    throw new Error('the soak restarts its cluster: never the shared 15 main')
  assertClusterExists(cluster, Number(new URL(databaseUrl).port || 5432))
  const say = (m: string) => process.stdout.write(`  · ${m}\n`)
  const workDir = `${ROOT}.bench/soak-${new Date().toISOString().replace(/[:.]/g, '-')}`
  mkdirSync(workDir, { recursive: true })
  process.stdout.write(
    `accounts-service soak — ${args.seconds} s, 3 nodes, ${args.workers} workers, INVITATION_TTL 20s, PostgreSQL cluster "${cluster}", files in ${workDir.slice(ROOT.length)}\n`,
  )
  if (args.build) {
    say('building (npm run build): the nodes run dist/main.js, as deployed')
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' })
  }
  await resetDatabase(databaseUrl)
  const settings: NodeSettings = {
    root: ROOT,
    databaseUrl,
    workDir,
    secretKey: 'soak-secret-key-soak-secret-key-0123456789',
    bootstrapToken: TOKEN,
    env: {
      INVITATION_TTL: '20s',
      PUBLIC_URL: 'http://soak.test',
      // The client stands in for the load balancer: each invitee accepts from its own address
      // (X-Forwarded-For), so the per-address limits stay on, at their defaults.
      TRUST_PROXY: '127.0.0.1',
      // As the Docker image sets it: glibc hands big blocks (scrypt's 16 MiB) back to the system
      // instead of keeping them in a per-thread arena (measured: RSS 250-340 → 130-200 MB).
      MALLOC_MMAP_THRESHOLD_: '131072',
      NODE_OPTIONS: '--max-semi-space-size=4 --max-old-space-size=96',
    },
  }
  const nodes = defineNodes(
    settings,
    [0, 1, 2].map((i) => args.basePort + i),
  )
  const rss = sampleRss(nodes)
  try {
    await startNode(nodes[0]!, settings)
    const { seconds: seeded, existing } = await seedBulk(databaseUrl, args.bulk)
    say(
      `node 1 up (migrated, first start: ${existing.length} account user(s) of its own, the first administrator); seeded ${args.bulk.toLocaleString('en')} account users for the slow lists in ${seeded.toFixed(1)} s`,
    )
    await Promise.all([startNode(nodes[1]!, settings), startNode(nodes[2]!, settings)])
    say(`nodes up on ports ${nodes.map((n) => n.port).join(', ')}`)
    const outcome = await soak(args, nodes, settings, cluster, say, existing)
    const failed = outcome.some((r) => r.failures.length > 0)
    process.stdout.write(`\n${failed ? 'SOAK FAILED' : 'SOAK PASSED'}\n`)
    process.exitCode = failed ? 1 : 0
  } finally {
    rss.stop()
    for (const node of nodes) if (node.child) await stopNode(node)
  }
}

/**
 * Seeds the bulk accounts straight into the database; returns how long it took and the account
 * users the service made at its first start (the first administrator, issue #14), which the
 * checks leave out: the load did not make them.
 */
async function seedBulk(
  databaseUrl: string,
  count: number,
): Promise<{ seconds: number; existing: string[] }> {
  const t0 = performance.now()
  const database = connectDatabase(parseDatabaseUrl(databaseUrl)!, { poolSize: 1 })
  let existing: string[]
  try {
    existing = (await database.db.selectFrom('account_users').select('id').execute()).map(
      (r) => r.id,
    )
    await database.db.transaction().execute(async (trx) => {
      await seedAccountUsers(trx, { count, now: new Date(), keepModel: false, chunkSize: 1000 })
    })
  } finally {
    await database.close()
  }
  return { seconds: (performance.now() - t0) / 1000, existing }
}

async function soak(
  args: ReturnType<typeof parseArgs>,
  nodes: ApiNode[],
  settings: NodeSettings,
  cluster: string,
  say: (m: string) => void,
  setupAccountUserIds: string[],
): Promise<CheckResult[]> {
  const startedAt = Date.now()
  const client = createClient(nodes, { token: TOKEN, startedAt })
  const setup = await setupGroups(client)
  const mail = createMailWatcher(nodes.map((n) => n.mailDir))
  const mailTimer = setInterval(() => void mail.scan(), 250)
  const ctx: LoadContext = {
    client,
    ledger: createLedger(),
    mail,
    ttlMs: TTL_MS,
    accountId: setup.accountId,
    groupIds: setup.groupIds,
    surprises: [],
    failures: [],
  }
  const total = args.seconds * 1000
  const until = startedAt + total
  const windows: Window[] = []
  const since = () => Date.now() - startedAt
  const at = (fraction: number) => sleep(Math.max(0, startedAt + fraction * total - Date.now()))

  const faults = (async () => {
    await at(0.2)
    const victim = nodes[1]!
    const kill: Window = { name: 'node killed', from: since(), to: Infinity, node: victim.index }
    windows.push(kill)
    killNode(victim)
    say(`${(since() / 1000).toFixed(1)} s: SIGKILL node 2 (pid ${victim.child?.pid ?? '?'})`)
    await sleep(clamp(0.06 * total, 5000, 20_000))
    await startNode(victim, settings)
    kill.to = since()
    say(`${(kill.to / 1000).toFixed(1)} s: node 2 started again and ready`)

    await at(0.45)
    const restart: Window = { name: 'database restarting', from: since(), to: Infinity }
    windows.push(restart)
    say(`${(restart.from / 1000).toFixed(1)} s: pg_ctlcluster ${cluster} restart`)
    await restartCluster(cluster)
    while (!(await Promise.all(nodes.map(isReady))).every(Boolean)) await sleep(100)
    restart.to = since()
    say(`${(restart.to / 1000).toFixed(1)} s: PostgreSQL back, every node ready`)

    await at(0.7)
    const fillFor = clamp(0.05 * total, 5000, 15_000)
    const fill: Window = { name: 'pool filled', from: since(), to: Infinity, node: 0 }
    windows.push(fill)
    const concurrency = 2 * POOL_SIZE
    const sent = await fillPool(ctx, 0, concurrency, 'ACC-9000-0000', Date.now() + fillFor)
    fill.to = since()
    say(
      `${(fill.from / 1000).toFixed(1)}–${(fill.to / 1000).toFixed(1)} s: node 1's pool of ${POOL_SIZE} filled by ${concurrency} concurrent slow lists (${sent} sent)`,
    )
  })()
  // The faults set the pace: on a slow machine a node may take a while to start again, so the
  // load goes on until every fault is over and a steady stretch followed it.
  let loadUntil = Infinity
  const faultsDone = faults.then(() => {
    loadUntil = Math.max(until, Date.now() + Math.max(5000, 0.1 * total))
  })
  await Promise.all([runLoad(ctx, args.workers, () => loadUntil), faultsDone])
  say(
    `${(since() / 1000).toFixed(1)} s: load stopped; waiting for the outbox and the sweep to finish (at most ${args.drainSeconds} s)`,
  )

  const drained = await drain(settings.databaseUrl, args.drainSeconds, say)
  const exits: string[] = []
  for (const node of nodes) {
    const code = await stopNode(node)
    if (code !== 0) exits.push(`node ${node.index + 1} exited with ${code} on SIGTERM`)
  }
  clearInterval(mailTimer)
  await mail.scan()
  client.close()

  const database = connectDatabase(parseDatabaseUrl(settings.databaseUrl)!, { poolSize: 2 })
  let results: CheckResult[]
  try {
    results = await runChecks({
      db: database.db,
      ledger: ctx.ledger,
      mails: mail.mails,
      ttlMs: TTL_MS,
      endedAt: drained.at,
      bulkAccountIds: ['ACC-9000-0000', 'ACC-9000-0001', 'ACC-9000-0002'],
      setupAccountUserIds,
    })
  } finally {
    await database.close()
  }
  const answers = answerChecks(client.attempts, windows, 5000)
  results.push({
    name: 'no 5xx but 503 problems during the database restart, each retried to an answer; no hang',
    failures: [...answers.failures, ...ctx.failures],
    notes: answers.notes,
  })
  results.push({
    name: 'every answer explained (no unexpected status)',
    failures: ctx.surprises,
    notes: [],
  })
  results.push(memoryCheck(nodes, windows, startedAt))
  results.push({ name: 'nodes stop cleanly on SIGTERM', failures: exits, notes: [] })

  const out: string[] = ['', 'fault timeline (s since start):']
  for (const w of windows)
    out.push(
      `  ${w.name.padEnd(20)} ${(w.from / 1000).toFixed(1)} – ${(w.to / 1000).toFixed(1)}${w.node !== undefined ? ` (node ${w.node + 1})` : ''}`,
    )
  out.push(
    `  drained after the load in ${drained.seconds.toFixed(1)} s${drained.complete ? '' : ' (INCOMPLETE)'}`,
    '',
  )
  out.push(...latencyTable(client.attempts, windows), '')
  for (const r of results) {
    out.push(`${r.failures.length ? 'FAIL' : 'ok  '}  ${r.name}`)
    for (const n of r.notes) out.push(`        ${n}`)
    for (const f of r.failures.slice(0, 15)) out.push(`        ✗ ${f}`)
    if (r.failures.length > 15) out.push(`        … and ${r.failures.length - 15} more`)
  }
  process.stdout.write(`${out.join('\n')}\n`)
  return results
}

async function setupGroups(client: ReturnType<typeof createClient>) {
  const groups = await client.send('setup', {
    method: 'GET',
    path: '/public/v1/accounts/user-groups?limit=100',
  })
  if (groups.kind !== 'answered' || groups.answer.status !== 200)
    throw new Error(`cannot list user groups: ${JSON.stringify(groups)}`)
  // The Operations account's own group (the seeded bulk groups have no modules, and their ids
  // may sort before it).
  const first = (groups.answer.json.data as Array<{ modules: unknown[] }>).find(
    (g) => g.modules.length > 0,
  ) as { id: string; modules: Array<{ id: string }>; account: { id: string } } | undefined
  if (!first) throw new Error('no user group with modules to copy')
  const groupIds: string[] = [first.id]
  for (const name of ['Soak Admins', 'Soak Readers']) {
    const created = await client.send('setup', {
      method: 'POST',
      path: '/public/v1/accounts/user-groups',
      body: { name, modules: first.modules.map((m) => ({ id: m.id })) },
    })
    if (created.kind !== 'answered' || created.answer.status !== 201)
      throw new Error(`cannot create a user group: ${JSON.stringify(created)}`)
    groupIds.push(created.answer.json.id)
  }
  return { accountId: String(first.account.id), groupIds }
}

async function drain(databaseUrl: string, seconds: number, say: (m: string) => void) {
  const database = connectDatabase(parseDatabaseUrl(databaseUrl)!, { poolSize: 1 })
  const t0 = Date.now()
  let lastSaid = t0
  try {
    for (;;) {
      const now = new Date()
      const work = await pendingWork(database.db, now)
      if (work.unsent === 0 && work.due === 0)
        return { seconds: (Date.now() - t0) / 1000, complete: true, at: now }
      if (Date.now() - t0 > seconds * 1000)
        return { seconds: (Date.now() - t0) / 1000, complete: false, at: now }
      if (Date.now() - lastSaid > 15_000) {
        say(
          `draining: ${work.unsent} emails not sent yet, ${work.due} invitations past due not stored`,
        )
        lastSaid = Date.now()
      }
      await sleep(500)
    }
  } finally {
    await database.close()
  }
}

function memoryCheck(nodes: ApiNode[], windows: Window[], startedAt: number): CheckResult {
  const failures: string[] = []
  const notes = nodes.map((n) => {
    const mbs = n.rss.map((r) => r.mb)
    const max = Math.max(...mbs)
    const median = [...mbs].sort((a, b) => a - b)[Math.floor(mbs.length / 2)] ?? NaN
    if (max >= RSS_LIMIT_MB) failures.push(`node ${n.index + 1}: RSS reached ${max.toFixed(0)} MB`)
    const heap = (key: 'total' | 'used' | 'external') =>
      Math.max(...n.heapMb.map((h) => h[key])).toFixed(0)
    const byPhase = PHASES.map((p) => {
      const inPhase = n.rss.filter((r) => phaseOf(r.at - startedAt, windows) === p).map((r) => r.mb)
      return `${p} ${inPhase.length ? Math.max(...inPhase).toFixed(0) : '-'}`
    }).join(', ')
    const peakAt = ((n.rss.find((r) => r.mb === max)?.at ?? startedAt) - startedAt) / 1000
    return `node ${n.index + 1}: RSS median ${median.toFixed(0)} MB, max ${max.toFixed(0)} MB at ${peakAt.toFixed(0)} s over ${mbs.length} samples (${n.starts} process${n.starts > 1 ? 'es' : ''}; max by phase: ${byPhase}); V8 heap max ${heap('total')} MB reserved, ${heap('used')} MB used, external ${heap('external')} MB`
  })
  return {
    name: `each node's RSS stays under ${RSS_LIMIT_MB} MB (sampled every second)`,
    failures,
    notes,
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\nSOAK FAILED: ${(error as Error).stack ?? String(error)}\n`)
  process.exit(1)
})
