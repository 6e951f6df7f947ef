/**
 * `npm run bench`: throughput and latency of the real service (SQLite file, in its own process)
 * beside a bare Fastify route answering a constant JSON of the same size, measured in the same
 * run, reported as a ratio.
 *
 *   npm run bench                      3 rounds × 5 s per scenario (+1 s warm-up), ~1.5 min
 *   npm run bench -- --quick           1 round × 2 s (npm run bench:quick)
 *   npm run bench -- --only=invite     the named scenarios (comma-separated) + the baseline
 *   npm run bench -- --profile=off     skip the profiled run of each scenario (on by default: one
 *                                      more run after the measured ones, under a V8 CPU profile of
 *                                      its server child, summarised per request under the table)
 *   npm run bench -- --cpu-prof        also a V8 CPU profile of each service child's whole life
 *                                      (start-up included; npx tsx bench/profile-summary.ts <file>)
 *   npm run bench -- --sql-timing      time every SQL statement in the service child, print per scenario
 *   options: --runs=N --duration=S --warmup=S --connections=N --paired-min=N --list
 *   (--paired-min: samples per round, at least, of the 1-connection runs paired with raw SQL; 300)
 *
 * Rounds are interleaved (bare, invite, send-new-invite, bare, …) so slow drift of the machine
 * hits every scenario alike. Results: table on stdout, JSON in .bench/results-<timestamp>.json.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { startChild, type ServerChild } from './child.js'
import type { SqlStat } from './sql-timing.js'
import type { ListDatabase } from './list-data.js'
import { summarize, summarizeRaw, type RawSample, type RawTiming } from './list-sql.js'
import { freshPostgresDatabase } from './list-data.js'
import { formatPerRequest, summarizeProfile } from './profile-summary.js'
import {
  SCENARIOS,
  type BenchContext,
  type BenchOptions,
  type Scenario,
  type ServiceVariant,
} from './scenarios.js'

interface RunResult {
  round: number
  reqPerSec: number
  p50: number
  p99: number
  total: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  durationSec: number
  statusCodes: Record<string, number>
  /** the first unexpected answers (status and the start of the body) */
  samples: string[]
}

interface Summary {
  name: string
  title: string
  reqPerSec: number
  p50: number
  p99: number
  /** the 1-connection latency runs (Scenario.pairedRaw): p50 / p99 over all rounds' samples */
  latency?: { connections: number; p50: number; p99: number; n: number; runs: RunResult[] }
  /** the raw SQL timings of each round; p50 / p99 over all rounds' samples (ms) */
  raw?: {
    p50: number
    p99: number
    countP50: number
    pageP50: number
    total: number
    rounds: RawTiming[]
  }
  ratio: number | undefined
  errorCount: number
  errorRate: number
  runs: RunResult[]
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function parseArgs(argv: string[]) {
  const flags = new Map<string, string>()
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!m) throw new Error(`unknown argument ${arg} (see the header of bench/run.ts)`)
    flags.set(m[1]!, m[2] ?? 'true')
  }
  const known = [
    'quick',
    'only',
    'runs',
    'duration',
    'warmup',
    'connections',
    'paired-min',
    'profile',
    'cpu-prof',
    'sql-timing',
    'list',
    'reseed',
  ]
  for (const k of flags.keys())
    if (!known.includes(k)) throw new Error(`unknown option --${k}; known: ${known.join(', ')}`)
  const quick = flags.has('quick')
  const num = (key: string, fallback: number) => {
    const v = flags.get(key)
    if (v === undefined) return fallback
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} must be a positive number`)
    return n
  }
  const options: BenchOptions = {
    quick,
    runs: Math.round(num('runs', quick ? 1 : 3)),
    durationSec: num('duration', quick ? 2 : 5),
    warmupSec: num('warmup', quick ? 0.5 : 1),
    connections: Math.round(num('connections', 10)),
    pipelining: 1,
    pairedMin: Math.round(num('paired-min', quick ? 10 : 300)),
    reseed: flags.has('reseed'),
  }
  const only = flags
    .get('only')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const profile = flags.get('profile') ?? 'on'
  if (!['on', 'off', 'true'].includes(profile)) throw new Error('--profile must be on or off')
  return {
    options,
    only,
    profile: profile !== 'off',
    cpuProf: flags.has('cpu-prof'),
    sqlTiming: flags.has('sql-timing'),
    list: flags.has('list'),
  }
}

/** autocannon's latency histogram has 1 ms resolution: 0 means under a millisecond */
const ms = (value: number) => (value < 1 ? '<1' : value.toFixed(0))

const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Keeps the first few unexpected answers of a run (autocannon buffers every body anyway, so this is free). */
function sampler(expected: number) {
  const samples: string[] = []
  const onResponse = (status: number, body: string) => {
    if (status !== expected && samples.length < 3) samples.push(`${status} ${body.slice(0, 300)}`)
  }
  return { samples, onResponse }
}

let sqlTiming = false
const sqlByScenario = new Map<string, { requests: number; statements: Map<string, SqlStat> }>()

function recordSql(name: string, taken: { requests: number; statements: SqlStat[] }): void {
  const entry = sqlByScenario.get(name) ?? { requests: 0, statements: new Map<string, SqlStat>() }
  entry.requests += taken.requests
  for (const st of taken.statements) {
    const acc = entry.statements.get(st.sql) ?? {
      sql: st.sql,
      calls: 0,
      prepareMs: 0,
      execMs: 0,
      rows: 0,
    }
    acc.calls += st.calls
    acc.prepareMs += st.prepareMs
    acc.execMs += st.execMs
    acc.rows += st.rows
    entry.statements.set(st.sql, acc)
  }
  sqlByScenario.set(name, entry)
}

function sqlReport(): string[] {
  const out: string[] = []
  for (const [name, { requests, statements }] of sqlByScenario) {
    if (!requests) continue
    const list = [...statements.values()].sort(
      (a, b) => b.prepareMs + b.execMs - (a.prepareMs + a.execMs),
    )
    const calls = list.reduce((n, s) => n + s.calls, 0)
    const prep = list.reduce((n, s) => n + s.prepareMs, 0)
    const exec = list.reduce((n, s) => n + s.execMs, 0)
    out.push(
      '',
      `SQL in ${name}: ${requests} requests; per request ${(calls / requests).toFixed(1)} statements, ` +
        `${((prep / requests) * 1000).toFixed(0)} µs preparing + ${((exec / requests) * 1000).toFixed(0)} µs executing`,
      '  calls/req  prep µs/call  exec µs/call  µs/req  statement',
    )
    for (const st of list.slice(0, 15)) {
      out.push(
        `  ${(st.calls / requests).toFixed(2).padStart(9)}  ${((st.prepareMs / Math.max(1, st.calls)) * 1000).toFixed(1).padStart(12)}  ` +
          `${((st.execMs / Math.max(1, st.calls)) * 1000).toFixed(1).padStart(12)}  ${(((st.prepareMs + st.execMs) / requests) * 1000).toFixed(0).padStart(6)}  ${st.sql.slice(0, 150)}`,
      )
    }
  }
  return out
}

/** One GET on a keep-alive connection, timed from sending to the last byte of the answer (ms). */
function timedGet(
  url: string,
  path: string,
  headers: Record<string, string>,
  agent: http.Agent,
): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const request = http.get(new URL(path, url), { agent, headers }, (response) => {
      response.resume()
      response.on('end', () =>
        resolve({ ms: performance.now() - t0, status: response.statusCode ?? 0 }),
      )
    })
    request.on('error', reject)
  })
}

/**
 * The latency run of a scenario with a raw-SQL twin: one HTTP request on one keep-alive
 * connection, then the same count + page directly on the database, alternately, for twice the run
 * duration. Both series see the same machine at the same moments (a burst of noise from elsewhere
 * hits both), and have the same number of samples, so their p99s compare.
 */
async function measurePaired(
  scenario: Scenario,
  ctx: BenchContext,
  durationSec: number,
  round: number,
): Promise<{
  latency: RunResult
  raw: RawTiming
  httpMs: number[]
  rawMs: number[]
  serverMs: number[]
}> {
  const plan = await scenario.prepare!(ctx, { durationSec, warmup: false })
  await plan.server.call('idle')
  const request = plan.requests[0]!
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const httpMs: number[] = []
  const raws: RawSample[] = []
  const statusCodes: Record<string, number> = {}
  await plan.server.call('takeServerMs') // drop what prepare() and the throughput run left
  const started = performance.now()
  try {
    while (
      httpMs.length < ctx.options.pairedMin ||
      (httpMs.length < 2000 && performance.now() - started < 2 * durationSec * 1000)
    ) {
      const answer = await timedGet(
        plan.server.url,
        request.path!,
        request.headers as Record<string, string>,
        agent,
      )
      httpMs.push(answer.ms)
      statusCodes[answer.status] = (statusCodes[answer.status] ?? 0) + 1
      raws.push(await plan.server.call<RawSample>('rawOnce', request.path))
    }
  } finally {
    agent.destroy()
  }
  const serverMs = await plan.server.call<number[]>('takeServerMs')
  const ok = statusCodes[String(plan.expectStatus)] ?? 0
  const round1 = (x: number) => Math.round(x * 10) / 10
  const latency = summarize(httpMs)
  return {
    latency: {
      round,
      reqPerSec: httpMs.length / (httpMs.reduce((a, b) => a + b, 0) / 1000),
      p50: round1(latency.p50),
      p99: round1(latency.p99),
      total: httpMs.length,
      ok,
      non2xx: httpMs.length - ok,
      errors: 0,
      timeouts: 0,
      durationSec: (performance.now() - started) / 1000,
      statusCodes,
      samples: [],
    },
    raw: summarizeRaw(raws),
    httpMs,
    rawMs: raws.map((r) => r.pair),
    serverMs,
  }
}

/** A profiled run's summary lines (the profile of its server child over that run). */
const profileLines = new Map<string, string[]>()

async function measure(
  scenario: Scenario,
  ctx: BenchContext,
  durationSec: number,
  warmup: boolean,
  round: number,
  profiled = false,
): Promise<RunResult> {
  const result = scenario.direct
    ? await measureDirect(scenario, ctx, durationSec, warmup, round, profiled)
    : await measureHttp(scenario, ctx, durationSec, warmup, round, profiled)
  if (scenario.afterRun)
    await scenario.afterRun(ctx, { warmup: warmup || profiled, total: result.ok })
  return result
}

async function profiling<T>(
  server: ServerChild,
  label: string,
  on: boolean,
  work: () => Promise<T>,
  requestsOf: (result: T) => number,
): Promise<T> {
  if (!on) return work()
  await server.call('profileStart')
  const result = await work()
  const taken = await server.call<{ file: string; processCpuMs: number; wallMs: number }>(
    'profileStop',
    label,
  )
  const summary = summarizeProfile(JSON.parse(readFileSync(taken.file, 'utf8')))
  const requests = requestsOf(result)
  const perRequest = (taken.processCpuMs * 1000) / Math.max(1, requests)
  profileLines.set(label, [
    `  ${label}: ${requests} requests; process CPU (every thread) ${perRequest.toFixed(0)} µs/request; profile ${taken.file.slice(ROOT.length)}`,
    ...formatPerRequest(summary, requests),
  ])
  return result
}

async function measureDirect(
  scenario: Scenario,
  ctx: BenchContext,
  durationSec: number,
  warmup: boolean,
  round: number,
  profiled: boolean,
): Promise<RunResult> {
  const server = await scenario.direct!.server(ctx)
  const run = await profiling(
    server,
    scenario.name,
    profiled,
    () => scenario.direct!.run(ctx, { durationSec, warmup }),
    (r) => r.total,
  )
  if (!warmup && !profiled && run.detail && round === 1) ctx.log(`${scenario.name}: ${run.detail}`)
  return {
    round,
    reqPerSec: run.total / run.durationSec,
    p50: run.p50,
    p99: run.p99,
    total: run.total,
    ok: run.total,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    durationSec: run.durationSec,
    statusCodes: {},
    samples: [],
  }
}

async function measureHttp(
  scenario: Scenario,
  ctx: BenchContext,
  durationSec: number,
  warmup: boolean,
  round: number,
  profiled: boolean,
): Promise<RunResult> {
  const plan = await scenario.prepare!(ctx, { durationSec, warmup })
  // Requests of the previous run still being answered would queue ahead of this run's first ones.
  if (plan.server.name !== 'bare') await plan.server.call('idle')
  const unexpected = sampler(plan.expectStatus)
  const timed = sqlTiming && plan.server.name.startsWith('service') && !profiled
  if (timed) await plan.server.call('takeSqlStats') // drop what prepare() issued
  const result = await profiling(
    plan.server,
    scenario.name,
    profiled,
    () =>
      autocannon({
        url: plan.server.url,
        connections: ctx.options.connections,
        pipelining: ctx.options.pipelining,
        duration: durationSec,
        timeout: 10,
        requests: plan.requests.map((r) => ({ ...r, onResponse: unexpected.onResponse })),
      }),
    (r) => r.requests.total,
  )
  if (timed && !warmup)
    recordSql(
      scenario.name,
      await plan.server.call<{ requests: number; statements: SqlStat[] }>('takeSqlStats'),
    )
  const statusCodes: Record<string, number> = {}
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stat.count
  const ok = statusCodes[String(plan.expectStatus)] ?? 0
  const total = result.requests.total
  const elapsed = result.duration || durationSec
  return {
    round,
    reqPerSec: total / elapsed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total,
    ok,
    // anything but the expected status is an error here (a 200 on invite would be wrong too)
    non2xx: total - ok,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSec: elapsed,
    statusCodes,
    samples: unexpected.samples,
  }
}

async function main(): Promise<void> {
  const {
    options,
    only,
    profile,
    cpuProf,
    sqlTiming: timing,
    list,
  } = parseArgs(process.argv.slice(2))
  sqlTiming = timing
  if (list) {
    for (const s of SCENARIOS)
      process.stdout.write(
        `${s.name.padEnd(18)} ${s.title}${s.baseline ? '  (baseline, always run)' : ''}\n`,
      )
    return
  }
  if (only) {
    const unknown = only.filter((n) => !SCENARIOS.some((s) => s.name === n))
    if (unknown.length)
      throw new Error(
        `unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
      )
  }
  // A scenario measured against another one (target.of, versus) brings it along.
  const wanted = new Set(only ?? SCENARIOS.map((s) => s.name))
  for (const s of SCENARIOS) {
    if (!wanted.has(s.name)) continue
    if (s.target?.of) wanted.add(s.target.of)
    if (s.versus) wanted.add(s.versus)
  }
  const chosen = SCENARIOS.filter((s) => s.baseline || wanted.has(s.name))
  // Custom scenarios (their own servers and load) run once, after the autocannon ones; the bare
  // baseline runs only when some autocannon scenario is measured against it.
  const customs = chosen.filter((s) => s.custom)
  const selected = chosen.filter((s) => !s.custom)
  if (!selected.some((s) => !s.baseline) && customs.length > 0) selected.length = 0
  const baseline = selected.find((s) => s.baseline)
  const log = (message: string) => process.stdout.write(`  · ${message}\n`)
  const startedAt = new Date()
  const profileDir = `${ROOT}.bench/profiles`

  const children: ServerChild[] = []
  const lazy = (start: () => Promise<ServerChild>) => {
    let started: Promise<ServerChild> | undefined
    return () => {
      started ??= start().then((c) => (children.push(c), c))
      return started
    }
  }
  const rates = new Map<string, number[]>()
  const listApps = new Map<string, () => Promise<ServerChild>>()
  const execArgv = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  const postgresUrl = process.env.BENCH_DATABASE_URL
  const startService = (variant: ServiceVariant) => async () => {
    const name = variant.postgres ? 'service-pg' : 'service'
    const env: Record<string, string> = sqlTiming ? { BENCH_SQL_TIMING: '1' } : {}
    if (variant.listCache === false) env.BENCH_LIST_CACHE = 'off'
    if (variant.rateLimit === false) env.BENCH_RATE_LIMIT = 'off'
    if (variant.postgres) {
      if (!postgresUrl) throw new Error('a PostgreSQL scenario needs BENCH_DATABASE_URL')
      env.BENCH_APP_DATABASE_URL = await freshPostgresDatabase(postgresUrl, 'app')
    }
    const child = await startChild(name, './app-server.ts', { execArgv, env })
    const settings = Object.entries(env)
      .filter(([k]) => k !== 'BENCH_APP_DATABASE_URL')
      .map(([k, v]) => `${k.replace(/^BENCH_/, '')}=${v}`)
    log(
      `${name}: ${String(child.info.database).replace(ROOT, '')}${settings.length ? `, ${settings.join(', ')}` : ''}, pid ${child.pid}`,
    )
    return child
  }
  const services = new Map<string, () => Promise<ServerChild>>()
  const service = (variant: ServiceVariant) => {
    const key = JSON.stringify({
      listCache: variant.listCache ?? true,
      rateLimit: variant.rateLimit ?? true,
      postgres: variant.postgres ?? false,
    })
    let start = services.get(key)
    if (!start) {
      start = lazy(startService(variant))
      services.set(key, start)
    }
    return start()
  }
  const floors = new Map<string, () => Promise<ServerChild>>()
  const floor = (dialect: 'sqlite' | 'postgres') => {
    let start = floors.get(dialect)
    if (!start) {
      start = lazy(async () => {
        const env: Record<string, string> = {
          BENCH_FLOOR_CONCURRENCY: String(options.connections),
        }
        if (dialect === 'postgres') {
          if (!postgresUrl) throw new Error('a PostgreSQL scenario needs BENCH_DATABASE_URL')
          env.BENCH_FLOOR_DATABASE_URL = await freshPostgresDatabase(postgresUrl, 'floor')
        }
        const child = await startChild(`floor-${dialect}`, './floor-server.ts', { execArgv, env })
        log(
          `floor-${dialect}: one invite captured (${String(child.info.statements)} statements), pid ${child.pid}`,
        )
        return child
      })
      floors.set(dialect, start)
    }
    return start()
  }
  const ctx: BenchContext = {
    options,
    app: () => service({}),
    service,
    floor,
    shared: new Map(),
    bare: lazy(() => startChild('bare', './bare-server.ts')),
    listApp: (database: ListDatabase, listCache: boolean) => {
      const key = `${database.url} cache=${listCache}`
      let start = listApps.get(key)
      if (!start) {
        start = lazy(async () => {
          const child = await startChild(`service ${database.where}`, './app-server.ts', {
            // the dataset is relative to its seed instant: the clock starts a minute after it
            env: {
              BENCH_APP_DATABASE_URL: database.url,
              BENCH_CLOCK_AT: new Date(Date.parse(database.seedNow) + 60_000).toISOString(),
              BENCH_LIST_CACHE: listCache ? 'on' : 'off',
            },
            startTimeoutMs: 300_000,
          })
          log(
            `service on ${database.where} (LIST_CACHE=${listCache ? 'on' : 'off'}): pid ${child.pid}, clock at the dataset's seed instant + 1 min`,
          )
          return child
        })
        listApps.set(key, start)
      }
      return start()
    },
    lastRate: (name) => {
      const r = rates.get(name)
      return r && r.length ? median(r) : undefined
    },
    log,
  }

  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
        cwd: ROOT,
        encoding: 'utf8',
      }).trim()
    } catch {
      return 'unknown'
    }
  })()
  process.stdout.write(
    `accounts-service bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, commit ${commit}, load ${loadavg()[0]!.toFixed(2)}\n` +
      `autocannon: ${options.connections} connections, pipelining ${options.pipelining}, ${options.runs} run(s) × ${options.durationSec} s per scenario ` +
      `(+${options.warmupSec} s warm-up), servers each in their own child process; scenarios: ${[...selected, ...customs].map((s) => s.name).join(', ')}\n`,
  )

  const runCustoms = async (): Promise<string[]> => {
    const lines: string[] = []
    for (const s of customs) {
      log(`${s.name}: ${s.title}`)
      lines.push(...(await s.custom!(ctx)))
    }
    return lines
  }
  if (selected.length === 0) {
    const lines = await runCustoms()
    process.stdout.write(`${lines.join('\n')}\n`)
    mkdirSync(`${ROOT}.bench`, { recursive: true })
    const file = `${ROOT}.bench/results-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`
    writeFileSync(
      file,
      `${JSON.stringify({ startedAt, finishedAt: new Date(), commit, node: process.version, cpus: cpus().length, loadavg: loadavg(), custom: lines }, null, 2)}\n`,
    )
    process.stdout.write(`\nResults written to ${file.slice(ROOT.length)}\n`)
    return
  }

  const runs = new Map<string, RunResult[]>()
  const latencyRuns = new Map<string, RunResult[]>()
  const rawRuns = new Map<string, RawTiming[]>()
  /** every paired sample of every round (ms): the percentiles are taken over these, pooled */
  const pairedSamples = new Map<string, { http: number[]; raw: number[]; server: number[] }>()
  try {
    for (const s of selected) {
      if (s.setup) await s.setup(ctx)
    }
    const app = selected.some((s) => !s.baseline) || baseline ? await ctx.app() : undefined
    for (let round = 1; round <= options.runs; round++) {
      for (const s of selected) {
        if (round === 1 && options.warmupSec > 0) {
          const w = await measure(s, ctx, options.warmupSec, true, 0)
          for (const sample of w.samples)
            log(`unexpected answer during the ${s.name} warm-up: ${sample}`)
          rates.set(s.name, [w.reqPerSec])
        }
        const r = await measure(s, ctx, options.durationSec, false, round)
        for (const sample of r.samples) log(`unexpected answer: ${sample}`)
        if (round === 1) rates.set(s.name, [])
        rates.get(s.name)!.push(r.reqPerSec)
        const list = runs.get(s.name) ?? []
        list.push(r)
        runs.set(s.name, list)
        log(
          `round ${round} ${s.name.padEnd(16)} ${r.reqPerSec.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms` +
            (r.non2xx + r.errors
              ? `  ERRORS: ${r.non2xx} unexpected status ${JSON.stringify(r.statusCodes)}, ${r.errors} connection errors, ${r.timeouts} timeouts`
              : ''),
        )
        if (s.pairedRaw) {
          const {
            latency: l,
            raw: t,
            httpMs,
            rawMs,
            serverMs,
          } = await measurePaired(s, ctx, options.durationSec, round)
          const pooled = pairedSamples.get(s.name) ?? { http: [], raw: [], server: [] }
          pooled.http.push(...httpMs)
          pooled.raw.push(...rawMs)
          pooled.server.push(...serverMs)
          pairedSamples.set(s.name, pooled)
          if (l.non2xx) log(`unexpected answers: ${JSON.stringify(l.statusCodes)}`)
          latencyRuns.set(s.name, [...(latencyRuns.get(s.name) ?? []), l])
          rawRuns.set(s.name, [...(rawRuns.get(s.name) ?? []), t])
          log(
            `round ${round} ${s.name.padEnd(16)} 1 connection, alternating with raw SQL ×${t.n}: ` +
              `HTTP p50 ${l.p50} ms p99 ${l.p99} ms; raw count+page p50 ${t.pair.p50.toFixed(2)} ms p99 ${t.pair.p99.toFixed(2)} ms ` +
              `(count p50 ${t.count.p50.toFixed(2)}, page p50 ${t.page.p50.toFixed(2)}; total ${t.total}, ${t.pageRows} rows)`,
          )
        }
      }
    }
    // One more run of each scenario under a CPU profile of its server child (not in the figures).
    if (profile) {
      log('profiled runs (one per scenario, not counted in the figures):')
      for (const s of selected) {
        if (s.baseline) continue
        const r = await measure(s, ctx, options.durationSec, false, 0, true)
        log(`profiled ${s.name.padEnd(16)} ${r.reqPerSec.toFixed(0).padStart(7)} req/s`)
      }
    }
    const stats = app ? await app.call<Record<string, number>>('stats') : undefined

    const baseRate = baseline ? median(runs.get(baseline.name)!.map((r) => r.reqPerSec)) : undefined
    const summaries: Summary[] = selected.map((s) => {
      const rs = runs.get(s.name)!
      const reqPerSec = median(rs.map((r) => r.reqPerSec))
      const errorCount = rs.reduce((n, r) => n + r.non2xx + r.errors, 0)
      const attempts = rs.reduce((n, r) => n + r.total + r.errors, 0)
      const ls = latencyRuns.get(s.name)
      const raws = rawRuns.get(s.name)
      const pooled = pairedSamples.get(s.name)
      const pooledHttp = pooled ? summarize(pooled.http) : undefined
      const pooledRaw = pooled ? summarize(pooled.raw) : undefined
      return {
        name: s.name,
        title: s.title,
        reqPerSec,
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        ...(ls?.length
          ? {
              latency: {
                connections: 1,
                p50: pooledHttp!.p50,
                p99: pooledHttp!.p99,
                n: pooled!.http.length,
                runs: ls,
              },
            }
          : {}),
        ...(raws?.length
          ? {
              raw: {
                p50: pooledRaw!.p50,
                p99: pooledRaw!.p99,
                countP50: median(raws.map((t) => t.count.p50)),
                pageP50: median(raws.map((t) => t.page.p50)),
                total: raws[raws.length - 1]!.total,
                rounds: raws,
              },
            }
          : {}),
        ratio: baseRate ? reqPerSec / baseRate : undefined,
        errorCount,
        errorRate: attempts ? errorCount / attempts : 0,
        runs: rs,
      }
    })

    const withList = summaries.some((s) => s.latency || s.raw)
    const header = [
      'scenario',
      'req/s',
      'p50 ms',
      'p99 ms',
      'vs bare',
      ...(withList ? ['p50@1', 'p99@1', 'raw p50', 'raw p99', 'Δp99'] : []),
      'errors',
      'runs (req/s)',
    ]
    const f1 = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1))
    const rows = summaries.map((s) => [
      s.name,
      s.reqPerSec.toFixed(s.reqPerSec < 100 ? 1 : 0),
      ms(s.p50),
      ms(s.p99),
      s.ratio === undefined ? '-' : `${(s.ratio * 100).toFixed(1)}%`,
      ...(withList
        ? [
            s.latency ? ms(s.latency.p50) : '-',
            s.latency ? ms(s.latency.p99) : '-',
            f1(s.raw?.p50),
            f1(s.raw?.p99),
            s.latency && s.raw
              ? `${s.latency.p99 - s.raw.p99 >= 0 ? '+' : ''}${(s.latency.p99 - s.raw.p99).toFixed(1)}`
              : '-',
          ]
        : []),
      String(s.errorCount),
      s.runs.map((r) => r.reqPerSec.toFixed(0)).join(' / '),
    ])
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
    const line = (cells: string[]) =>
      cells
        .map((c, i) =>
          i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!),
        )
        .join('  ')
    const out: string[] = [
      '',
      line(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...rows.map(line),
      '',
    ]
    out.push(
      `req/s: median of ${options.runs} run(s) of ${options.durationSec} s; p50/p99: median of the runs' percentiles; vs bare: req/s ÷ bare req/s of this same invocation.`,
    )
    if (withList) {
      out.push(
        `p50@1/p99@1: the same request from 1 connection, alternating with raw p50/p99: its count + page SQL run directly (${2 * options.durationSec} s and at least ${options.pairedMin} pairs per round; ms, percentiles over all rounds' samples pooled); Δp99 = p99@1 − raw p99.`,
        'total = exact count(*) of the filtered rows (joining only the tables its WHERE reads), run beside the page query; its cost per scenario (raw, p50):',
      )
      for (const s of summaries) {
        if (s.raw)
          out.push(
            `  ${s.name.padEnd(16)} count ${s.raw.countP50.toFixed(2)} ms + page ${s.raw.pageP50.toFixed(2)} ms (total = ${s.raw.total}; ${s.raw.rounds.reduce((n, t) => n + t.n, 0)} raw executions)`,
          )
      }
      out.push(
        'where the 1-connection time goes (ms): raw SQL · in the service (onRequest → onResponse) · at the client (HTTP round trip):',
      )
      for (const s of summaries) {
        const pooled = pairedSamples.get(s.name)
        if (!pooled?.server.length) continue
        const [raw, server, client] = [pooled.raw, pooled.server, pooled.http].map(summarize)
        const at = (p: 'p50' | 'p99') =>
          `${raw![p].toFixed(1)} · ${server![p].toFixed(1)} (${signed(server![p] - raw![p])}) · ${client![p].toFixed(1)} (${signed(client![p] - server![p])})`
        out.push(`  ${s.name.padEnd(16)} p50 ${at('p50')}   p99 ${at('p99')}`)
      }
    }
    for (const s of selected) {
      const summary = summaries.find((x) => x.name === s.name)!
      const of = s.target?.of ? summaries.find((x) => x.name === s.target!.of) : undefined
      if (s.target && of) {
        const ratio = summary.reqPerSec / of.reqPerSec
        const pass = ratio >= s.target.minRatio
        out.push(
          `Target: ${s.name} ≥ ${(s.target.minRatio * 100).toFixed(0)}% of ${of.name} (${of.reqPerSec.toFixed(0)} req/s, same run) → ${summary.reqPerSec.toFixed(0)} req/s = ${(ratio * 100).toFixed(1)}% ${pass ? 'PASS' : 'MISSED'}`,
        )
      } else if (s.target && summary.ratio !== undefined) {
        const pass = summary.ratio >= s.target.minRatio
        out.push(
          `Target: ${s.name} ≥ ${(s.target.minRatio * 100).toFixed(0)}% of the bare route's throughput → ${(summary.ratio * 100).toFixed(1)}% ${pass ? 'PASS' : 'MISSED'}`,
        )
      }
    }
    for (const s of selected) {
      const summary = summaries.find((x) => x.name === s.name)!
      const other = s.versus ? summaries.find((x) => x.name === s.versus) : undefined
      if (other)
        out.push(
          `${s.name} beside ${other.name}: ${summary.reqPerSec.toFixed(0)} vs ${other.reqPerSec.toFixed(0)} req/s (${((summary.reqPerSec / other.reqPerSec) * 100).toFixed(0)}%), p99 ${ms(summary.p99)} vs ${other.p99.toFixed(1)} ms`,
        )
    }
    for (const s of selected) if (s.report) out.push(...(await s.report(ctx)))
    for (const s of selected) {
      const summary = summaries.find((x) => x.name === s.name)!
      if (s.latencyTarget && summary.latency && summary.raw) {
        const over = summary.latency.p99 - summary.raw.p99
        out.push(
          `Target: ${s.name} p99 (1 connection) within ${s.latencyTarget.maxOverRawMs} ms of the raw SQL p99 → ${summary.latency.p99.toFixed(1)} ms vs ${summary.raw.p99.toFixed(1)} ms over ${summary.latency.n} samples each (${over >= 0 ? '+' : ''}${over.toFixed(1)} ms) ${over <= s.latencyTarget.maxOverRawMs ? 'PASS' : 'MISSED'}`,
        )
      }
    }
    for (const s of selected) for (const n of s.notes ?? []) out.push(n)
    out.push(
      'Mail: the email dispatcher (and the expiry sweep) is NOT started in the service child; queued invitation emails accumulate in email_outbox' +
        (stats
          ? ` (${stats.emailOutbox} rows at the end; ${stats.accountUsers} account users, ${stats.auditEvents} audit events).`
          : '.'),
    )
    if (sqlTiming)
      out.push(
        'NOTE: --sql-timing was on (every statement timed): the figures above include its overhead.',
        ...sqlReport(),
      )
    if (profileLines.size) {
      out.push(
        '',
        'Where the time goes: one more run of each scenario under a V8 CPU profile of its server child (sampling every',
        '250 µs; not in the figures above). Main-thread time per request by area and function (self time; SQLite work runs',
        "inside the calling frame: 'SQLite exec' is better-sqlite3's native statement time), and the process's CPU on every",
        'thread (the libuv pool included: scrypt, pg). Full summary: npx tsx bench/profile-summary.ts <file> --requests=N',
      )
      for (const lines of profileLines.values()) out.push(...lines)
    }
    out.push(
      "Both servers and autocannon share this machine's cores: the figures compare, they are not capacity numbers.",
    )
    out.push(...(await runCustoms()))
    process.stdout.write(`${out.join('\n')}\n`)

    const failed = summaries.filter((s) => s.errorRate > 0.01)
    const withErrors = summaries.filter((s) => s.errorCount > 0)
    if (withErrors.length) {
      process.stdout.write(
        `\nWARNING: unexpected responses: ${withErrors.map((s) => `${s.name} ${s.errorCount} (${(s.errorRate * 100).toFixed(2)}%)`).join(', ')}\n`,
      )
    }

    mkdirSync(`${ROOT}.bench`, { recursive: true })
    const file = `${ROOT}.bench/results-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`
    writeFileSync(
      file,
      `${JSON.stringify({ startedAt, finishedAt: new Date(), commit, node: process.version, cpus: cpus().length, loadavg: loadavg(), options, serviceStats: stats, summaries }, null, 2)}\n`,
    )
    process.stdout.write(`\nResults written to ${file.slice(ROOT.length)}\n`)
    if (cpuProf)
      process.stdout.write(
        `CPU profiles of the children's whole lives: ${profileDir.slice(ROOT.length)}/ (written when they exit; open in Chrome DevTools → Performance)\n`,
      )
    if (failed.length) {
      process.stderr.write(
        `\nBENCH FAILED: more than 1% of the requests of ${failed.map((s) => s.name).join(', ')} got an unexpected answer.\n`,
      )
      process.exitCode = 1
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()))
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\nBENCH FAILED: ${(error as Error).stack ?? String(error)}\n`)
  process.exit(1)
})
