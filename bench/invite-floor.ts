/**
 * The floor the database sets for an invite: the exact statements one invite of the service
 * issues (captured through a Kysely plugin from the service's own code path), replayed with fresh
 * ids as raw prepared statements on a connection of their own, with no HTTP, no validation, no
 * query building and no serialisation.
 *  - SQLite: one connection opened as the service opens it (src/db/connect.ts openSqlite: WAL,
 *    synchronous NORMAL), `batch` invites per transaction (BEGIN IMMEDIATE … COMMIT): `npm run
 *    bench` replays at the batching the service's group commit reached in the invite run of the
 *    same round (bench/floor-server.ts).
 *  - PostgreSQL: `concurrency` clients, each BEGIN; the statements; COMMIT, as the service's pool
 *    of connections would; throughput and the p99 of one invite.
 *
 *   npx tsx bench/invite-floor.ts      in-process, SQLite (≈10 s): the service's invite one at a
 *                                      time and 8 at a time, beside the raw replay at 1 and 8 per
 *                                      transaction and the statements without any COMMIT
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type SqliteDatabase from 'better-sqlite3'
import type { CompiledQuery, KyselyPlugin } from 'kysely'
import pg from 'pg'
import type { Actor } from '../src/access/actor.js'
import { createInvitationService } from '../src/account-users/invitation-service.js'
import { loadConfig } from '../src/config.js'
import { connectDatabase, openSqlite } from '../src/db/connect.js'
import { startWalCheckpointer, type WalCheckpointer } from '../src/db/sqlite-checkpointer.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { ensureFirstStart } from '../src/first-start.js'
import { systemClock } from '../src/lib/clock.js'
import { createServices, type Services } from '../src/services.js'

export interface CapturedInvite {
  statements: Array<{ sql: string; parameters: unknown[] }>
  /** the values that must be fresh in every replayed invite (unique keys) */
  unique: { userId: string; accountUserId: string; email: string }
}

/** One invite through the service's own code path, recording every statement it issues. */
export async function captureInvite(
  services: Services,
  input: { actor: Actor; accountId: string; groupId: string; email: string },
): Promise<CapturedInvite> {
  const captured: CompiledQuery[] = []
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      captured.push(services.db.getExecutor().compileQuery(args.node, args.queryId))
      return args.node
    },
    async transformResult(args) {
      return args.result
    },
  }
  const invitations = createInvitationService({
    ...services.accountUserDeps,
    db: services.db.withPlugin(plugin),
  })
  const view = await invitations.invite({
    actor: input.actor,
    accountId: input.accountId,
    user: { email: input.email, firstName: 'Ada', lastName: 'Lovelace' },
    groups: [{ id: input.groupId }],
    invitation: { status: 'Invited' },
  })
  return {
    statements: captured.map((q) => ({ sql: q.sql, parameters: [...q.parameters] })),
    unique: { userId: view.user.id, accountUserId: view.id, email: input.email },
  }
}

/**
 * The `k`-th replay's parameters: the captured invite's user id, account-user id and email
 * (wherever they appear, the email key included) replaced by values unique to `k`. The ids get a
 * fifth digit group, which the service's random ids never have, so that they cannot collide with
 * rows the service wrote (the schema checks no id format).
 */
export function freshParameters(invite: CapturedInvite, k: number): unknown[][] {
  const { userId, accountUserId, email } = invite.unique
  const n = String(k + 1).padStart(8, '0')
  const group = `${n.slice(0, 4)}-${n.slice(4)}`
  const user = `USR-9999-${group}`
  const member = `AUSR-9999-9999-${group}`
  const mail = `floor-${k + 1}@example.com`
  const replace = (value: unknown) =>
    value === userId ? user : value === accountUserId ? member : value === email ? mail : value
  return invite.statements.map((s) => s.parameters.map(replace))
}

/** How many invites go in each transaction: `mean` on average, as whole numbers (⌊mean⌋ or ⌈mean⌉). */
export function batchSizes(mean: number): () => number {
  const target = Math.max(1, mean)
  let done = 0
  let batches = 0
  return () => {
    batches += 1
    const size = Math.max(1, Math.round(target * batches - done))
    done += size
    return size
  }
}

export interface ReplayResult {
  invites: number
  seconds: number
  /** ms per invite: its share of its transaction (SQLite), or BEGIN … COMMIT (PostgreSQL) */
  p50: number
  p99: number
  /** SQLite: µs per invite of the statements alone and of the COMMITs (per invite) */
  statementsUs?: number
  commitUs?: number
  /** SQLite: the WAL file's size at the end (its largest extent so far), bytes */
  walBytes?: number
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0

function summarizeTimes(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b)
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }
}

function walBytes(sqlite: SqliteDatabase.Database): number {
  try {
    return statSync(`${sqlite.name}-wal`).size
  } catch {
    return 0
  }
}

/**
 * The raw replay on SQLite: prepared once, `nextBatch()` invites per transaction, for
 * `durationSec`. `checkpointer`: the WAL's checkpoints run as the service runs them (told of each
 * COMMIT, on a thread of their own; src/db/sqlite-checkpointer.ts); the loop yields to the event
 * loop after each transaction, as the service's does, so that the checkpointer's answers arrive.
 */
export function sqliteReplay(
  sqlite: SqliteDatabase.Database,
  invite: CapturedInvite,
  checkpointer?: WalCheckpointer,
) {
  const statements = invite.statements.map((s) => sqlite.prepare(s.sql))
  const begin = sqlite.prepare('BEGIN IMMEDIATE')
  const commit = sqlite.prepare('COMMIT')
  let k = 0
  const once = () => {
    const parameters = freshParameters(invite, k++)
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i]!
      if (statement.reader) statement.all(parameters[i]!)
      else statement.run(parameters[i]!)
    }
  }
  return {
    /** `k` moves on for every invite, so the ids stay fresh across calls. */
    async run(durationSec: number, nextBatch: () => number): Promise<ReplayResult> {
      const perInvite: number[] = []
      let statementsMs = 0
      let commitMs = 0
      let invites = 0
      const started = performance.now()
      while (performance.now() - started < durationSec * 1000) {
        const size = nextBatch()
        const t0 = performance.now()
        begin.run()
        for (let j = 0; j < size; j++) once()
        const t1 = performance.now()
        commit.run()
        const drained = checkpointer?.committed()
        if (drained) await drained
        const t2 = performance.now()
        statementsMs += t1 - t0
        commitMs += t2 - t1
        invites += size
        for (let j = 0; j < size; j++) perInvite.push((t2 - t0) / size)
        await new Promise((resolve) => setImmediate(resolve))
      }
      const seconds = (performance.now() - started) / 1000
      return {
        invites,
        seconds,
        ...summarizeTimes(perInvite),
        statementsUs: (statementsMs * 1000) / invites,
        commitUs: (commitMs * 1000) / invites,
        walBytes: walBytes(sqlite),
      }
    },
    /** The statements alone, `count` invites in one transaction rolled back: no COMMIT at all. */
    statementsOnly(count: number): number {
      const t0 = performance.now()
      sqlite.exec('BEGIN IMMEDIATE')
      for (let j = 0; j < count; j++) once()
      sqlite.exec('ROLLBACK')
      return ((performance.now() - t0) * 1000) / count
    },
  }
}

/**
 * The raw replay on PostgreSQL: `concurrency` clients, each running invites one after the other
 * (BEGIN; the statements, as Kysely's pg driver sends them; COMMIT) for `durationSec`.
 */
export async function postgresReplay(
  connectionString: string,
  invite: CapturedInvite,
  concurrency: number,
) {
  const clients = Array.from({ length: concurrency }, () => new pg.Client({ connectionString }))
  await Promise.all(clients.map((c) => c.connect()))
  let k = 0
  return {
    async run(durationSec: number): Promise<ReplayResult> {
      const times: number[] = []
      const started = performance.now()
      const deadline = started + durationSec * 1000
      await Promise.all(
        clients.map(async (client) => {
          while (performance.now() < deadline) {
            const parameters = freshParameters(invite, k++)
            const t0 = performance.now()
            await client.query('BEGIN')
            for (let i = 0; i < invite.statements.length; i++)
              await client.query(invite.statements[i]!.sql, parameters[i])
            await client.query('COMMIT')
            times.push(performance.now() - t0)
          }
        }),
      )
      return {
        invites: times.length,
        seconds: (performance.now() - started) / 1000,
        ...summarizeTimes(times),
      }
    },
    close: () => Promise.all(clients.map((c) => c.end())),
  }
}

/** The in-process comparison on SQLite (`npx tsx bench/invite-floor.ts`). */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'floor-'))
  try {
    const config = {
      ...loadConfig({
        DATA_DIR: dir,
        DATABASE_URL: join(dir, 'a.db'),
        LOG_LEVEL: 'silent',
        BOOTSTRAP_TOKEN: 'idt:TKN-0000-0001:bench-operations-secret-0123456789',
      }),
      secretKey: 'k'.repeat(44),
    }
    const database = connectDatabase(config.database)
    await migrateToLatest(database.db)
    const services = createServices({ database, clock: systemClock, config })
    const first = await ensureFirstStart(
      { db: database.db, dialect: database.dialect, clock: systemClock },
      { bootstrapToken: config.bootstrapToken },
    )
    const actor = (await services.authenticator.authenticate(config.bootstrapToken!))!
    let n = 0
    const invite = () =>
      services.invitations.invite({
        actor,
        accountId: first.operationsAccountId,
        user: { email: `u${++n}@example.com`, firstName: 'Ada', lastName: 'L' },
        groups: [{ id: first.defaultGroupId }],
        invitation: { status: 'Invited' },
      })
    for (let i = 0; i < 2000; i++) await invite()
    let t = performance.now()
    for (let i = 0; i < 2000; i++) await invite()
    const µs = (ms: number) => ((ms * 1000) / 2000).toFixed(0)
    console.log('service, sequential: µs/invite', µs(performance.now() - t))
    t = performance.now()
    for (let i = 0; i < 250; i++) await Promise.all(Array.from({ length: 8 }, () => invite()))
    console.log('service, 8 concurrent (group commit): µs/invite', µs(performance.now() - t))
    const captured = await captureInvite(services, {
      actor,
      accountId: first.operationsAccountId,
      groupId: first.defaultGroupId,
      email: 'captured@example.com',
    })
    for (const q of captured.statements) console.log(q.sql.slice(0, 120))
    await database.close()
    const file = join(dir, 'a.db')
    const sqlite = openSqlite(file)
    const checkpointer = startWalCheckpointer(sqlite, file)
    const replay = sqliteReplay(sqlite, captured, checkpointer)
    for (const batch of [1, 8]) {
      const r = await replay.run(3, () => batch)
      console.log(
        `raw prepared SQL, ${batch} per transaction: µs/invite ${((r.seconds * 1e6) / r.invites).toFixed(0)} (statements ${r.statementsUs!.toFixed(0)} + COMMIT ${r.commitUs!.toFixed(0)}; WAL file ${(r.walBytes! / 1e6).toFixed(1)} MB)`,
      )
    }
    console.log(
      'raw prepared SQL, statements only (no commit): µs/invite',
      replay.statementsOnly(2000).toFixed(0),
    )
    await checkpointer.close()
    sqlite.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
