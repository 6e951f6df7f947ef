/**
 * The invite floor as a child of bench/run.ts (its own process, like the service): a database of
 * its own (BENCH_FLOOR_DATABASE_URL: a fresh PostgreSQL database, or a SQLite file in a temp
 * folder), migrated and first-started as the service's; one invite captured through the service's
 * code (bench/invite-floor.ts), then replayed raw on demand (`replay`). No HTTP server.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../src/config.js'
import { connectDatabase, openSqlite } from '../src/db/connect.js'
import { startWalCheckpointer } from '../src/db/sqlite-checkpointer.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { ensureFirstStart } from '../src/first-start.js'
import { systemClock } from '../src/lib/clock.js'
import { createServices } from '../src/services.js'
import { startCpuProfile, stopCpuProfile } from './cpu-profile.js'
import { batchSizes, captureInvite, postgresReplay, sqliteReplay } from './invite-floor.js'
import { serveCalls } from './protocol.js'

const BENCH_TOKEN = 'idt:TKN-0000-0001:bench-operations-secret-0123456789'
const dataDir = mkdtempSync(join(tmpdir(), 'accounts-floor-'))
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }))
const config = {
  ...loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.BENCH_FLOOR_DATABASE_URL || join(dataDir, 'floor.db'),
    LOG_LEVEL: 'silent',
    BOOTSTRAP_TOKEN: BENCH_TOKEN,
  }),
  secretKey: 'bench-secret-key-bench-secret-key-0123456789',
}
const database = connectDatabase(config.database)
await migrateToLatest(database.db)
const services = createServices({ database, clock: systemClock, config })
const first = await ensureFirstStart(
  { db: database.db, dialect: database.dialect, clock: systemClock },
  { bootstrapToken: config.bootstrapToken },
)
const actor = await services.authenticator.authenticate(BENCH_TOKEN)
if (!actor) throw new Error('the bootstrap token does not authenticate')
const invite = await captureInvite(services, {
  actor,
  accountId: first.operationsAccountId,
  groupId: first.defaultGroupId,
  email: 'captured@example.com',
})
await database.close()

const target = config.database
// Opened as src/db/connect.ts opens the service's: the same pragmas, the same checkpointing.
const sqlite = target.dialect === 'sqlite' ? openSqlite(target.filename) : undefined
const checkpointer =
  sqlite && target.dialect === 'sqlite' ? startWalCheckpointer(sqlite, target.filename) : undefined
const replaySqlite = sqlite ? sqliteReplay(sqlite, invite, checkpointer) : undefined
const replayPostgres =
  target.dialect === 'postgres'
    ? await postgresReplay(
        target.connectionString,
        invite,
        Number(process.env.BENCH_FLOOR_CONCURRENCY ?? 10),
      )
    : undefined

serveCalls({
  /** The statements of one invite, as replayed. */
  statements: () => invite.statements.map((s) => s.sql),
  /**
   * Replays invites for `durationSec`: SQLite with `batchMean` invites per transaction on average
   * (the service's group-commit batching); PostgreSQL on its concurrent clients.
   */
  async replay(durationSec: number, batchMean = 1) {
    if (replaySqlite) return replaySqlite.run(durationSec, batchSizes(batchMean))
    return replayPostgres!.run(durationSec)
  },
  profileStart: () => startCpuProfile(),
  profileStop: (label: string) => stopCpuProfile(label),
  async stop() {
    await checkpointer?.close()
    sqlite?.close()
    await replayPostgres?.close()
    setImmediate(() => process.exit(0))
  },
})

process.send?.({
  type: 'ready',
  port: 0,
  info: { dialect: target.dialect, statements: invite.statements.length },
})
