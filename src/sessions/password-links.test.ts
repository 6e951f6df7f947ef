import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditEvents } from '../../test/support/account-users.js'
import { Browser, registeredMember, textOf, type Member } from '../../test/support/console.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { ensureBootstrapAdmin } from './bootstrap-admin.js'

const tokenIn = (text: string) => /\/set-password\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1]

describe('forgot password (issue #14)', () => {
  let t: TestApp
  let ada: Member
  beforeEach(async () => {
    t = await buildTestApp()
    ada = await registeredMember(t)
    await t.deliverEmails()
  })
  afterEach(async () => t.close())

  async function requestLink(email: string, browser = new Browser(t)) {
    const res = await browser.post('/forgot-password', { email })
    expect(res.statusCode).toBe(200)
    return { res, mails: await t.deliverEmails() }
  }

  it('mails a single-use link that sets a new password and ends every session', async () => {
    const signedIn = new Browser(t)
    await signedIn.signIn(ada.email, ada.password)
    const { res, mails } = await requestLink(ada.email.toUpperCase())
    expect(textOf(res.body)).toContain('If an account uses that address, we have emailed it a link')
    expect(mails).toHaveLength(1)
    expect(mails[0]).toMatchObject({ kind: 'password-reset', to: ada.email })
    const token = tokenIn(mails[0]!.text)!
    const stored = await t.db.db.selectFrom('password_tokens').selectAll().execute()
    expect(JSON.stringify(stored)).not.toContain(token)

    const browser = new Browser(t)
    const form = await browser.get(`/set-password?token=${token}`)
    expect(textOf(form.body)).toContain(`Choose a new password For ${ada.email}`)
    const mismatch = await browser.post('/set-password', {
      token,
      password: 'N3w#Password',
      confirm: 'N3w#Passw0rd',
    })
    expect(textOf(mismatch.body)).toContain('The passwords do not match.')
    const done = await browser.post('/set-password', {
      token,
      password: 'N3w#Password',
      confirm: 'N3w#Password',
    })
    expect(done.statusCode).toBe(200)
    expect(textOf(done.body)).toContain('Your password is set')
    expect(await auditEvents(t, ada.userId, 'password-reset')).toHaveLength(1)
    expect((await signedIn.get('/console')).statusCode).toBe(303)
    expect((await new Browser(t).signIn(ada.email, ada.password)).statusCode).toBe(401)
    expect((await new Browser(t).signIn(ada.email, 'N3w#Password')).statusCode).toBe(303)

    const again = await new Browser(t).post('/set-password', {
      token,
      password: 'Other#Passw0rd',
      confirm: 'Other#Passw0rd',
    })
    expect(again.statusCode).toBe(400)
    expect(textOf(again.body)).toContain('This link cannot be used')
  })

  it('answers the same for an unknown address and sends nothing', async () => {
    const { res, mails } = await requestLink('nobody@example.com')
    expect(textOf(res.body)).toContain('If an account uses that address')
    expect(mails).toHaveLength(0)
  })

  it('expires the link after 30 minutes, and a newer link replaces an older one', async () => {
    const first = tokenIn((await requestLink(ada.email)).mails[0]!.text)!
    const second = tokenIn((await requestLink(ada.email)).mails[0]!.text)!
    expect((await new Browser(t).get(`/set-password?token=${first}`)).statusCode).toBe(400)
    expect((await new Browser(t).get(`/set-password?token=${second}`)).statusCode).toBe(200)
    t.clock.advance(30 * 60_000)
    const late = await new Browser(t).get(`/set-password?token=${second}`)
    expect(late.statusCode).toBe(400)
    expect(textOf(late.body)).toContain('has expired')
  })

  it('mails at most 3 links an hour to one address', async () => {
    let sent = 0
    for (let i = 0; i < 5; i++) sent += (await requestLink(ada.email, new Browser(t))).mails.length
    expect(sent).toBe(3)
  })
})

describe('the first administrator (BOOTSTRAP_ADMIN_EMAIL)', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const ensure = () =>
    ensureBootstrapAdmin(
      { db: t.db.db, dialect: t.db.dialect, clock: t.clock },
      {
        email: 'admin@localhost',
        operationsAccountId: t.operations.accountId,
        groupId: t.operations.groupId,
        publicUrl: t.config.publicUrl,
      },
    )

  it('is created once as an Active member of the Operations account, with a 1-hour setup link', async () => {
    const first = await ensure()
    expect(first).toMatchObject({ email: 'admin@localhost', created: true })
    expect(first.setupUrl).toMatch(/^http:\/\/portal\.test\/set-password\?token=/)
    expect(first.setupExpiresAt?.getTime()).toBe(t.clock.now().getTime() + 3_600_000)
    const members = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/accounts/${t.operations.accountId}/users?eq(email,admin@localhost)`,
    })
    expect(members.json().data).toMatchObject([{ status: 'Active', email: 'admin@localhost' }])

    // A later start without a password: a fresh link; the previous one no longer works.
    const second = await ensure()
    expect(second.created).toBe(false)
    const old = new URL(first.setupUrl!).searchParams.get('token')!
    const fresh = new URL(second.setupUrl!).searchParams.get('token')!
    expect((await new Browser(t).get(`/set-password?token=${old}`)).statusCode).toBe(400)
    const page = await new Browser(t).get(`/set-password?token=${fresh}`)
    expect(textOf(page.body)).toContain('Choose your password')

    const browser = new Browser(t)
    await browser.get(`/set-password?token=${fresh}`)
    await browser.post('/set-password', {
      token: fresh,
      password: 'Adm1n#Passw0rd',
      confirm: 'Adm1n#Passw0rd',
    })
    expect(await ensure()).toEqual({ email: 'admin@localhost', created: false })
    const signIn = await new Browser(t).signIn('admin@localhost', 'Adm1n#Passw0rd')
    expect(signIn.statusCode).toBe(303)
  })

  it('expires the setup link after an hour', async () => {
    const { setupUrl } = await ensure()
    t.clock.advance(3_600_000)
    expect(
      (await new Browser(t).get(new URL(setupUrl!).pathname + new URL(setupUrl!).search))
        .statusCode,
    ).toBe(400)
  })
})
