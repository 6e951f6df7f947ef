import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Browser, registeredMember, textOf, type Member } from '../../test/support/console.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('console sessions: expiry, listing, revocation, sign-out (issue #14)', () => {
  let t: TestApp
  let ada: Member
  let browser: Browser
  const usersPage = () => `/console/accounts/${ada.accountId}/users`
  beforeEach(async () => {
    t = await buildTestApp({ sessionIdleMs: 30 * 60_000, sessionMaxAgeMs: 12 * 3_600_000 })
    ada = await registeredMember(t)
    browser = new Browser(t)
    await browser.signIn(ada.email, ada.password)
  })
  afterEach(async () => t.close())

  it('ends a session idle for longer than SESSION_IDLE_TIMEOUT, and deletes its row', async () => {
    t.clock.advance(29 * 60_000)
    expect((await browser.get(usersPage())).statusCode).toBe(200)
    t.clock.advance(29 * 60_000)
    expect((await browser.get(usersPage())).statusCode).toBe(200)
    t.clock.advance(30 * 60_000)
    const ended = await browser.get(usersPage())
    expect(ended.statusCode).toBe(303)
    expect(ended.headers.location).toMatch(/^\/\?next=/)
    expect(await t.db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
  })

  it('ends a session at SESSION_MAX_AGE however busy it is', async () => {
    // Busy: a request every 20 minutes (under the idle limit), for 11 h 40 min.
    for (let step = 0; step < 35; step++) {
      t.clock.advance(20 * 60_000)
      expect((await browser.get(usersPage())).statusCode).toBe(200)
    }
    t.clock.advance(19 * 60_000)
    expect((await browser.get(usersPage())).statusCode).toBe(200)
    t.clock.advance(60_000)
    expect((await browser.get(usersPage())).statusCode).toBe(303)
  })

  it("lists the person's sessions, ends another one, and signs out", async () => {
    const phone = new Browser(t, {
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1',
    })
    await phone.signIn(ada.email, ada.password)
    const profile = await browser.get('/console/profile')
    expect(profile.statusCode).toBe(200)
    const text = textOf(profile.body)
    expect(text).toContain('Chrome on Linux This browser')
    expect(text).toContain('Safari on iOS')
    const [other] = await t.db.db
      .selectFrom('sessions')
      .select('id')
      .where('user_agent', 'like', '%iPhone%')
      .execute()
    const revoke = await browser.post(`/console/sessions/${other!.id}/revoke`)
    expect(revoke.statusCode).toBe(303)
    expect((await phone.get(usersPage())).statusCode).toBe(303)
    expect((await browser.get(usersPage())).statusCode).toBe(200)

    const out = await browser.post('/sign-out')
    expect(out.headers.location).toBe('/?ended=signed-out')
    expect(await t.db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
    expect((await browser.get(usersPage())).statusCode).toBe(303)
  })

  it('signs out only with the page’s token, and even someone whose last membership just ended', async () => {
    await browser.get(usersPage())
    const forged = await browser.post('/sign-out', { _csrf: 'forged' })
    expect(forged.statusCode).toBe(403)
    expect((await browser.get(usersPage())).statusCode).toBe(200)
    await t.request({
      method: 'DELETE',
      url: `/public/v1/accounts/accounts/${ada.accountId}/users/${ada.userId}`,
    })
    expect((await browser.get(usersPage())).statusCode).toBe(404)
    const out = await browser.post('/sign-out')
    expect(out.statusCode).toBe(303)
    expect(await t.db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
  })

  it("does not let one person end another person's session", async () => {
    const grace = await registeredMember(t, { accountId: ada.accountId })
    const other = new Browser(t)
    await other.signIn(grace.email, grace.password)
    const graceSession = await t.db.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', grace.userId)
      .executeTakeFirstOrThrow()
    await browser.get('/console/profile')
    const res = await browser.post(`/console/sessions/${graceSession.id}/revoke`)
    expect(res.statusCode).toBe(404)
    expect(textOf(res.body)).toContain('That session has already ended.')
    expect((await other.get(usersPage())).statusCode).toBe(200)
  })

  it('changes the password as the user themself and ends the other sessions, keeping this one', async () => {
    const laptop = new Browser(t)
    await laptop.signIn(ada.email, ada.password)
    await browser.get('/console/profile')
    const wrong = await browser.post('/console/profile/password', {
      currentPassword: 'Not#MyPassw0rd',
      password: 'N3w#Password',
      confirm: 'N3w#Password',
    })
    expect(wrong.statusCode).toBe(400)
    expect(textOf(wrong.body)).toContain('The current password is wrong.')
    const weak = await browser.post('/console/profile/password', {
      currentPassword: ada.password,
      password: 'weak',
      confirm: 'weak',
    })
    expect(textOf(weak.body)).toContain('Needs at least 8 characters.')
    const changed = await browser.post('/console/profile/password', {
      currentPassword: ada.password,
      password: 'N3w#Password',
      confirm: 'N3w#Password',
    })
    expect(changed.statusCode).toBe(303)
    expect((await browser.get(usersPage())).statusCode).toBe(200)
    expect((await laptop.get(usersPage())).statusCode).toBe(303)
    expect((await new Browser(t).signIn(ada.email, 'N3w#Password')).statusCode).toBe(303)
  })

  it('ends the sessions of a user Operations blocks', async () => {
    await t.request({ method: 'POST', url: `/public/v1/accounts/users/${ada.userId}/block` })
    expect((await browser.get(usersPage())).statusCode).toBe(303)
  })

  it('sweeps ended sessions and used password links', async () => {
    t.clock.advance(31 * 60_000)
    expect(await t.services.sessions.pruneEnded()).toBe(1)
    expect(await t.db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
  })
})
