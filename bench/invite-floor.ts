/**
 * How much of an invite is SQLite, measured in-process (no HTTP): `npx tsx bench/invite-floor.ts`.
 *  1. the service's invite, one at a time (each its own COMMIT) and 8 at a time (group commit);
 *  2. the exact statements one invite issues (captured through a Kysely plugin), replayed with
 *     fresh ids as raw prepared better-sqlite3 statements: 1 and 8 invites per transaction, and
 *     the statements alone without any COMMIT.
 * The replay is the floor any implementation of this data model pays on SQLite for an invite.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import type { CompiledQuery, KyselyPlugin } from 'kysely'
import { loadConfig } from '../src/config.js'
import { connectDatabase } from '../src/db/connect.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { ensureFirstStart } from '../src/first-start.js'
import { createServices } from '../src/services.js'
import { createInvitationService } from '../src/account-users/invitation-service.js'
import { systemClock } from '../src/lib/clock.js'

const dir = mkdtempSync(join(tmpdir(), 'floor-'))
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
const invite = (inv = services.invitations) =>
  inv.invite({
    actor,
    accountId: first.operationsAccountId,
    user: { email: `u${++n}@example.com`, firstName: 'Ada', lastName: 'L' },
    groups: [{ id: first.defaultGroupId }],
    invitation: { status: 'Invited' },
  })
for (let i = 0; i < 2000; i++) await invite()
let t = performance.now()
for (let i = 0; i < 2000; i++) await invite()
console.log('service, sequential: µs/invite', (((performance.now() - t) * 1000) / 2000).toFixed(0))
t = performance.now()
for (let i = 0; i < 250; i++) await Promise.all(Array.from({ length: 8 }, () => invite()))
console.log(
  'service, 8 concurrent (group commit): µs/invite',
  (((performance.now() - t) * 1000) / 2000).toFixed(0),
)
// capture one invite's SQL
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
await invite(
  createInvitationService({ ...services.accountUserDeps, db: services.db.withPlugin(plugin) }),
)
for (const q of captured) console.log(q.sql.slice(0, 120))
await database.close()
// raw replay on a second connection, same file
const raw = new SqliteDatabase(join(dir, 'a.db'))
raw.pragma('journal_mode = WAL')
raw.pragma('synchronous = NORMAL')
const stmts = captured.map((q) => ({
  st: raw.prepare(q.sql),
  params: [...q.parameters] as unknown[],
}))
let k = 0
const fresh = (params: unknown[]) =>
  params.map((p) =>
    typeof p === 'string'
      ? p
          .replace(/u\d+@example\.com/, `r${k}@example.com`)
          .replace(
            /^(USR|AUSR)-(\d{4})-(\d{4})/,
            (_m, pre) =>
              `${pre}-${String(k % 10000).padStart(4, '0')}-${String(Math.floor(k / 10000) + 5000).padStart(4, '0')}`,
          )
      : p,
  )
function once() {
  k++
  for (const { st, params } of stmts) {
    const v = fresh(params)
    if (st.reader) st.all(v)
    else st.run(v)
  }
}
for (const batch of [1, 8]) {
  t = performance.now()
  for (let i = 0; i < 2000 / batch; i++) {
    raw.exec('BEGIN IMMEDIATE')
    for (let j = 0; j < batch; j++) once()
    raw.exec('COMMIT')
  }
  console.log(
    `raw prepared SQL, ${batch} per transaction: µs/invite`,
    (((performance.now() - t) * 1000) / 2000).toFixed(0),
  )
}
t = performance.now()
raw.exec('BEGIN IMMEDIATE')
for (let j = 0; j < 2000; j++) once()
raw.exec('ROLLBACK')
console.log(
  'raw prepared SQL, statements only (no commit): µs/invite',
  (((performance.now() - t) * 1000) / 2000).toFixed(0),
)
