import { afterEach, describe, expect, it } from 'vitest'
import { hasValidSignature, startReceiver, type Receiver } from '../support/webhook-receiver.js'
import { inviteBody, invitationCodeFrom } from '../support/factories.js'
import { startSmtpSink, type CapturedMail, type SmtpSink } from '../support/smtp-sink.js'
import {
  BOOTSTRAP_TOKEN,
  createServerDatabase,
  startServer,
  type ServerDatabase,
  type SpawnedServer,
} from '../support/spawned-server.js'
import { STRONG_PASSWORD } from '../support/account-users.js'

// Ports of this file, within the brief's range 18500-18599.
const SERVER_PORTS = [18540, 18541]
const SMTP_PORT = 18550
const RECEIVER_PORT = 18552
const auth = { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' }

/** Polls (real time) until `find` returns something, for at most `ms`. */
async function waitFor<T>(
  find: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: string,
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const found = await find()
    if (found !== undefined) return found
    if (Date.now() > until) throw new Error(`waited ${ms} ms for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function operationsGroup(server: SpawnedServer) {
  const groups = (await (
    await fetch(`${server.base}/public/v1/accounts/user-groups`, { headers: auth })
  ).json()) as { data: Array<{ id: string; account: { id: string } }> }
  return { groupId: groups.data[0]!.id, accountId: groups.data[0]!.account.id }
}

async function invite(server: SpawnedServer, accountId: string, groupId: string, email: string) {
  const res = await fetch(`${server.base}/public/v1/accounts/${accountId}/users`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify(inviteBody(email, [groupId])),
  })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; accountUserId: string }
}

/** Issue #15 with the real service: separate processes, real time, a real SMTP server. */
describe('delivery with the real process', () => {
  let database: ServerDatabase | undefined
  const servers: SpawnedServer[] = []
  let sink: SmtpSink | undefined
  let receiver: Receiver | undefined
  afterEach(async () => {
    for (const s of servers.splice(0)) s.child.kill('SIGKILL')
    await sink?.close()
    await receiver?.close()
    await database?.drop()
    sink = receiver = database = undefined
  })

  it('INVITATION_TTL=6s, INVITATION_REMINDER=3s: one reminder, then the expiry, then "ask for a new link" mails the administrator', async () => {
    database = await createServerDatabase()
    sink = await startSmtpSink(SMTP_PORT)
    const server = await startServer(database, SERVER_PORTS[0]!, {
      SMTP_URL: sink.url,
      INVITATION_TTL: '6s',
      INVITATION_REMINDER: '3s',
      MAIL_POLL_INTERVAL_MS: '100',
      SWEEP_INTERVAL_MS: '200',
      FAILURE_DELAY_MS: '0',
    })
    servers.push(server)
    const { accountId, groupId } = await operationsGroup(server)
    const to = (address: string, subject: RegExp) => (m: CapturedMail) =>
      m.to.includes(address) && subject.test(m.subject ?? '')

    // An administrator joins (the default Operations group has Access Management).
    const admin = await invite(server, accountId, groupId, 'admin@example.com')
    const adminMail = await waitFor(
      () => sink!.mails.find(to('admin@example.com', /invited/)),
      5000,
      'the admin invitation',
    )
    const joined = await fetch(
      `${server.base}/public/v1/accounts/${accountId}/users/${admin.id}/accept-invite`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: invitationCodeFrom(adminMail.raw),
          password: STRONG_PASSWORD,
        }),
      },
    )
    expect(joined.status).toBe(200)

    const invitee = await invite(server, accountId, groupId, 'late@example.com')
    const sentAt = Date.now()
    const invitation = await waitFor(
      () => sink!.mails.find(to('late@example.com', /invited/)),
      5000,
      'the invitation',
    )
    const code = invitationCodeFrom(invitation.raw)
    const reminder = await waitFor(
      () => sink!.mails.find(to('late@example.com', /^Reminder/)),
      8000,
      'the reminder',
    )
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2500)
    expect(invitationCodeFrom(reminder.raw)).toBe(code)

    const status = async () =>
      (
        (await (
          await fetch(`${server.base}/public/v1/accounts/${accountId}/users/${invitee.id}`, {
            headers: auth,
          })
        ).json()) as { invitation: { status: string } }
      ).invitation.status
    await waitFor(
      async () => ((await status()) === 'InvitationExpired' ? true : undefined),
      8000,
      'the expiry',
    )
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(5500)
    expect(sink.mails.filter(to('late@example.com', /^Reminder/))).toHaveLength(1)

    const page = await fetch(`${server.base}/accept-invite?code=${code}`)
    expect(await page.text()).toContain('Ask for a new link')
    const asked = await fetch(`${server.base}/accept-invite`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code, action: 'ask-new-link' }).toString(),
    })
    expect(asked.status).toBe(200)
    const body = await asked.text()
    expect(body).not.toContain('late@example.com')
    expect(body).not.toContain('admin@example.com')
    const notice = await waitFor(
      () => sink!.mails.find(to('admin@example.com', /asks for a new invitation/)),
      5000,
      'the administrator’s notice',
    )
    expect(notice.raw.replace(/=\r?\n/g, '')).toContain(`/console/accounts/${accountId}/users`)
    expect(sink.mails.filter(to('late@example.com', /^Reminder/))).toHaveLength(1)
  }, 90_000)

  it('a node killed while holding a claim: another node sends the email once the lease runs out, with the same Message-ID', async () => {
    database = await createServerDatabase()
    sink = await startSmtpSink(SMTP_PORT)
    const env = { SMTP_URL: sink.url, MAIL_POLL_INTERVAL_MS: '100', MAIL_CLAIM_LEASE: '3s' }
    const first = await startServer(database, SERVER_PORTS[0]!, env)
    servers.push(first)
    let killedAt = 0
    // The server has the whole message; the sender dies before it hears 250 (nor marks it sent).
    sink.onMessage = async () => {
      if (killedAt) return
      killedAt = Date.now()
      first.child.kill('SIGKILL')
      await first.exited
    }
    const { accountId, groupId } = await operationsGroup(first)
    await invite(first, accountId, groupId, 'lease@example.com')
    await waitFor(() => (killedAt ? true : undefined), 10_000, 'the first send')

    const db = database.open()
    try {
      const held = await db.db.selectFrom('email_outbox').selectAll().executeTakeFirstOrThrow()
      expect(held.status).toBe('sending')
      expect(
        new Date(held.lease_expires_at!).getTime() - new Date(held.claimed_at!).getTime(),
      ).toBe(3000)

      const second = await startServer(database, SERVER_PORTS[1]!, env)
      servers.push(second)
      const again = await waitFor(() => sink!.mails[1], 30_000, 'the second send')
      // Taken over within the lease (3 s) of starting, far from the old 5-minute takeover.
      expect(Date.now() - killedAt).toBeLessThan(30_000)
      expect(again.messageId).toBeDefined()
      expect(again.messageId).toBe(sink.mails[0]!.messageId)
      const row = await waitFor(
        async () => {
          const r = await db.db.selectFrom('email_outbox').selectAll().executeTakeFirstOrThrow()
          return r.status === 'sent' ? r : undefined
        },
        5000,
        'the row marked sent',
      )
      expect(row.attempts).toBe(2)
      expect(row.message_id).toBe(again.messageId)
    } finally {
      await db.close()
    }
  }, 120_000)

  it('a server killed between a change and its webhook delivery delivers it after the restart', async () => {
    database = await createServerDatabase()
    receiver = await startReceiver(RECEIVER_PORT)
    const env = { WEBHOOK_ALLOW_NETWORKS: '127.0.0.0/8', WEBHOOK_POLL_INTERVAL_MS: '600000' }
    const first = await startServer(database, SERVER_PORTS[0]!, env)
    servers.push(first)
    const { accountId, groupId } = await operationsGroup(first)
    const created = await fetch(`${first.base}/public/v1/notifications/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url: receiver.url, events: ['account-user.invited'] }),
    })
    expect(created.status).toBe(201)
    const { secret } = (await created.json()) as { secret: string }
    // The first node polls the queue at start only: the invitation's event waits in the queue.
    const invited = await invite(first, accountId, groupId, 'hooked@example.com')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(receiver.received).toEqual([])
    first.child.kill('SIGKILL')
    await first.exited

    const second = await startServer(database, SERVER_PORTS[1]!, {
      ...env,
      WEBHOOK_POLL_INTERVAL_MS: '200',
    })
    servers.push(second)
    const arrived = await waitFor(() => receiver!.received[0], 20_000, 'the delivery')
    expect(arrived.json.type).toBe('account-user.invited')
    expect(arrived.json.data.id).toBe(invited.accountUserId)
    expect(hasValidSignature(secret, arrived)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(receiver.received).toHaveLength(1)
  }, 120_000)
})
