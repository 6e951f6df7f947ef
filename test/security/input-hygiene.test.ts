import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LEGACY_PATH, scopedUsersPath } from '../support/account-users.js'
import { testDialect } from '../support/database.js'
import { ADDRESS } from '../access/access-fixture.js'
import { createBuyer, inviteBody } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import {
  API,
  OWN_PASSWORD,
  adminInvites,
  createTenant,
  emailedCode,
  postAccept,
  type Tenant,
} from './attack-support.js'

/** Issue #12, the smaller findings on input: addresses, passwords, names, disabled accounts. */
describe(`issue #12: input hygiene (${testDialect})`, () => {
  let t: TestApp
  let a: Tenant

  beforeAll(async () => {
    t = await buildTestApp()
    a = await createTenant(t, 'Client A')
  })
  afterAll(async () => t.close())

  const SMUGGLED = [
    'a<attacker@evil.example>',
    'v@a.com,evil.org',
    'v@a.com, w@evil.org',
    'Name <v@a.com>',
    '"quoted local"@example.com',
    'v@a.com\r\nBcc: x@evil.example',
    'v@@a.com',
    'v@a',
    '.v@a.com',
    'v..w@a.com',
    'v@-a.com',
    'v@a..com',
  ]

  it.each(['sdk', 'v4', 'legacy'] as const)(
    'refuses an invite to anything but one bare address (%s family)',
    async (family) => {
      for (const email of SMUGGLED) {
        const res = await t.request({
          method: 'POST',
          url: family === 'legacy' ? LEGACY_PATH : scopedUsersPath(a.id, family),
          token: a.token,
          payload: inviteBody(email, [a.groupId], family === 'legacy' ? a.id : undefined),
        })
        expect(res.statusCode, email).toBe(400)
        expect(Object.keys(res.json().errors ?? {}), email).toContain('user.email')
      }
      await t.deliverEmails()
      expect(t.mailer.sent.filter((m) => /evil/.test(m.to))).toEqual([])
    },
  )

  it('accepts an internationalised domain and stores the address normalised', async () => {
    const res = await t.request({
      method: 'POST',
      url: scopedUsersPath(a.id),
      token: a.token,
      payload: inviteBody('  Grace.Hopper@BÜCHER.Example ', [a.groupId]),
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().email).toBe('Grace.Hopper@bücher.example')
    const again = await t.request({
      method: 'POST',
      url: scopedUsersPath(a.id),
      token: a.token,
      payload: inviteBody('grace.hopper@xn--bcher-kva.example', [a.groupId]),
    })
    expect(again.statusCode).toBe(400)
    expect(again.json().code).toBe('ACCOUNT_USER_ALREADY_EXISTS')
  })

  it('refuses a smuggled address in PUT /users/{id} with the same rule', async () => {
    const invited = await adminInvites(t, a, 'put-email@example.com')
    const res = await t.request({
      method: 'PUT',
      url: `${API}/users/${invited.userId}`,
      token: a.token,
      payload: { email: 'put-email@example.com,evil.org' },
    })
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toContain('email')
  })

  it('applies the same rule to the account support email and the buyer contact email', async () => {
    const buyerId = await createBuyer(t.db.db, a.id)
    for (const email of ['v@a.com,evil.org', 'Name <v@a.com>']) {
      const account = await t.request({
        method: 'PUT',
        url: `${API}/accounts/${a.id}`,
        payload: { name: 'Client A', technicalSupportEmail: email },
      })
      expect(account.statusCode, email).toBe(400)
      expect(Object.keys(account.json().errors)).toEqual(['technicalSupportEmail'])
      const buyer = await t.request({
        method: 'PUT',
        url: `${API}/buyers/${buyerId}`,
        payload: { name: 'Buyer', address: ADDRESS, contact: { email } },
      })
      expect(buyer.statusCode, email).toBe(400)
      expect(Object.keys(buyer.json().errors)).toEqual(['contact.email'])
    }
    const idn = await t.request({
      method: 'PUT',
      url: `${API}/accounts/${a.id}`,
      payload: { name: 'Client A', technicalSupportEmail: 'help@BÜCHER.example' },
    })
    expect(idn.statusCode).toBe(200)
    expect(idn.json().technicalSupportEmail).toBe('help@bücher.example')
  })

  it('refuses control characters in a password (they are not "special characters")', async () => {
    const email = 'control@example.com'
    const invited = await adminInvites(t, a, email)
    const code = await emailedCode(t, email)
    for (const password of [
      'Passw0rd\u0000x',
      'Passw0rdAbc\u0007',
      'Passw0rd\nAbc',
      'Passw0rdAb\u007f',
    ]) {
      const res = await postAccept(t, invited.path, { code, password })
      expect(res.statusCode, JSON.stringify(password)).toBe(400)
      expect(res.json().code).toBe('PASSWORD_POLICY')
    }
    const ok = await postAccept(t, invited.path, { code, password: OWN_PASSWORD })
    expect(ok.statusCode).toBe(200)
  })

  it('refuses whitespace-only names on invite, PUT account user, PUT user and accept', async () => {
    const body = inviteBody('blank-names@example.com', [a.groupId])
    body.user.firstName = '   '
    const invite = await t.request({
      method: 'POST',
      url: scopedUsersPath(a.id),
      token: a.token,
      payload: body,
    })
    expect(invite.statusCode).toBe(400)
    expect(Object.keys(invite.json().errors)).toContain('user.firstName')

    const email = 'names@example.com'
    const invited = await adminInvites(t, a, email)
    const put = await t.request({
      method: 'PUT',
      url: invited.path,
      token: a.token,
      payload: { user: { lastName: ' \t ' }, groups: [{ id: a.groupId }] },
    })
    expect(put.statusCode).toBe(400)
    const putUser = await t.request({
      method: 'PUT',
      url: `${API}/users/${invited.userId}`,
      token: a.token,
      payload: { firstName: '  ' },
    })
    expect(putUser.statusCode).toBe(400)
    const accept = await postAccept(t, invited.path, {
      code: await emailedCode(t, email),
      password: OWN_PASSWORD,
      firstName: '   ',
    })
    expect(accept.statusCode).toBe(400)
    expect(Object.keys(accept.json().errors)).toContain('firstName')
    const stored = await t.db.db
      .selectFrom('users')
      .select(['first_name', 'last_name'])
      .where('id', '=', invited.userId)
      .executeTakeFirstOrThrow()
    expect(stored.first_name.trim()).not.toBe('')
    expect(stored.last_name.trim()).not.toBe('')
  })

  it('trims names before storing them', async () => {
    const body = inviteBody('trimmed@example.com', [a.groupId])
    body.user.firstName = '  Ada  '
    const res = await t.request({
      method: 'POST',
      url: scopedUsersPath(a.id),
      token: a.token,
      payload: body,
    })
    expect(res.statusCode).toBe(201)
    expect(res.json().firstName).toBe('Ada')
  })

  it('refuses an accept into a Disabled account, saying why', async () => {
    const email = 'disabled-account@example.com'
    const tenant = await createTenant(t, 'Soon disabled')
    const invited = await adminInvites(t, tenant, email)
    const disabled = await t.request({
      method: 'POST',
      url: `${API}/accounts/${tenant.id}/disable`,
      payload: {},
    })
    expect(disabled.statusCode, disabled.body).toBe(200)
    const res = await postAccept(t, invited.path, {
      code: await emailedCode(t, email),
      password: OWN_PASSWORD,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('ACCOUNT_STATUS_INVALID')
    expect(res.json().detail).toContain('Disabled')
  })
})
