import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  auditEvents,
  inviteUser,
  oneTimeCodeFor,
  scopedUsersPath,
  STRONG_PASSWORD,
} from '../../test/support/account-users.js'
import { Browser, registeredMember, textOf, type Member } from '../../test/support/console.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe("the invitee's page: decline, terms of use, phone, one click when signed in (issue #14)", () => {
  let t: TestApp
  let inviter: Member
  beforeEach(async () => {
    t = await buildTestApp({ termsUrl: 'https://example.com/terms' })
    inviter = await registeredMember(t)
  })
  afterEach(async () => t.close())

  /** The inviter invites through the console, so the invitation's sender is a person. */
  async function inviteFromConsole(email: string) {
    const browser = new Browser(t)
    await browser.signIn(inviter.email, inviter.password)
    await browser.get(`/console/accounts/${inviter.accountId}/users/invite`)
    const groupId = /name="groupIds" value="(UGR-[\d-]+)"/.exec(browser.html)![1]!
    await browser.post(`/console/accounts/${inviter.accountId}/users/invite`, {
      addresses: `${email}, Dora, Decline`,
      groupIds: groupId,
    })
    const mails = await t.deliverEmails()
    const mail = mails.find((m) => m.kind === 'invitation' && m.to === email)!
    const code = decodeURIComponent(/accept-invite\?code=([A-Za-z0-9_%=-]+)/.exec(mail.text)![1]!)
    const member = (
      await t.request({
        method: 'GET',
        url: `${scopedUsersPath(inviter.accountId)}?eq(email,${email})`,
      })
    ).json().data[0]
    return { code, userId: member.id as string, accountUserId: member.accountUserId as string }
  }

  it('declines from the emailed link: the membership goes, the audit says so, the inviter is told', async () => {
    const { code, accountUserId, userId } = await inviteFromConsole('dora@example.com')
    const browser = new Browser(t)
    const page = await browser.get(`/accept-invite?code=${encodeURIComponent(code)}`)
    expect(page.body).toContain('value="decline"')
    const res = await browser.post('/accept-invite', { code, action: 'decline' })
    expect(res.statusCode).toBe(200)
    expect(textOf(res.body)).toContain('You declined the invitation to join')
    const gone = await t.request({
      method: 'GET',
      url: `${scopedUsersPath(inviter.accountId)}/${userId}`,
    })
    expect(gone.statusCode).toBe(404)
    const [event] = await auditEvents(t, accountUserId, 'invitation-declined')
    expect(JSON.parse(event!.by!)).toMatchObject({ id: userId })
    const told = (await t.deliverEmails()).find((m) => m.kind === 'invitation-declined')
    expect(told).toMatchObject({ to: inviter.email })
    expect(told!.text).toContain('dora@example.com')
    const user = await t.db.db
      .selectFrom('users')
      .select('status')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    expect(user.status).toBe('Disabled')
    // The link is dead now.
    expect(
      (await new Browser(t).get(`/accept-invite?code=${encodeURIComponent(code)}`)).statusCode,
    ).toBe(400)
  })

  it("announces the decline to the account's webhooks with the membership as it was", async () => {
    const app = await buildTestApp({ webhookAllowNetworks: ['127.0.0.0/8'] })
    try {
      const member = await registeredMember(app)
      const hook = await app.request({
        method: 'POST',
        url: '/public/v1/notifications/webhooks',
        payload: {
          url: 'http://127.0.0.1:9/hook',
          events: ['account-user.declined'],
          account: { id: member.accountId },
        },
      })
      expect(hook.statusCode, hook.body).toBe(201)
      const invited = await inviteUser(app, { accountId: member.accountId })
      const res = await new Browser(app).post('/accept-invite', {
        code: invited.code,
        action: 'decline',
      })
      expect(res.statusCode).toBe(200)
      const deliveries = await app.db.db
        .selectFrom('webhook_deliveries')
        .select(['event_type', 'payload'])
        .where('webhook_id', '=', hook.json().id)
        .execute()
      expect(deliveries.map((d) => d.event_type)).toEqual(['account-user.declined'])
      const body = JSON.parse(String(deliveries[0]!.payload))
      expect(body.data).toMatchObject({
        id: invited.accountUserId,
        invitation: { status: 'Invited' },
        account: { id: member.accountId },
      })
    } finally {
      await app.close()
    }
  })

  it('does not decline from a copied link without proof of the mailbox', async () => {
    const invited = await inviteUser(t, { accountId: inviter.accountId })
    const browser = new Browser(t)
    const res = await browser.post('/accept-invite', {
      code: invited.copiedCode,
      action: 'decline',
    })
    expect(res.statusCode).toBe(400)
    expect(textOf(res.body)).toContain('emailed you a code')
    expect((await t.request({ method: 'GET', url: invited.path })).statusCode).toBe(200)
    const oneTimeCode = await oneTimeCodeFor(t, invited.email)
    const declined = await browser.post('/accept-invite', {
      code: invited.copiedCode,
      action: 'decline',
      oneTimeCode,
    })
    expect(declined.statusCode).toBe(200)
    expect((await t.request({ method: 'GET', url: invited.path })).statusCode).toBe(404)
  })

  it('asks a new user to accept the terms of use and stores the phone they give', async () => {
    const invited = await inviteUser(t, { accountId: inviter.accountId })
    const browser = new Browser(t)
    const page = await browser.get(`/accept-invite?code=${encodeURIComponent(invited.code)}`)
    expect(page.body).toContain('href="https://example.com/terms"')
    const fields = {
      code: invited.code,
      action: 'accept',
      firstName: 'Tess',
      lastName: 'Terms',
      phonePrefix: '+44',
      phoneNumber: '2079460000',
      password: STRONG_PASSWORD,
      confirm: STRONG_PASSWORD,
    }
    const refused = await browser.post('/accept-invite', fields)
    expect(refused.statusCode).toBe(400)
    expect(textOf(refused.body)).toContain('accept the terms of use')
    const accepted = await browser.post('/accept-invite', { ...fields, terms: 'accepted' })
    expect(accepted.statusCode).toBe(200)
    const member = (await t.request({ method: 'GET', url: invited.path })).json()
    expect(member).toMatchObject({
      status: 'Active',
      phone: { prefix: '+44', number: '2079460000' },
    })
  })

  it('accepts in one click for the signed-in invitee, from a copied link, but not for another person', async () => {
    const other = await registeredMember(t)
    const invited = await inviteUser(t, { accountId: inviter.accountId, email: other.email })
    const url = `/accept-invite?code=${encodeURIComponent(invited.copiedCode)}`

    const someoneElse = new Browser(t)
    await someoneElse.signIn(inviter.email, inviter.password)
    const theirs = await someoneElse.get(url)
    expect(textOf(theirs.body)).toContain(
      `You are signed in as ${inviter.email}, but this invitation is for ${other.email}`,
    )
    expect(theirs.body).toContain('Confirm it is you')
    const notProof = await someoneElse.post('/accept-invite', {
      code: invited.copiedCode,
      action: 'accept',
      _csrf: /name="_csrf" value="([^"]+)"/.exec(theirs.body)?.[1] ?? someoneElse.csrfToken() ?? '',
    })
    expect(notProof.statusCode).toBe(400)
    expect((await t.request({ method: 'GET', url: invited.path })).json().status).toBe('Invited')

    const invitee = new Browser(t)
    await invitee.signIn(other.email, other.password)
    const page = await invitee.get(url)
    expect(textOf(page.body)).toContain(`You are signed in as ${other.email}`)
    expect(page.body).not.toContain('Confirm it is you')
    // The session proves the invitee only with the page's token: a forged post does not.
    const forged = await invitee.post('/accept-invite', {
      code: invited.copiedCode,
      action: 'accept',
      _csrf: 'x',
    })
    expect(forged.statusCode).toBe(400)
    await invitee.get(url)
    const done = await invitee.post('/accept-invite', {
      code: invited.copiedCode,
      action: 'accept',
    })
    expect(done.statusCode).toBe(200)
    expect(textOf(done.body)).toContain('You have joined')
    const [event] = await auditEvents(t, invited.accountUserId, 'invitation-accepted')
    expect(JSON.parse(event!.details!)).toEqual({ confirmedBy: 'session' })
  })
})
