import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { parseDatabaseUrl } from '../../src/config.js'
import { connectDatabase, type Db } from '../../src/db/connect.js'

export const ROOT = new URL('../..', import.meta.url).pathname
export const SECRET_KEY = 'spawned-test-secret-key-0123456789abcdef'
export const BOOTSTRAP_TOKEN = 'idt:TKN-0000-0042:spawned-test-secret-0123456789'

/**
 * A database a separate process can open: a SQLite file in a temporary folder, or on PostgreSQL a
 * database of its own (a process that migrates at start must not share a catalog with test
 * schemas being created and dropped beside it).
 */
export interface ServerDatabase {
  url: string
  dataDir: string
  open(): Db
  drop(): Promise<void>
}

export async function createServerDatabase(): Promise<ServerDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'accounts-spawned-'))
  const admin = process.env.TEST_DATABASE_URL
  if (!admin) {
    const url = join(dataDir, 'accounts.db')
    return {
      url,
      dataDir,
      open: () => connectDatabase({ dialect: 'sqlite', filename: url }),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    }
  }
  const name = `accounts_spawned_${randomBytes(5).toString('hex')}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    dataDir,
    open: () => connectDatabase(parseDatabaseUrl(url.toString())!),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: admin })
      await cleanup.connect()
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await cleanup.end()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface SpawnedServer {
  child: ChildProcess
  base: string
  /** everything the process wrote to stdout and stderr so far */
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `args` under node with the given environment (the rest of ours minus TEST_*). */
export function spawnNode(args: string[], env: Record<string, string>, cwd = ROOT) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TEST_') && !k.startsWith('VITEST')),
  )
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return { child, output: () => output, exited }
}

/** The service from source (`node --import tsx src/main.ts`), ready when /readyz says so. */
export async function startServer(
  database: ServerDatabase,
  port: number,
  env: Record<string, string> = {},
  entry: string[] = ['--import', 'tsx', 'src/main.ts'],
  cwd = ROOT,
): Promise<SpawnedServer> {
  const spawned = spawnNode(
    entry,
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      DATA_DIR: database.dataDir,
      SECRET_KEY,
      BOOTSTRAP_TOKEN,
      LOG_LEVEL: 'warn',
      ...env,
    },
    cwd,
  )
  const base = `http://127.0.0.1:${port}`
  let exited = false
  void spawned.exited.then(() => (exited = true))
  // Bounded: 600 polls of 100 ms at most (start-up compiles TypeScript and migrates).
  for (let attempt = 0; attempt < 600 && !exited; attempt += 1) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ready) return { ...spawned, base }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  spawned.child.kill('SIGKILL')
  throw new Error(`the server did not become ready:\n${spawned.output()}`)
}
