import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEmailDispatcher, type EmailDispatcher } from '../../src/email/email-dispatcher.js'
import { createSmtpMailer } from '../../src/email/mailer.js'
import { inviteUser, type Invited } from '../support/account-users.js'
import { testDialect } from '../support/database.js'
import { startDroppingServer, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

// Ports of this file, within the brief's range.
const SMTP_PORT = 18530
const DROPPING_PORT = 18531
const quiet = { info() {}, warn() {}, error() {} }

/** Issue #15: invitation emails through a real SMTP server, and what the account user shows. */
describe(`invitation delivery through a real SMTP server (${testDialect})`, () => {
  let t: TestApp
  let sink: SmtpSink
  let mailer: ReturnType<typeof createSmtpMailer>
  let dispatcher: EmailDispatcher

  function dispatcherTo(url: string) {
    mailer = createSmtpMailer(url)
    return createEmailDispatcher({
      db: t.db.db,
      box: t.services.box,
      clock: t.clock,
      mailer,
      logger: quiet,
      config: t.config,
      random: () => 0.5,
    })
  }

  async function delivery(invited: Invited) {
    const res = await t.request({
      method: 'GET',
      url: `${invited.path}?select=invitation.delivery`,
    })
    expect(res.statusCode).toBe(200)
    return res.json().invitation.delivery
  }

  beforeEach(async () => {
    t = await buildTestApp()
    sink = await startSmtpSink(SMTP_PORT)
    dispatcher = dispatcherTo(sink.url)
  })
  afterEach(async () => {
    mailer.close()
    await sink.close()
    await t.close()
  })

  it('delivers the invitation: Queued, then Sent with its Message-ID', async () => {
    const invited = await inviteUser(t)
    expect(await delivery(invited)).toEqual({
      status: 'Queued',
      attempts: 0,
      lastAttemptAt: null,
      sentAt: null,
      error: null,
    })
    // Omitted unless selected.
    expect((await t.request({ method: 'GET', url: invited.path })).json().invitation).toEqual({
      status: 'Invited',
      url: expect.any(String),
    })

    expect(await dispatcher.dispatchDue()).toBe(1)
    const [mail] = sink.mails
    expect(mail!.to).toEqual([invited.email])
    expect(mail!.subject).toContain('You are invited to join')
    expect(mail!.raw).toContain('Content-Type: multipart/alternative')
    const row = await t.db.db.selectFrom('email_outbox').selectAll().executeTakeFirstOrThrow()
    expect(mail!.messageId).toBe(row.message_id)
    expect(await delivery(invited)).toEqual({
      status: 'Sent',
      attempts: 1,
      lastAttemptAt: t.clock.now().toISOString(),
      sentAt: t.clock.now().toISOString(),
      error: null,
    })
  })

  it('retries after a 421 and then delivers', async () => {
    sink.rcptReply = (_session, index) => (index === 0 ? 421 : undefined)
    const invited = await inviteUser(t)

    expect(await dispatcher.dispatchDue()).toBe(0)
    const retrying = await delivery(invited)
    expect(retrying).toMatchObject({ status: 'Queued', attempts: 1, sentAt: null })
    expect(retrying.error).toContain('421')
    t.clock.advance(2000)
    expect(await dispatcher.dispatchDue()).toBe(1)
    expect(sink.mails).toHaveLength(1)
    expect(await delivery(invited)).toMatchObject({ status: 'Sent', attempts: 2, error: null })
  })

  it('fails at once on a 550, and a Failed invitation can be resent', async () => {
    sink.rcptReply = (_session, index) => (index === 0 ? 550 : undefined)
    const invited = await inviteUser(t)

    expect(await dispatcher.dispatchDue()).toBe(0)
    const failed = await delivery(invited)
    expect(failed).toMatchObject({ status: 'Failed', attempts: 1, sentAt: null })
    expect(failed.error).toContain('550')
    t.clock.advance(60 * 60_000)
    expect(await dispatcher.dispatchDue()).toBe(0)
    expect(sink.mails).toEqual([])

    const resent = await t.request({ method: 'POST', url: `${invited.path}/resend-invite` })
    expect(resent.statusCode).toBe(200)
    expect(await delivery(invited)).toMatchObject({ status: 'Queued', attempts: 0 })
    expect(await dispatcher.dispatchDue()).toBe(1)
    expect(await delivery(invited)).toMatchObject({ status: 'Sent', attempts: 1 })
    expect(sink.mails.map((m) => m.to)).toEqual([[invited.email]])
  })

  it('retries when the server drops the connection, then delivers once it answers', async () => {
    const dropping = await startDroppingServer(DROPPING_PORT)
    mailer.close()
    const broken = dispatcherTo(dropping.url)
    try {
      const invited = await inviteUser(t)
      expect(await broken.dispatchDue()).toBe(0)
      const retrying = await delivery(invited)
      expect(retrying).toMatchObject({ status: 'Queued', attempts: 1 })
      expect(retrying.error).toMatch(/ECONNECTION|ESOCKET|closed|Connection/i)
      t.clock.advance(2000)
      expect(await broken.dispatchDue()).toBe(0)
      expect(await delivery(invited)).toMatchObject({ status: 'Queued', attempts: 2 })
      mailer.close()
      dispatcher = dispatcherTo(sink.url)
      t.clock.advance(4000)
      expect(await dispatcher.dispatchDue()).toBe(1)
      expect(await delivery(invited)).toMatchObject({ status: 'Sent', attempts: 3 })
    } finally {
      await dropping.close()
    }
  })

  it('shows the delivery in lists too, for the members that have one', async () => {
    const invited = await inviteUser(t)
    await dispatcher.dispatchDue()
    const res = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/account-users?eq(id,${invited.accountUserId})&select=invitation.delivery`,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().data[0].invitation.delivery.status).toBe('Sent')
  })
})
