import { Webhook as StandardWebhook } from 'standardwebhooks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MODULES } from '../../src/access/permissions.js'
import { expireInvitations } from '../../src/jobs/expire-invitations.js'
import {
  acceptInvite,
  emailedCodeFor,
  inviteAndAccept,
  inviteUser,
  STRONG_PASSWORD,
} from '../support/account-users.js'
import { testDialect } from '../support/database.js'
import { createAccount, createApiToken, createUserGroup } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import { hasValidSignature, startReceiver, type Receiver } from '../support/webhook-receiver.js'

const WEBHOOKS = '/public/v1/notifications/webhooks'
// Ports of this file (the brief's range 18500-18599): one receiver per test at most, two here.
const PORTS = [18510, 18511]

/** Issue #15: a real HTTP receiver hears every event of an invitation's life, signed, in order. */
describe(`webhooks to a real receiver (${testDialect})`, () => {
  let t: TestApp
  let receivers: Receiver[] = []
  let account: string
  let adminsGroup: string
  let otherGroup: string

  beforeEach(async () => {
    t = await buildTestApp({
      webhookAllowNetworks: ['127.0.0.0/8'],
      invitationTtlMs: 2 * 60_000,
      invitationReminderMs: null,
    })
    // Signatures carry the clock's time; receivers refuse one more than 5 minutes off theirs.
    t.clock.set(new Date())
    receivers = [await startReceiver(PORTS[0]!), await startReceiver(PORTS[1]!)]
    account = await createAccount(t.db.db, { type: 'Client', name: 'Contoso' })
    adminsGroup = await createUserGroup(t.db.db, account, {
      modules: [MODULES.accessManagement.id],
    })
    otherGroup = await createUserGroup(t.db.db, account, { modules: [MODULES.marketplace.id] })
  })
  afterEach(async () => {
    for (const r of receivers) await r.close()
    await t.close()
  })

  async function register(body: Record<string, unknown>, token?: string) {
    const res = await t.request({ method: 'POST', url: WEBHOOKS, payload: body, token })
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as { id: string; secret: string; status: string; events: string[] }
  }

  it('delivers every event of an invitation lifecycle once, in order, signed', async () => {
    const admin = (await createApiToken(t.db.db, account)).credential
    const hook = await register(
      { url: receivers[0]!.url, events: ['account-user.*'], description: 'CRM sync' },
      admin,
    )
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(hook.status).toBe('Enabled')
    // Another account's endpoint, subscribed to everything, hears none of it.
    const elsewhere = await createAccount(t.db.db, { type: 'Client' })
    await register({
      url: receivers[1]!.url,
      events: ['account-user.*', 'user-group.*', 'api-token.*', 'account.*'],
      account: { id: elsewhere },
    })

    const invited = await inviteUser(t, { accountId: account, groupIds: [otherGroup] })
    const path = invited.path
    expect((await t.request({ method: 'POST', url: `${path}/resend-invite` })).statusCode).toBe(200)
    t.clock.advance(t.config.invitationTtlMs)
    await expireInvitations({ db: t.db.db, clock: t.clock })
    expect((await t.request({ method: 'POST', url: `${path}/send-new-invite` })).statusCode).toBe(
      200,
    )
    const code = await emailedCodeFor(t, invited.email)
    const accepted = await acceptInvite(t, path, { code, password: STRONG_PASSWORD })
    expect(accepted.statusCode).toBe(200)
    const grouped = await t.request({
      method: 'POST',
      url: `${path}/groups`,
      payload: { id: adminsGroup },
    })
    expect(grouped.statusCode).toBe(200)
    const users = `/public/v1/accounts/users/${invited.userId}`
    expect((await t.request({ method: 'POST', url: `${users}/block` })).statusCode).toBe(200)
    expect((await t.request({ method: 'POST', url: `${users}/unblock` })).statusCode).toBe(200)
    expect((await t.request({ method: 'DELETE', url: path })).statusCode).toBe(204)

    // Delivered only now, in batches of concurrent requests: the order must still hold.
    await t.deliverWebhooks()
    const received = receivers[0]!.received
    expect(received.map((r) => r.json.type)).toEqual([
      'account-user.invited',
      'account-user.invitation-resent',
      'account-user.invitation-expired',
      'account-user.invitation-renewed',
      'account-user.accepted',
      'account-user.groups-changed',
      'account-user.blocked',
      'account-user.unblocked',
      'account-user.removed',
    ])
    expect(receivers[1]!.received).toEqual([])
    const verifier = new StandardWebhook(hook.secret)
    for (const r of received) {
      expect(hasValidSignature(hook.secret, r)).toBe(true)
      expect(() => verifier.verify(r.body, r.headers as Record<string, string>)).not.toThrow()
      expect(r.json.data.id).toBe(invited.accountUserId)
      expect(r.json.data.account.id).toBe(account)
      expect(r.json.data.invitation).not.toHaveProperty('url')
      expect(r.body).not.toContain('accept-invite')
      expect(r.body).not.toContain(code)
    }
    const ids = received.map((r) => r.headers['webhook-id'])
    expect(new Set(ids).size).toBe(received.length)
    expect(received[4]!.json.data.invitation.status).toBe('Active')
    expect(received[5]!.json.data.groups.map((g: { id: string }) => g.id).sort()).toEqual(
      [adminsGroup, otherGroup].sort(),
    )
    // A tampered body fails both checks.
    const forged = { ...received[0]!, body: received[0]!.body.replace('invited', 'removed') }
    expect(hasValidSignature(hook.secret, forged)).toBe(false)
    expect(() => verifier.verify(forged.body, forged.headers as Record<string, string>)).toThrow()

    const log = await t.request({ method: 'GET', url: `${WEBHOOKS}/${hook.id}/deliveries` })
    expect(log.statusCode).toBe(200)
    expect(log.json().$meta.pagination.total).toBe(9)
    for (const d of log.json().data) {
      expect(d).toMatchObject({ status: 'Delivered', attempts: 1, responseStatus: 200 })
      expect(d.durationMs).toBeGreaterThanOrEqual(0)
    }
  })

  it('announces an invitation with the account user as the API reads it, for a new and an existing person', async () => {
    await register({
      url: receivers[0]!.url,
      events: ['account-user.invited'],
      account: { id: account },
    })
    // A person who already belongs to another account, active there.
    const elsewhere = await createAccount(t.db.db, { type: 'Client' })
    const member = await inviteAndAccept(t, { accountId: elsewhere })
    const existing = await inviteUser(t, {
      accountId: account,
      email: member.email,
      groupIds: [otherGroup, adminsGroup],
    })
    const fresh = await inviteUser(t, { accountId: account, groupIds: [otherGroup] })
    expect(await t.deliverWebhooks()).toBe(2)
    const announced = new Map(
      receivers[0]!.received.map((r) => [r.json.data.id as string, r.json.data]),
    )
    for (const invited of [existing, fresh]) {
      const read = await t.request({
        method: 'GET',
        url: `/public/v1/accounts/account-users/${invited.accountUserId}`,
      })
      expect(read.statusCode).toBe(200)
      const { audit: _audit, $meta: _meta, invitation, ...rest } = read.json()
      expect(announced.get(invited.accountUserId)).toEqual({
        ...rest,
        invitation: { status: invitation.status },
      })
    }
  })

  it('announces user groups, API tokens and the account to the endpoints that take them', async () => {
    const hook = await register({
      url: receivers[0]!.url,
      events: ['user-group.created', 'api-token.*', 'account.updated'],
      account: { id: account },
    })
    const group = await t.request({
      method: 'POST',
      url: '/public/v1/accounts/user-groups',
      payload: {
        name: 'Finance',
        account: { id: account },
        modules: [{ id: MODULES.marketplace.id }],
        buyers: null,
      },
    })
    expect(group.statusCode, group.body).toBe(201)
    const token = await t.request({
      method: 'POST',
      url: '/public/v1/accounts/api-tokens',
      payload: { name: 'ERP', account: { id: account }, modules: [{ id: MODULES.marketplace.id }] },
    })
    expect(token.statusCode, token.body).toBe(201)
    const renamed = await t.request({
      method: 'PUT',
      url: `/public/v1/accounts/accounts/${account}`,
      payload: { name: 'Contoso Ltd' },
    })
    expect(renamed.statusCode).toBe(200)
    await inviteUser(t, { accountId: account, groupIds: [otherGroup] }) // not subscribed

    // Each its own answer: the log records every delivery's own status, also when written together.
    const answers: Record<string, number> = {
      'user-group.created': 201,
      'api-token.created': 202,
      'account.updated': 204,
    }
    receivers[0]!.respond = (r) => answers[r.json.type as string] ?? 500
    expect(await t.deliverWebhooks()).toBe(3)
    const log = await t.request({ method: 'GET', url: `${WEBHOOKS}/${hook.id}/deliveries` })
    const logged = log.json().data as Array<{
      event: { type: string }
      responseStatus: number
      status: string
    }>
    expect(
      Object.fromEntries(logged.map((d) => [d.event.type, [d.responseStatus, d.status]])),
    ).toEqual({
      'user-group.created': [201, 'Delivered'],
      'api-token.created': [202, 'Delivered'],
      'account.updated': [204, 'Delivered'],
    })
    // Three objects: sent concurrently, so they may arrive in any order (order holds per object).
    const received = receivers[0]!.received
    const byType = new Map(received.map((r) => [r.json.type as string, r]))
    expect(received).toHaveLength(3)
    expect([...byType.keys()].sort()).toEqual([
      'account.updated',
      'api-token.created',
      'user-group.created',
    ])
    expect(byType.get('user-group.created')!.json.data).toMatchObject({
      id: group.json().id,
      name: 'Finance',
    })
    expect(byType.get('api-token.created')!.json.data.id).toBe(token.json().id)
    expect(byType.get('api-token.created')!.body).not.toContain(String(token.json().token))
    expect(byType.get('account.updated')!.json.data).toMatchObject({
      id: account,
      name: 'Contoso Ltd',
    })
    for (const r of received) expect(hasValidSignature(hook.secret, r)).toBe(true)
  })

  it('tries again after a 500, with the same webhook-id, and redelivers on request', async () => {
    const hook = await register({
      url: receivers[0]!.url,
      events: ['account-user.invited'],
      account: { id: account },
    })
    receivers[0]!.respond = (_r, index) => (index === 0 ? 500 : 200)
    await inviteUser(t, { accountId: account, groupIds: [otherGroup] })

    expect(await t.deliverWebhooks()).toBe(0)
    const deliveries = async () =>
      (await t.request({ method: 'GET', url: `${WEBHOOKS}/${hook.id}/deliveries` })).json().data
    const [failed] = await deliveries()
    expect(failed).toMatchObject({
      status: 'Pending',
      attempts: 1,
      responseStatus: 500,
      error: 'the endpoint answered 500',
    })
    expect(Date.parse(failed.nextAttemptAt) - t.clock.now().getTime()).toBe(5000)

    t.clock.advance(4999)
    expect(await t.deliverWebhooks()).toBe(0)
    t.clock.advance(1)
    expect(await t.deliverWebhooks()).toBe(1)
    const [retried] = await deliveries()
    expect(retried).toMatchObject({ status: 'Delivered', attempts: 2, responseStatus: 200 })
    const received = receivers[0]!.received
    expect(received).toHaveLength(2)
    expect(received[1]!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id'])
    expect(received[1]!.body).toBe(received[0]!.body)

    const again = await t.request({
      method: 'POST',
      url: `${WEBHOOKS}/${hook.id}/deliveries/${retried.id}/redeliver`,
    })
    expect(again.statusCode, again.body).toBe(202)
    expect(again.json()).toMatchObject({ status: 'Pending', redeliveryOf: retried.id })
    expect(await t.deliverWebhooks()).toBe(1)
    expect(received).toHaveLength(3)
    expect(received[2]!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id'])
    expect(hasValidSignature(hook.secret, received[2]!)).toBe(true)
  })

  it('disables an endpoint that fails for the whole retry window, and mails its administrators', async () => {
    await t.close()
    t = await buildTestApp({
      webhookAllowNetworks: ['127.0.0.0/8'],
      webhookRetryWindowMs: 60_000,
    })
    t.clock.set(new Date())
    account = await createAccount(t.db.db, { type: 'Client', name: 'Contoso' })
    adminsGroup = await createUserGroup(t.db.db, account, {
      modules: [MODULES.accessManagement.id],
    })
    const admin = await inviteAndAccept(t, { accountId: account, groupIds: [adminsGroup] })
    await t.deliverEmails()
    const hook = await register({
      url: receivers[0]!.url,
      events: ['account-user.*'],
      account: { id: account },
    })
    receivers[0]!.respond = () => 503
    await inviteUser(t, { accountId: account, groupIds: [adminsGroup] })
    await inviteUser(t, { accountId: account, groupIds: [adminsGroup] })

    for (let round = 0; round < 20; round += 1) {
      await t.deliverWebhooks()
      t.clock.advance(15_000)
    }
    const read = await t.request({ method: 'GET', url: `${WEBHOOKS}/${hook.id}` })
    expect(read.json()).toMatchObject({ status: 'Disabled' })
    expect(read.json().disabledReason).toContain('the endpoint answered 503')
    const log = (
      await t.request({ method: 'GET', url: `${WEBHOOKS}/${hook.id}/deliveries?eq(status,Failed)` })
    ).json()
    expect(log.$meta.pagination.total).toBeGreaterThanOrEqual(1)
    const mails = (await t.deliverEmails()).filter((m) => m.kind === 'webhook-disabled')
    expect(mails.map((m) => m.to)).toEqual([admin.email])
    expect(mails[0]!.text).toContain(hook.id)
    expect(mails[0]!.text).toContain('1 minute')

    // Nothing is queued or sent while it is disabled; once enabled it hears the next events.
    const before = receivers[0]!.received.length
    await inviteUser(t, { accountId: account, groupIds: [adminsGroup] })
    await t.deliverWebhooks()
    expect(receivers[0]!.received.length).toBe(before)
    receivers[0]!.respond = () => 204
    const enabled = await t.request({ method: 'POST', url: `${WEBHOOKS}/${hook.id}/enable` })
    expect(enabled.json()).toMatchObject({ status: 'Enabled', disabledReason: null })
    const late = await inviteUser(t, { accountId: account, groupIds: [adminsGroup] })
    expect(await t.deliverWebhooks()).toBe(1)
    expect(receivers[0]!.received.at(-1)!.json.data.id).toBe(late.accountUserId)
  })
})
