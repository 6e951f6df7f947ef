import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDb, testDialect } from '../../test/support/database.js'
import { createRecordingMailer, type RecordingMailer } from '../../test/support/recording-mailer.js'
import { parseDatabaseUrl } from '../config.js'
import { connectDatabase, type Db } from '../db/connect.js'
import { FakeClock } from '../lib/clock.js'
import { createSecretBox } from '../lib/secrets.js'
import type { OutgoingEmail } from './email.js'
import {
  backoffMs,
  createEmailDispatcher,
  describeSendError,
  isPermanentFailure,
  newMessageId,
} from './email-dispatcher.js'
import type { Logger, Mailer } from './mailer.js'
import { enqueueEmail } from './outbox.js'

const mailFrom = 'Accounts <noreply@example.test>'
const box = createSecretBox('dispatcher-test-key')
const quietLogger: Logger = { info() {}, warn() {}, error() {} }
const LEASE_MS = 30_000
const WINDOW_MS = 60 * 60_000

function email(n: number): OutgoingEmail {
  const link = `https://portal.example.test/accept-invite?code=secret-code-${n}`
  return {
    kind: 'invitation',
    to: `user${n}@example.com`,
    subject: `Hi ${n}`,
    text: link,
    html: link,
  }
}

/** What nodemailer rejects with when the server answers `code` (SMTP reply codes). */
function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(`Can't send mail - ${code} ${text}`), {
    code: 'EENVELOPE',
    responseCode: code,
  })
}

describe('email dispatcher', () => {
  let database: Db
  let clock: FakeClock
  let mailer: RecordingMailer

  function dispatcher(
    overrides: { mailer?: Mailer; leaseMs?: number; windowMs?: number; db?: Db } = {},
  ) {
    return createEmailDispatcher({
      db: (overrides.db ?? database).db,
      box,
      clock,
      mailer: overrides.mailer ?? mailer,
      logger: quietLogger,
      config: {
        mailFrom,
        mailClaimLeaseMs: overrides.leaseMs ?? LEASE_MS,
        mailRetryWindowMs: overrides.windowMs ?? WINDOW_MS,
      },
      random: () => 0.5,
    })
  }

  function outboxRows() {
    return database.db.selectFrom('email_outbox').selectAll().orderBy('id').execute()
  }

  beforeAll(async () => {
    database = await createTestDb({ poolSize: 4 })
  })
  afterAll(async () => database.close())
  beforeEach(async () => {
    await database.db.deleteFrom('email_outbox').execute()
    clock = new FakeClock()
    mailer = createRecordingMailer()
  })

  it('delivers a queued message once, from the configured sender, with a stored Message-ID', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))

    expect(await dispatcher().dispatchDue()).toBe(1)
    expect(await dispatcher().dispatchDue()).toBe(0)

    const [row] = await outboxRows()
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 1,
      last_error: null,
      claimed_at: null,
      lease_expires_at: null,
    })
    expect(row!.message_id).toMatch(/^<[0-9a-f-]{36}@example\.test>$/)
    expect(mailer.sent).toEqual([{ ...email(1), from: mailFrom, messageId: row!.message_id }])
    expect(new Date(row!.sent_at!).toISOString()).toBe(clock.now().toISOString())
    expect(new Date(row!.last_attempt_at!).toISOString()).toBe(clock.now().toISOString())
  })

  it('sends nothing before a message is due, and at most batchSize per call', async () => {
    for (const n of [1, 2, 3]) await enqueueEmail(database.db, { box, clock }, email(n))
    clock.advance(-1000)
    expect(await dispatcher().dispatchDue()).toBe(0)
    clock.advance(1000)
    expect(await dispatcher().dispatchDue(2)).toBe(2)
    expect(await dispatcher().dispatchDue(2)).toBe(1)
    expect(mailer.sent.map((m) => m.to)).toEqual([
      'user1@example.com',
      'user2@example.com',
      'user3@example.com',
    ])
  })

  it('retries a transient failure (421, a refused connection) with backoff, keeping its Message-ID', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))
    mailer.failNext(1, smtpError(421, 'Service not available, closing channel'))

    expect(await dispatcher().dispatchDue()).toBe(0)
    let [row] = await outboxRows()
    expect(row).toMatchObject({ status: 'pending', attempts: 1, claimed_at: null })
    expect(row!.last_error).toBe(
      "EENVELOPE: Can't send mail - 421 Service not available, closing channel",
    )
    const firstId = row!.message_id
    expect(new Date(row!.next_attempt_at).getTime()).toBe(clock.now().getTime() + 2000)

    mailer.failNext(
      1,
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' }),
    )
    clock.advance(1999)
    expect(await dispatcher().dispatchDue()).toBe(0)
    expect(mailer.attempts).toHaveLength(1)
    clock.advance(1)
    expect(await dispatcher().dispatchDue()).toBe(0)
    ;[row] = await outboxRows()
    expect(row).toMatchObject({ status: 'pending', attempts: 2, message_id: firstId })
    expect(new Date(row!.next_attempt_at).getTime()).toBe(clock.now().getTime() + 4000)

    clock.advance(4000)
    expect(await dispatcher().dispatchDue()).toBe(1)
    ;[row] = await outboxRows()
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 3,
      last_error: null,
      message_id: firstId,
    })
    expect(mailer.attempts.map((m) => m.messageId)).toEqual([firstId, firstId, firstId])
  })

  it('fails a permanent refusal (550) at once, without another try', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))
    mailer.failNext(1, smtpError(550, 'No such user'))

    expect(await dispatcher().dispatchDue()).toBe(0)
    clock.advance(WINDOW_MS)
    expect(await dispatcher().dispatchDue()).toBe(0)

    const [row] = await outboxRows()
    expect(row).toMatchObject({ status: 'failed', attempts: 1, sent_at: null })
    expect(row!.last_error).toContain('550 No such user')
    expect(mailer.attempts).toHaveLength(1)
  })

  it('gives up once the retry window has passed, and marks the message failed', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))
    mailer.failNext(1000)

    let tries = 0
    for (; tries < 100; tries += 1) {
      await dispatcher({ windowMs: 60_000 }).dispatchDue()
      const [row] = await outboxRows()
      if (row!.status === 'failed') break
      expect(new Date(row!.next_attempt_at).getTime()).toBeLessThanOrEqual(
        new Date(row!.created_at).getTime() + 60_000,
      )
      clock.set(new Date(row!.next_attempt_at))
    }
    const [row] = await outboxRows()
    expect(row).toMatchObject({ status: 'failed', sent_at: null })
    // 2+4+8+16 s of backoff, then a last try at the end of the minute
    expect(row!.attempts).toBe(6)
    expect(clock.now().getTime() - new Date(row!.created_at).getTime()).toBe(60_000)

    mailer.failNext(0)
    clock.advance(24 * 60 * 60_000)
    expect(await dispatcher().dispatchDue()).toBe(0)
    expect(mailer.sent).toEqual([])
  })

  it('keeps links and codes out of last_error', async () => {
    await enqueueEmail(database.db, { box, clock }, email(7))
    const link = 'https://portal.example.test/accept-invite?code=secret-code-7'
    mailer.failNext(1, new Error(`451 rejected ${link}\nbody follows`))

    await dispatcher().dispatchDue()

    const [row] = await outboxRows()
    expect(row!.last_error).toBe('451 rejected [url]')
    expect(describeSendError(new Error(`bad token ${'A'.repeat(43)}=`))).toBe(
      'bad token [redacted]',
    )
    const long = Object.assign(new Error('too long '.repeat(60)), { code: 'EAUTH' })
    expect(describeSendError(long)).toHaveLength(200)
  })

  it('takes over a message once its sender stops renewing the lease, with the same Message-ID', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))
    let finishStuckSend: () => void = () => {}
    const stuckMailer: Mailer = {
      send: () =>
        new Promise((resolve) => {
          finishStuckSend = () => resolve({ messageId: '<late@test>' })
        }),
    }
    // A lease longer than the test: its renewal timer never fires, as if the process were frozen.
    const stuck = dispatcher({ mailer: stuckMailer }).dispatchDue()
    await waitUntil(async () => (await outboxRows())[0]?.status === 'sending')
    const [claimed] = await outboxRows()
    expect(new Date(claimed!.lease_expires_at!).getTime()).toBe(clock.now().getTime() + LEASE_MS)

    clock.advance(LEASE_MS - 1)
    expect(await dispatcher().dispatchDue()).toBe(0)
    clock.advance(1)
    expect(await dispatcher().dispatchDue()).toBe(1)
    expect(mailer.sent).toHaveLength(1)
    expect(mailer.sent[0]!.messageId).toBe(claimed!.message_id)

    // The stopped sender wakes up: its outcome must not overwrite the new claim's.
    finishStuckSend()
    expect(await stuck).toBe(1)
    const [row] = await outboxRows()
    expect(row).toMatchObject({ status: 'sent', attempts: 2, message_id: claimed!.message_id })
  })

  it('renews the lease while the transport works, so a live sender keeps its message', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))
    let finish: () => void = () => {}
    const slowMailer: Mailer = {
      send: () =>
        new Promise((resolve) => {
          finish = () => resolve({ messageId: '<slow@test>' })
        }),
    }
    const leaseMs = 90
    const sending = dispatcher({ mailer: slowMailer, leaseMs }).dispatchDue()
    await waitUntil(async () => (await outboxRows())[0]?.status === 'sending')
    const firstLease = new Date((await outboxRows())[0]!.lease_expires_at!).getTime()
    clock.advance(60)
    // The renewal (every leaseMs / 3 of real time) moves the lease past the clock's new reading.
    await waitUntil(
      async () => new Date((await outboxRows())[0]!.lease_expires_at!).getTime() > firstLease,
      2000,
    )
    clock.advance(60) // past the first lease, not past the renewed one
    expect(await dispatcher({ leaseMs }).dispatchDue()).toBe(0)
    finish()
    expect(await sending).toBe(1)
    expect(mailer.sent).toEqual([])
    expect((await outboxRows())[0]).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('hands claims back at shutdown, due at once for another node', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))
    const hanging: Mailer = { send: () => new Promise(() => {}) }
    const stopping = dispatcher({ mailer: hanging })
    void stopping.dispatchDue()
    await waitUntil(async () => (await outboxRows())[0]?.status === 'sending')
    stopping.stop()
    expect(await stopping.releaseClaims()).toBe(1)
    expect(await dispatcher().dispatchDue()).toBe(1)
    expect((await outboxRows())[0]).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('delivers each message exactly once when two dispatchers run concurrently', async () => {
    const count = 60
    for (let n = 0; n < count; n += 1) await enqueueEmail(database.db, { box, clock }, email(n))
    const other = await openSecondConnection(database)
    try {
      const second = dispatcher({ db: other })
      const first = dispatcher()
      let delivered = 0
      for (let round = 0; round < 10 && delivered < count; round += 1) {
        const results = await Promise.all([
          first.dispatchDue(25),
          second.dispatchDue(25),
          first.dispatchDue(25),
          second.dispatchDue(25),
        ])
        delivered += results.reduce((sum, n) => sum + n, 0)
      }
      expect(delivered).toBe(count)
      const recipients = mailer.sent.map((m) => m.to)
      expect(recipients).toHaveLength(count)
      expect(new Set(recipients).size).toBe(count)
      const rows = await outboxRows()
      expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true)
      expect(new Set(rows.map((row) => row.message_id)).size).toBe(count)
    } finally {
      if (other !== database) await other.close()
    }
  })
})

describe('failure classification and backoff', () => {
  it('treats 5xx replies as permanent and 4xx replies and connection errors as transient', () => {
    expect(isPermanentFailure(smtpError(550, 'no'))).toBe(true)
    expect(isPermanentFailure(smtpError(554, 'no'))).toBe(true)
    expect(isPermanentFailure(smtpError(421, 'later'))).toBe(false)
    expect(isPermanentFailure(smtpError(451, 'later'))).toBe(false)
    expect(
      isPermanentFailure(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' })),
    ).toBe(false)
    expect(isPermanentFailure(new Error('timeout'))).toBe(false)
  })

  it('doubles from 2 s up to 15 minutes, spread ±25 %', () => {
    expect(backoffMs(1, () => 0.5)).toBe(2000)
    expect(backoffMs(3, () => 0.5)).toBe(8000)
    expect(backoffMs(30, () => 0.5)).toBe(15 * 60_000)
    expect(backoffMs(3, () => 0)).toBe(6000)
    expect(backoffMs(3, () => 0.999999)).toBe(10_000)
  })

  it('takes the Message-ID domain from MAIL_FROM', () => {
    expect(newMessageId('"Acme" <noreply@acme.example>')).toMatch(/^<[0-9a-f-]{36}@acme\.example>$/)
    expect(newMessageId('noreply@acme.example')).toMatch(/@acme\.example>$/)
  })
})

/** On PostgreSQL a pool of its own on the same schema, like another server process. */
async function openSecondConnection(database: Db): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL
  if (testDialect !== 'postgres' || !url) return database // in-memory SQLite has one connection
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
    database.db,
  )
  const options = encodeURIComponent(`-c search_path=${rows[0]!.schema}`)
  const target = parseDatabaseUrl(`${url}${url.includes('?') ? '&' : '?'}options=${options}`)
  if (!target) throw new Error('TEST_DATABASE_URL is not a postgres URL')
  return connectDatabase(target, { poolSize: 4 })
}

/** Polls real I/O (no clock involved) until the condition holds, for at most `ms`. */
async function waitUntil(condition: () => Promise<boolean>, ms = 1000): Promise<void> {
  const until = performance.now() + ms
  while (performance.now() < until) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error('condition never held')
}
