import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditEvents, STRONG_PASSWORD } from '../../test/support/account-users.js'
import { Browser, registeredMember, textOf, type Member } from '../../test/support/console.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { hashTokenSecret } from '../lib/secrets.js'

describe('sign-in (issue #14)', () => {
  let t: TestApp
  let ada: Member
  beforeEach(async () => {
    t = await buildTestApp()
    ada = await registeredMember(t)
  })
  afterEach(async () => t.close())

  it('opens a session: an HttpOnly, SameSite=Lax cookie whose secret is stored only as a hash', async () => {
    const browser = new Browser(t)
    const res = await browser.signIn(ada.email, ada.password)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/console')
    const cookie = res.cookies.find((c) => c.name === 'accounts_session')!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie.secure).toBeFalsy()
    const rows = await t.db.db.selectFrom('sessions').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.secret_hash).toBe(hashTokenSecret(cookie.value))
    expect(JSON.stringify(rows)).not.toContain(cookie.value)
    const page = await browser.get('/console')
    expect(page.headers.location).toBe(`/console/accounts/${ada.accountId}`)
  })

  it('sets a Secure __Host- cookie when PUBLIC_URL is https', async () => {
    const secure = await buildTestApp({ publicUrl: 'https://accounts.example.test' })
    try {
      const member = await registeredMember(secure)
      const res = await new Browser(secure).signIn(member.email, member.password)
      const cookie = res.cookies.find((c) => c.name === '__Host-accounts_session')!
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' })
    } finally {
      await secure.close()
    }
  })

  it('writes lastLoginAt, audit.login and a signed-in audit event by the user', async () => {
    t.clock.advance(60_000)
    await new Browser(t).signIn(ada.email, ada.password)
    const member = (
      await t.request({
        method: 'GET',
        url: `/public/v1/accounts/accounts/${ada.accountId}/users/${ada.userId}?select=audit`,
      })
    ).json()
    expect(member.lastLoginAt).toBe(t.clock.now().toISOString())
    expect(member.audit.login).toEqual({ at: t.clock.now().toISOString() })
    const events = await auditEvents(t, ada.userId, 'signed-in')
    expect(events).toHaveLength(1)
    expect(JSON.parse(events[0]!.by!)).toMatchObject({ id: ada.userId })
  })

  it('answers a wrong password and an unknown address alike, and opens nothing', async () => {
    const browser = new Browser(t)
    const wrong = await browser.signIn(ada.email, 'Wrong#Passw0rd')
    const unknown = await browser.signIn('nobody@example.com', 'Wrong#Passw0rd')
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401)
      expect(textOf(res.body)).toContain('The email address or the password is wrong.')
    }
    expect(await t.db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
  })

  it('locks the address after 5 failures, even for the right password, with a clear message', async () => {
    const browser = new Browser(t)
    for (let i = 1; i <= 4; i++) {
      const res = await browser.signIn(ada.email, `Wrong#Passw0rd${i}`)
      expect(res.statusCode).toBe(401)
    }
    const fifth = await browser.signIn(ada.email, 'Wrong#Passw0rd5')
    expect(fifth.statusCode).toBe(429)
    expect(textOf(fifth.body)).toContain('locked for 15 more minutes')
    // From another network, with the right password: still locked.
    const right = await new Browser(t).signIn(ada.email, ada.password)
    expect(right.statusCode).toBe(429)
    expect(right.headers['retry-after']).toBeDefined()
    expect(textOf(right.body)).toContain('Too many failed sign-ins for this email address')
    expect(await t.db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
    // The window ends: the right password works again.
    t.clock.advance(15 * 60_000)
    expect((await new Browser(t).signIn(ada.email, ada.password)).statusCode).toBe(303)
  })

  it('warns before the lock, and a password reset lifts it', async () => {
    const browser = new Browser(t)
    for (let i = 1; i <= 3; i++) await browser.signIn(ada.email, `Wrong#Passw0rd${i}`)
    const fourth = await browser.signIn(ada.email, 'Wrong#Passw0rd4')
    expect(textOf(fourth.body)).toContain('1 more failed attempt will lock this email address')
    await browser.signIn(ada.email, 'Wrong#Passw0rd5')
    await browser.post('/forgot-password', { email: ada.email })
    const mail = (await t.deliverEmails()).find((m) => m.kind === 'password-reset')
    const link = /\/set-password\?token=([A-Za-z0-9_-]+)/.exec(mail!.text)![1]!
    await browser.get(`/set-password?token=${link}`)
    const set = await browser.post('/set-password', {
      token: link,
      password: 'N3w#Password',
      confirm: 'N3w#Password',
    })
    expect(set.statusCode).toBe(200)
    expect((await new Browser(t).signIn(ada.email, 'N3w#Password')).statusCode).toBe(303)
  })

  it('refuses an address past 30 failed sign-ins before checking any password', async () => {
    const attacker = new Browser(t)
    for (let i = 0; i < 30; i++) await attacker.signIn(`victim-${i}@example.com`, 'Guess#1234')
    const next = await attacker.signIn(ada.email, ada.password)
    expect(next.statusCode).toBe(429)
    expect(textOf(next.body)).toContain('Too many failed sign-ins from your network')
    // Another address is not affected.
    expect((await new Browser(t).signIn(ada.email, ada.password)).statusCode).toBe(303)
  })

  it('tells a blocked user, after the right password only', async () => {
    await t.request({ method: 'POST', url: `/public/v1/accounts/users/${ada.userId}/block` })
    const res = await new Browser(t).signIn(ada.email, ada.password)
    expect(res.statusCode).toBe(400)
    expect(textOf(res.body)).toContain('Your user is blocked')
    const wrong = await new Browser(t).signIn(ada.email, 'Wrong#Passw0rd')
    expect(textOf(wrong.body)).not.toContain('blocked')
  })

  it('refuses a person who belongs to no account any more', async () => {
    await t.request({
      method: 'DELETE',
      url: `/public/v1/accounts/accounts/${ada.accountId}/users/${ada.userId}`,
    })
    const res = await new Browser(t).signIn(ada.email, STRONG_PASSWORD)
    expect(res.statusCode).toBe(403)
    expect(textOf(res.body)).toContain('You do not belong to any account yet')
  })

  it('refuses a sign-in form posted without the sign-in cookie (login forgery)', async () => {
    const browser = new Browser(t)
    await browser.get('/')
    const token = browser.csrfToken()!
    const forged = new Browser(t)
    const res = await forged.post('/sign-in', {
      email: ada.email,
      password: ada.password,
      _csrf: token,
    })
    expect(res.statusCode).toBe(403)
    expect(textOf(res.body)).toContain('This sign-in form has expired')
    expect(await t.db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
  })

  it('goes back to the console page that asked for sign-in, never elsewhere', async () => {
    const browser = new Browser(t)
    const asked = await browser.get(`/console/accounts/${ada.accountId}/user-groups`)
    expect(asked.statusCode).toBe(303)
    expect(asked.headers.location).toBe(
      `/?next=${encodeURIComponent(`/console/accounts/${ada.accountId}/user-groups`)}`,
    )
    await browser.get(asked.headers.location as string)
    const res = await browser.post('/sign-in', {
      email: ada.email,
      password: ada.password,
      next: `/console/accounts/${ada.accountId}/user-groups`,
    })
    expect(res.headers.location).toBe(`/console/accounts/${ada.accountId}/user-groups`)
    const elsewhere = new Browser(t)
    await elsewhere.get('/')
    const off = await elsewhere.post('/sign-in', {
      email: ada.email,
      password: ada.password,
      next: 'https://evil.example/phish',
    })
    expect(off.headers.location).toBe('/console')
  })
})
