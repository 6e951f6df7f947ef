import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDb, testDialect } from '../../test/support/database.js'
import { createRecordingMailer, type RecordingMailer } from '../../test/support/recording-mailer.js'
import { parseDatabaseUrl } from '../config.js'
import { connectDatabase, type Db } from '../db/connect.js'
import { FakeClock } from '../lib/clock.js'
import { createSecretBox } from '../lib/secrets.js'
import type { OutgoingEmail } from './email.js'
import { createEmailDispatcher, describeSendError, STALE_CLAIM_MS } from './email-dispatcher.js'
import type { Logger, Mailer } from './mailer.js'
import { enqueueEmail } from './outbox.js'

const mailFrom = 'SoftwareOne Marketplace <noreply@example.test>'
const box = createSecretBox('dispatcher-test-key')
const quietLogger: Logger = { info() {}, warn() {}, error() {} }

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

describe('email dispatcher', () => {
  let database: Db
  let clock: FakeClock
  let mailer: RecordingMailer

  function dispatcher(overrides: { mailer?: Mailer; mailMaxAttempts?: number } = {}) {
    return createEmailDispatcher({
      db: database.db,
      box,
      clock,
      mailer: overrides.mailer ?? mailer,
      logger: quietLogger,
      config: { mailFrom, mailMaxAttempts: overrides.mailMaxAttempts ?? 3 },
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

  it('delivers a queued message once, from the configured sender', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))

    expect(await dispatcher().dispatchDue()).toBe(1)
    expect(await dispatcher().dispatchDue()).toBe(0)

    expect(mailer.sent).toEqual([{ ...email(1), from: mailFrom }])
    const [row] = await outboxRows()
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null, claimed_at: null })
    expect(new Date(row!.sent_at!).toISOString()).toBe(clock.now().toISOString())
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

  it('backs off exponentially after failures, then delivers', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))
    mailer.failNext(2)

    expect(await dispatcher().dispatchDue()).toBe(0)
    let [row] = await outboxRows()
    expect(row).toMatchObject({ status: 'pending', attempts: 1, claimed_at: null })
    expect(row!.last_error).toBe('connect ECONNREFUSED 127.0.0.1:25')
    const firstFailureAt = clock.now().getTime()
    expect(new Date(row!.next_attempt_at).getTime()).toBe(firstFailureAt + 2000)

    clock.advance(1999)
    expect(await dispatcher().dispatchDue()).toBe(0)
    clock.advance(1)
    expect(await dispatcher().dispatchDue()).toBe(0)
    ;[row] = await outboxRows()
    expect(row).toMatchObject({ status: 'pending', attempts: 2 })
    expect(new Date(row!.next_attempt_at).getTime()).toBe(clock.now().getTime() + 4000)

    clock.advance(4000)
    expect(await dispatcher().dispatchDue()).toBe(1)
    ;[row] = await outboxRows()
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null })
    expect(mailer.sent).toHaveLength(1)
  })

  it('gives up after mailMaxAttempts and marks the message failed', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))
    mailer.failNext(10)

    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await dispatcher({ mailMaxAttempts: 3 }).dispatchDue()).toBe(0)
      clock.advance(60 * 60_000)
    }
    const [row] = await outboxRows()
    expect(row).toMatchObject({ status: 'failed', attempts: 3, sent_at: null })

    mailer.failNext(0)
    clock.advance(24 * 60 * 60_000)
    expect(await dispatcher({ mailMaxAttempts: 3 }).dispatchDue()).toBe(0)
    expect(mailer.sent).toEqual([])
  })

  it('keeps links and codes out of last_error', async () => {
    await enqueueEmail(database.db, { box, clock }, email(7))
    const link = 'https://portal.example.test/accept-invite?code=secret-code-7'
    mailer.failNext(1, new Error(`550 rejected ${link}\nbody follows`))

    await dispatcher().dispatchDue()

    const [row] = await outboxRows()
    expect(row!.last_error).toBe('550 rejected [url]')
    expect(describeSendError(new Error(`bad token ${'A'.repeat(43)}=`))).toBe(
      'bad token [redacted]',
    )
    const long = Object.assign(new Error('too long '.repeat(60)), { code: 'EAUTH' })
    expect(describeSendError(long)).toHaveLength(200)
  })

  it('takes over a message whose sender stopped mid-send for 5 minutes', async () => {
    await enqueueEmail(database.db, { box, clock }, email(1))
    let finishStuckSend: () => void = () => {}
    const stuckMailer: Mailer = {
      send: () =>
        new Promise((resolve) => {
          finishStuckSend = () => resolve({ messageId: '<late@test>' })
        }),
    }
    const stuck = dispatcher({ mailer: stuckMailer }).dispatchDue()
    await waitUntil(async () => (await outboxRows())[0]?.status === 'sending')

    clock.advance(STALE_CLAIM_MS - 1)
    expect(await dispatcher().dispatchDue()).toBe(0)
    clock.advance(1)
    expect(await dispatcher().dispatchDue()).toBe(1)
    expect(mailer.sent).toHaveLength(1)

    // The stopped sender wakes up: its outcome must not overwrite the new claim's.
    finishStuckSend()
    expect(await stuck).toBe(1)
    const [row] = await outboxRows()
    expect(row).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('delivers each message exactly once when two dispatchers run concurrently', async () => {
    const count = 60
    for (let n = 0; n < count; n += 1) await enqueueEmail(database.db, { box, clock }, email(n))
    const other = await openSecondConnection(database)
    try {
      const second = createEmailDispatcher({
        db: other.db,
        box,
        clock,
        mailer,
        logger: quietLogger,
        config: { mailFrom, mailMaxAttempts: 3 },
      })
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
    } finally {
      if (other !== database) await other.close()
    }
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

/** Polls real I/O (no clock involved) until the condition holds. */
async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await condition()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error('condition never held')
}
