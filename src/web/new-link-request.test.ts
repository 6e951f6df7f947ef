import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MODULES } from '../access/permissions.js'
import {
  auditEvents,
  inviteAndAccept,
  inviteUser,
  nextClientAddress,
  type Invited,
} from '../../test/support/account-users.js'
import { testDialect } from '../../test/support/database.js'
import { createAccount, createUserGroup } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

/** The expired-link page's button, posted as a browser posts a form. */
function askForNewLink(t: TestApp, code: string, remoteAddress = nextClientAddress()) {
  return t.app.inject({
    method: 'POST',
    url: '/accept-invite',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ code, action: 'ask-new-link' }).toString(),
    remoteAddress,
  })
}

describe(`"Ask for a new link" on the expired-link page (issue #15, ${testDialect})`, () => {
  let t: TestApp
  let account: string
  let admin: Invited
  let bystander: Invited
  let invitee: Invited

  beforeEach(async () => {
    t = await buildTestApp()
    account = await createAccount(t.db.db, { type: 'Client', name: 'Contoso' })
    const admins = await createUserGroup(t.db.db, account, {
      modules: [MODULES.accessManagement.id],
    })
    const buyers = await createUserGroup(t.db.db, account, { modules: [MODULES.marketplace.id] })
    admin = await inviteAndAccept(t, { accountId: account, groupIds: [admins] })
    bystander = await inviteAndAccept(t, { accountId: account, groupIds: [buyers] })
    await inviteUser(t, { accountId: account, groupIds: [admins] }) // an admin not yet joined
    invitee = await inviteUser(t, { accountId: account, groupIds: [buyers] })
    await t.deliverEmails()
    t.clock.advance(t.config.invitationTtlMs)
  })
  afterEach(async () => t.close())

  it('offers the button on the expired-link page', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/accept-invite?code=${invitee.code}` })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('This invitation has expired')
    expect(res.body).toContain('value="ask-new-link"')
  })

  it('mails each administrator of the account a link to its users page, once a day', async () => {
    const res = await askForNewLink(t, invitee.code)
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('administrators to send you a new invitation')
    for (const address of [invitee.email, admin.email]) expect(res.body).not.toContain(address)

    const mails = await t.deliverEmails()
    expect(mails.map((m) => [m.kind, m.to])).toEqual([['new-link-requested', admin.email]])
    expect(mails[0]!.text).toContain(`http://portal.test/console/accounts/${account}/users`)
    expect(mails[0]!.text).toContain(invitee.email)
    expect(
      await auditEvents(t, invitee.accountUserId, 'invitation-new-link-requested'),
    ).toHaveLength(1)

    // The copied link asks as well as the emailed one; within the day it changes nothing.
    t.clock.advance(23 * 60 * 60_000)
    expect((await askForNewLink(t, invitee.copiedCode)).statusCode).toBe(200)
    expect(await t.deliverEmails()).toEqual([])
    t.clock.advance(60 * 60_000)
    expect((await askForNewLink(t, invitee.code)).statusCode).toBe(200)
    expect((await t.deliverEmails()).map((m) => m.to)).toEqual([admin.email])
    expect(bystander.email).not.toBe(admin.email)
  })

  it('sends a new link itself when the account allows self-renewal, naming no address', async () => {
    const put = await t.request({
      method: 'PUT',
      url: `/public/v1/accounts/accounts/${account}`,
      payload: { name: 'Contoso', settings: { invitations: { selfRenew: true } } },
    })
    expect(put.statusCode, put.body).toBe(200)
    expect(put.json().settings).toEqual({ invitations: { selfRenew: true } })

    const res = await askForNewLink(t, invitee.code)
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('A new invitation is on its way')
    expect(res.body).not.toContain(invitee.email)

    const mails = await t.deliverEmails()
    expect(mails.map((m) => [m.kind, m.to])).toEqual([['invitation', invitee.email]])
    expect(mails[0]!.subject).toContain('new invitation')
    const read = await t.request({ method: 'GET', url: invitee.path })
    expect(read.json().invitation.status).toBe('Invited')
    const [renewed] = await auditEvents(t, invitee.accountUserId, 'invitation-renewed')
    expect(renewed!.by).toBeNull()
    expect(JSON.parse(renewed!.details!)).toEqual({ requestedBy: 'invitee' })
    // The old link is dead: asking with it again is refused, and nothing more is sent.
    const again = await askForNewLink(t, invitee.code)
    expect(again.statusCode).toBe(400)
    expect(await t.deliverEmails()).toEqual([])
  })

  it('refuses a wrong code and an invitation that has not expired, mailing no one', async () => {
    const fresh = await inviteUser(t, { accountId: account })
    await t.deliverEmails()
    expect((await askForNewLink(t, fresh.code)).statusCode).toBe(400)
    expect((await askForNewLink(t, `${invitee.code.slice(0, -4)}AAAA`)).statusCode).toBe(400)
    expect(await t.deliverEmails()).toEqual([])
  })

  it('limits the asks from one address', async () => {
    const address = '10.77.0.1'
    for (let i = 0; i < 5; i += 1)
      expect((await askForNewLink(t, invitee.code, address)).statusCode).toBe(200)
    const refused = await askForNewLink(t, invitee.code, address)
    expect(refused.statusCode).toBe(429)
    expect(refused.json().code).toBe('RATE_LIMITED')
  })
})
