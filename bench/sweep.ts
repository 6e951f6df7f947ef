/**
 * The `sweep-1m` scenario (issue #17): the invitation-expiry sweep over 1,000,000 account users of
 * which 100,000 are invitations past their deadline (bench/sweep-data.ts), on SQLite and, with
 * BENCH_DATABASE_URL, on PostgreSQL. Per database, three fresh copies of the seeded template:
 *  - floor: the same change as one statement set (every due row updated and audited in one
 *    transaction, no batches, no locks skipped), run directly on the database: what the database
 *    itself needs for it, the baseline the sweep is measured against;
 *  - sweep: `expireInvitations` as the job runs it, in a service child (src/main.ts's wiring,
 *    bench/app-server.ts), nothing else running: the sweep work (target < 2 s);
 *  - under reads: the same sweep while a client reads over HTTP without pause (LIST_CACHE off):
 *    the totals of `eq(invitation.status,InvitationExpired|Invited|Active)` and due account users
 *    one by one, each compared with what they read before the sweep (reads show the expiry from
 *    the deadline on; storing it must change nothing a reader sees).
 * After each sweep: 100,000 rows stored InvitationExpired, one `invitation-expired` audit event
 * each, nothing due. The service child's RSS is sampled every 200 ms (idle before, peak during).
 */
import http from 'node:http'
import { sql, type Kysely } from 'kysely'
import { parseDatabaseUrl } from '../src/config.js'
import { connectDatabase } from '../src/db/connect.js'
import type { Database } from '../src/db/schema.js'
import { startChild, type ServerChild } from './child.js'
import { postgresSweepDatabase, sqliteSweepDatabase, type SweepDatabase } from './sweep-data.js'

const COUNT = 1_000_000
const TARGET_MS = 2000

interface Verdict {
  storedExpired: number
  audits: number
  distinctAudited: number
  auditedNotExpired: number
  stillDue: number
}

interface Result {
  label: string
  due: number
  floorMs: number
  sweep: { expired: number; ms: number }
  underReads: { expired: number; ms: number }
  reads: { n: number; wrong: string[]; p50: number; p99: number }
  rss: { idleMb: number; peakMb: number }
  verdicts: Verdict[]
  storedExpiredBefore: number
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

function get(url: string, token: string): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const req = http.get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - t0,
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

const sweepAt = (database: SweepDatabase) =>
  new Date(Date.parse(database.seedNow) + 60_000).toISOString()

function open(database: SweepDatabase) {
  return connectDatabase(parseDatabaseUrl(database.url)!, { poolSize: 2 })
}

async function countStoredExpired(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('account_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'InvitationExpired')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The due ids of a fresh copy (to read some of them one by one during the sweep). */
async function dueIds(database: SweepDatabase, limit: number): Promise<string[]> {
  const { db, close } = open(database)
  try {
    const rows = await db
      .selectFrom('account_users')
      .select('id')
      .where('status', '=', 'Invited')
      .where('invitation_expires_at', '<=', sweepAt(database))
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map((r) => r.id)
  } finally {
    await close()
  }
}

/** The whole change in one transaction, straight on the database: the floor of the sweep. */
async function floor(database: SweepDatabase): Promise<number> {
  const { db, dialect, close } = open(database)
  const now = sweepAt(database)
  try {
    const t0 = performance.now()
    if (dialect === 'postgres') {
      await sql`
        WITH expired AS (
          UPDATE account_users SET status = 'InvitationExpired', version = version + 1
          WHERE status = 'Invited' AND invitation_expires_at <= ${now}
          RETURNING id, account_id
        )
        INSERT INTO audit_events (object_type, object_id, account_id, event, at, by, details)
        SELECT 'account-user', id, account_id, 'invitation-expired', ${now}, NULL, NULL FROM expired
      `.execute(db)
    } else {
      await db.transaction().execute(async (trx) => {
        await sql`
          INSERT INTO audit_events (object_type, object_id, account_id, event, at, by, details)
          SELECT 'account-user', id, account_id, 'invitation-expired', ${now}, NULL, NULL
          FROM account_users WHERE status = 'Invited' AND invitation_expires_at <= ${now}
        `.execute(trx)
        await sql`
          UPDATE account_users SET status = 'InvitationExpired', version = version + 1
          WHERE status = 'Invited' AND invitation_expires_at <= ${now}
        `.execute(trx)
      })
    }
    return performance.now() - t0
  } finally {
    await close()
  }
}

async function verdict(database: SweepDatabase): Promise<Verdict> {
  const { db, close } = open(database)
  try {
    const audits = await sql<{ n: number; d: number; wrong: number }>`
      SELECT count(*) AS n, count(DISTINCT e.object_id) AS d,
        sum(CASE WHEN au.status = 'InvitationExpired' THEN 0 ELSE 1 END) AS wrong
      FROM audit_events AS e LEFT JOIN account_users AS au ON au.id = e.object_id
      WHERE e.event = 'invitation-expired'`.execute(db)
    const due = await db
      .selectFrom('account_users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'Invited')
      .where('invitation_expires_at', '<=', sweepAt(database))
      .executeTakeFirstOrThrow()
    const a = audits.rows[0]!
    return {
      storedExpired: await countStoredExpired(db),
      audits: Number(a.n),
      distinctAudited: Number(a.d),
      auditedNotExpired: Number(a.wrong ?? 0),
      stillDue: Number(due.n),
    }
  } finally {
    await close()
  }
}

async function serviceOn(database: SweepDatabase, name: string): Promise<ServerChild> {
  return startChild(name, './app-server.ts', {
    env: {
      BENCH_APP_DATABASE_URL: database.url,
      BENCH_CLOCK_AT: sweepAt(database),
      BENCH_LIST_CACHE: 'off',
    },
    startTimeoutMs: 300_000,
  })
}

function sampleRss(child: ServerChild) {
  const samples: number[] = []
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      samples.push(await child.call<number>('rss'))
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  })()
  return {
    samples,
    async stop() {
      stopped = true
      await loop
    },
  }
}

const LISTS = {
  InvitationExpired: 'eq(invitation.status,InvitationExpired)&limit=1',
  Invited: 'eq(invitation.status,Invited)&limit=1',
  Active: 'eq(invitation.status,Active)&limit=1',
} as const

async function readAll(child: ServerChild, ids: string[]) {
  const token = String(child.info.token)
  const answers = new Map<string, string>()
  const ms: number[] = []
  for (const [status, query] of Object.entries(LISTS)) {
    const res = await get(`${child.url}/public/v1/accounts/account-users?${query}`, token)
    ms.push(res.ms)
    const total = (JSON.parse(res.body) as { $meta?: { pagination?: { total?: number } } }).$meta
      ?.pagination?.total
    answers.set(`${status} total`, `${res.status} ${total}`)
  }
  for (const id of ids) {
    const res = await get(`${child.url}/public/v1/accounts/account-users/${id}`, token)
    ms.push(res.ms)
    const status = (JSON.parse(res.body) as { invitation?: { status?: string } }).invitation?.status
    answers.set(id, `${res.status} ${status}`)
  }
  return { answers, ms }
}

async function runOne(
  label: string,
  prepare: () => Promise<SweepDatabase>,
  log: (m: string) => void,
): Promise<Result> {
  const verdicts: Verdict[] = []

  const forFloor = await prepare()
  log(
    `${label}: ${forFloor.where}, ${forFloor.due.toLocaleString('en')} due (copied in ${forFloor.copySeconds.toFixed(1)} s)`,
  )
  const storedExpiredBefore = await (async () => {
    const { db, close } = open(forFloor)
    try {
      return await countStoredExpired(db)
    } finally {
      await close()
    }
  })()
  let floorMs: number
  try {
    floorMs = await floor(forFloor)
    verdicts.push(await verdict(forFloor))
  } finally {
    await forFloor.drop()
  }
  log(`${label}: floor ${(floorMs / 1000).toFixed(2)} s`)

  const forSweep = await prepare()
  let sweep: { expired: number; ms: number }
  let rss: { idleMb: number; peakMb: number }
  try {
    const child = await serviceOn(forSweep, `service ${label} sweep`)
    try {
      const idle = await child.call<number>('rss')
      const sampler = sampleRss(child)
      sweep = await child.call<{ expired: number; ms: number }>('sweep')
      await sampler.stop()
      rss = { idleMb: idle / 2 ** 20, peakMb: Math.max(idle, ...sampler.samples) / 2 ** 20 }
    } finally {
      await child.stop()
    }
    verdicts.push(await verdict(forSweep))
  } finally {
    await forSweep.drop()
  }
  log(`${label}: sweep ${sweep.expired} in ${(sweep.ms / 1000).toFixed(2)} s`)

  const forReads = await prepare()
  let underReads: { expired: number; ms: number }
  const reads = { n: 0, wrong: [] as string[], p50: NaN, p99: NaN }
  try {
    const ids = await dueIds(forReads, 20)
    const child = await serviceOn(forReads, `service ${label} reads`)
    try {
      const before = await readAll(child, ids)
      let sweeping = true
      const sweepDone = child.call<{ expired: number; ms: number }>('sweep').finally(() => {
        sweeping = false
      })
      const ms: number[] = []
      while (sweeping) {
        const now = await readAll(child, ids)
        ms.push(...now.ms)
        for (const [key, value] of now.answers) {
          if (before.answers.get(key) !== value && reads.wrong.length < 5)
            reads.wrong.push(`${key}: ${before.answers.get(key)} → ${value}`)
        }
        reads.n += now.ms.length
      }
      const after = await readAll(child, ids)
      for (const [key, value] of after.answers)
        if (before.answers.get(key) !== value) reads.wrong.push(`after: ${key} → ${value}`)
      underReads = await sweepDone
      reads.p50 = percentile(ms, 50)
      reads.p99 = percentile(ms, 99)
      log(
        `${label}: reads before the sweep: ${[...before.answers]
          .slice(0, 3)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      )
    } finally {
      await child.stop()
    }
    verdicts.push(await verdict(forReads))
  } finally {
    await forReads.drop()
  }
  log(`${label}: under reads ${(underReads.ms / 1000).toFixed(2)} s, ${reads.n} reads`)
  return {
    label,
    due: forFloor.due,
    floorMs,
    sweep,
    underReads,
    reads,
    rss,
    verdicts,
    storedExpiredBefore,
  }
}

export async function runSweep(
  log: (m: string) => void,
  options: { reseed: boolean },
): Promise<string[]> {
  const targets: Array<{ label: string; prepare: () => Promise<SweepDatabase> }> = [
    { label: 'SQLite', prepare: () => sqliteSweepDatabase(COUNT, { ...options, log }) },
  ]
  const pgUrl = process.env.BENCH_DATABASE_URL
  if (pgUrl)
    targets.push({
      label: 'PostgreSQL',
      prepare: () => postgresSweepDatabase(pgUrl, COUNT, { ...options, log }),
    })
  const results: Result[] = []
  for (const target of targets) results.push(await runOne(target.label, target.prepare, log))

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  const out = [
    '',
    `sweep-1m (issue #17): ${COUNT.toLocaleString('en')} account users, ${results[0]!.due.toLocaleString('en')} invitations past their deadline (1 row in 10, spread over the whole table), each database a fresh copy per measurement`,
    '  database     floor (1 statement set)  sweep (as the job)  rows/s   under reads  reads (p50 / p99 ms)       RSS idle → peak',
  ]
  const failures: string[] = []
  for (const r of results) {
    const rate = Math.round(r.sweep.expired / (r.sweep.ms / 1000))
    out.push(
      `  ${r.label.padEnd(11)}  ${s(r.floorMs).padStart(23)}  ${s(r.sweep.ms).padStart(18)}  ${String(rate).padStart(6)}  ${s(r.underReads.ms).padStart(11)}  ${`${r.reads.n}, ${r.reads.wrong.length ? 'WRONG' : 'all correct'} (${r.reads.p50.toFixed(0)} / ${r.reads.p99.toFixed(0)})`.padEnd(25)}  ${r.rss.idleMb.toFixed(0)} → ${r.rss.peakMb.toFixed(0)} MB`,
    )
    for (const w of r.reads.wrong) out.push(`    read changed: ${w}`)
    const names = ['floor', 'sweep', 'under reads']
    r.verdicts.forEach((v, i) => {
      const ok =
        v.audits === r.due &&
        v.distinctAudited === r.due &&
        v.auditedNotExpired === 0 &&
        v.stillDue === 0 &&
        v.storedExpired === r.storedExpiredBefore + r.due
      if (!ok) failures.push(`${r.label} ${names[i]}: ${JSON.stringify(v)}`)
    })
  }
  out.push(
    `  after every run: ${results.map((r) => `${r.label} ${r.verdicts.every((v) => v.stillDue === 0 && v.audits === r.due && v.distinctAudited === r.due && v.auditedNotExpired === 0) ? `${r.due.toLocaleString('en')} stored InvitationExpired with one audit event each, none left due` : 'MISMATCH'}`).join('; ')}`,
    '  floor: every due row updated and audited by one statement set in one transaction, straight on the database (the least the database',
    '  needs for this change); sweep: src/jobs/expire-invitations.ts in a service child, alone; under reads: the same while a client reads over',
    '  HTTP (status totals and due account users one by one, LIST_CACHE=off), every read compared with the same read before the sweep.',
  )
  for (const r of results)
    out.push(
      `Target: ${r.label} sweep of ${r.due.toLocaleString('en')} < ${s(TARGET_MS)} → ${s(r.sweep.ms)} (floor ${s(r.floorMs)}) ${r.sweep.ms < TARGET_MS ? 'PASS' : 'MISSED'}; reads correct throughout: ${r.reads.wrong.length === 0 ? 'PASS' : 'FAILED'}`,
    )
  if (failures.length) throw new Error(`sweep-1m: wrong result\n${failures.join('\n')}`)
  return out
}
