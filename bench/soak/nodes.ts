/**
 * The soak's processes: API nodes (the production build, `node dist/main.js`, each its own process
 * on a loopback port, one SECRET_KEY), and the PostgreSQL cluster they share (reset at the start,
 * restarted once by the fault plan with `pg_ctlcluster`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

export interface NodeSettings {
  root: string
  databaseUrl: string
  workDir: string
  secretKey: string
  bootstrapToken: string
  /** extra environment for every node (INVITATION_TTL, TRUST_PROXY …) */
  env: Record<string, string>
}

export interface ApiNode {
  index: number
  port: number
  base: string
  mailDir: string
  logFile: string
  /** the current process (a new one after a restart) */
  child: ChildProcess | undefined
  /** RSS samples (MB, and when: ms epoch) of every process this node ran */
  rss: Array<{ at: number; mb: number }>
  /** V8 heap samples (MB) from the node's /metrics: total (reserved) and used */
  heapMb: Array<{ total: number; used: number; external: number }>
  starts: number
  exits: Array<{ code: number | null; signal: string | null }>
}

export function defineNodes(settings: NodeSettings, ports: number[]): ApiNode[] {
  return ports.map((port, index) => {
    const dir = join(settings.workDir, `node-${index + 1}`)
    mkdirSync(dir, { recursive: true })
    return {
      index,
      port,
      base: `http://127.0.0.1:${port}`,
      mailDir: join(dir, 'mail'),
      logFile: join(dir, 'node.log'),
      child: undefined,
      rss: [],
      heapMb: [],
      starts: 0,
      exits: [],
    }
  })
}

/** Starts the node's process and resolves once its /readyz answers 200. */
export async function startNode(node: ApiNode, settings: NodeSettings): Promise<void> {
  const log = createWriteStream(node.logFile, { flags: 'a' })
  const child = spawn(process.execPath, [join(settings.root, 'dist/main.js')], {
    cwd: settings.root,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: settings.databaseUrl,
      PORT: String(node.port),
      HOST: '127.0.0.1',
      DATA_DIR: join(node.mailDir, '..'),
      MAIL_DIR: node.mailDir,
      SECRET_KEY: settings.secretKey,
      BOOTSTRAP_TOKEN: settings.bootstrapToken,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      METRICS_TOKEN,
      ...settings.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.pipe(log)
  child.stderr.pipe(log)
  node.child = child
  node.starts += 1
  child.once('exit', (code, signal) => {
    node.exits.push({ code, signal })
    if (node.child === child) node.child = undefined
  })
  await waitReady(node, 120_000)
}

export async function isReady(node: ApiNode): Promise<boolean> {
  try {
    const res = await fetch(`${node.base}/readyz`, { signal: AbortSignal.timeout(2000) })
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}

export async function waitReady(node: ApiNode, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (!node.child)
      throw new Error(`node ${node.index + 1} exited while starting (${node.logFile})`)
    if (await isReady(node)) return
    await sleep(100)
  }
  throw new Error(`node ${node.index + 1} not ready within ${timeoutMs} ms (${node.logFile})`)
}

export function killNode(node: ApiNode): void {
  node.child?.kill('SIGKILL')
}

/** SIGTERM, as an orchestrator stops a node: resolves with the exit code. */
export async function stopNode(node: ApiNode, timeoutMs = 20_000): Promise<number | null> {
  const child = node.child
  if (!child) return null
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await exited
  clearTimeout(timer)
  return code
}

/** The bearer token of the nodes' /metrics (to sample their V8 heap beside the RSS). */
export const METRICS_TOKEN = 'soak-metrics-token-0123456789'

async function sampleHeap(node: ApiNode): Promise<void> {
  try {
    const res = await fetch(`${node.base}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      signal: AbortSignal.timeout(2000),
    })
    const text = await res.text()
    const value = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]) / 2 ** 20
    node.heapMb.push({
      total: value('nodejs_heap_size_total_bytes'),
      used: value('nodejs_heap_size_used_bytes'),
      external: value('nodejs_external_memory_bytes'),
    })
  } catch {
    // down (killed, restarting): no sample
  }
}

/**
 * Samples each node's resident set size (from /proc) every `everyMs`, and its V8 heap (from its
 * /metrics) every fifth time, until stopped.
 */
export function sampleRss(nodes: ApiNode[], everyMs = 1000): { stop(): void } {
  let ticks = 0
  const timer = setInterval(() => {
    ticks += 1
    if (ticks % 5 === 0) for (const node of nodes) void sampleHeap(node)
    for (const node of nodes) {
      const pid = node.child?.pid
      if (!pid) continue
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8')
        const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
        if (kb) node.rss.push({ at: Date.now(), mb: Number(kb) / 1024 })
      } catch {
        // the process just exited (the kill)
      }
    }
  }, everyMs)
  return { stop: () => clearInterval(timer) }
}

/** Drops and creates the soak database (on the same server, through its `postgres` database). */
export async function resetDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl)
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name ${name}`)
  url.pathname = '/postgres'
  const admin = new pg.Client({ connectionString: url.toString() })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
}

/** `pg_ctlcluster <version> <name> restart` (a fast shutdown, then a start). */
export async function restartCluster(cluster: string): Promise<void> {
  const [version, name] = cluster.split(/\s+/)
  await run('pg_ctlcluster', [version!, name!, 'restart'])
}

export function assertClusterExists(cluster: string, port: number): void {
  const [version, name] = cluster.split(/\s+/)
  let listing = ''
  try {
    listing = readFileSync(`/etc/postgresql/${version}/${name}/postgresql.conf`, 'utf8')
  } catch {
    throw new Error(
      `no PostgreSQL cluster "${cluster}": run bash .ci/start-soak-postgres.sh (never the shared 15 main)`,
    )
  }
  const configured = /^\s*port\s*=\s*(\d+)/m.exec(listing)?.[1]
  if (configured && Number(configured) !== port)
    throw new Error(`cluster "${cluster}" listens on ${configured}, the URL says ${port}`)
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
