import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inviteUser, scopedUsersPath } from '../../../test/support/account-users.js'
import {
  Browser,
  operationsAdmin,
  registeredMember,
  textOf,
  type Member,
} from '../../../test/support/console.js'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.js'

describe('the console: anti-forgery tokens (issue #14)', () => {
  let t: TestApp
  let ada: Member
  let browser: Browser
  let resend: string
  let invitedId: string
  beforeEach(async () => {
    t = await buildTestApp()
    ada = await registeredMember(t)
    const invited = await inviteUser(t, { accountId: ada.accountId })
    invitedId = invited.accountUserId
    resend = `/console/accounts/${ada.accountId}/users/${invited.userId}/resend`
    browser = new Browser(t)
    await browser.signIn(ada.email, ada.password)
    await browser.get(`/console/accounts/${ada.accountId}/users`)
  })
  afterEach(async () => t.close())

  const sentAt = async () =>
    (
      await t.db.db
        .selectFrom('account_users')
        .select('version')
        .where('id', '=', invitedId)
        .executeTakeFirstOrThrow()
    ).version

  it('refuses a form post without the token, with a wrong one, or with another session’s', async () => {
    const before = await sentAt()
    const other = new Browser(t)
    await other.signIn(ada.email, ada.password)
    await other.get(`/console/accounts/${ada.accountId}/users`)
    for (const token of ['', 'forged', other.csrfToken()!]) {
      const res = await browser.post(resend, { _csrf: token })
      expect(res.statusCode).toBe(403)
      expect(textOf(res.body)).toContain('The form is out of date or was not sent from this site')
    }
    expect(await sentAt()).toBe(before)
    const ok = await browser.post(resend)
    expect(ok.statusCode).toBe(303)
    expect(await sentAt()).toBe(before + 1)
  })

  it('takes the token from the X-CSRF-Token header htmx sends, and answers the row', async () => {
    const token = browser.csrfToken()!
    const res = await browser.post(
      resend,
      { _csrf: '' },
      { 'x-csrf-token': token, 'hx-request': 'true' },
    )
    expect(res.statusCode).toBe(200)
    expect(res.body).toMatch(/^<tr id="row-USR-/)
    expect(textOf(res.body)).toContain('Invitation resent to')
  })

  it('refuses a post that says it comes from another origin, token or not', async () => {
    const res = await browser.post(resend, {}, { origin: 'https://evil.example' })
    expect(res.statusCode).toBe(403)
    const same = await browser.post(resend, {}, { origin: 'http://localhost:80' })
    expect(same.statusCode).toBe(303)
  })
})

describe('the console: who sees and does what (issue #14)', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  it("does not show a Client administrator another account's users, or act on them", async () => {
    const ada = await registeredMember(t)
    const other = await registeredMember(t)
    const stranger = await inviteUser(t, { accountId: other.accountId })
    const browser = new Browser(t)
    await browser.signIn(ada.email, ada.password)
    const list = await browser.get(`/console/accounts/${other.accountId}/users`)
    expect(list.statusCode).toBe(404)
    expect(textOf(list.body)).not.toContain(other.email)
    const one = await browser.get(`/console/accounts/${other.accountId}/users/${stranger.userId}`)
    expect(one.statusCode).toBe(404)
    await browser.get(`/console/accounts/${ada.accountId}/users`)
    const act = await browser.post(
      `/console/accounts/${ada.accountId}/users/${stranger.userId}/resend`,
    )
    expect(act.statusCode).toBe(303)
    expect(browser.cookies.get('accounts_flash')).toContain('Account user not found')
    const own = await browser.get(`/console/accounts/${ada.accountId}/users`)
    expect(textOf(own.body)).toContain(ada.email)
    expect(textOf(own.body)).not.toContain(other.email)
    expect(own.body).not.toContain(other.accountId)
  })

  it('shows a member without Access Management no Users page (403), through the same can()', async () => {
    const viewer = await registeredMember(t, { modules: ['MOD-0478'] })
    const browser = new Browser(t)
    await browser.signIn(viewer.email, viewer.password)
    const landing = await browser.get(`/console/accounts/${viewer.accountId}`)
    expect(landing.statusCode).toBe(200)
    expect(textOf(landing.body)).toContain('needs the Access Management module')
    const users = await browser.get(`/console/accounts/${viewer.accountId}/users`)
    expect(users.statusCode).toBe(403)
    expect(textOf(users.body)).toContain(
      'accountUsers.list needs the Access Management (MOD-1756) module',
    )
  })

  it('lets an Operations user open any account, and acts as the user (audit by)', async () => {
    const admin = await operationsAdmin(t)
    const client = await registeredMember(t)
    const browser = new Browser(t)
    await browser.signIn(admin.email, admin.password)
    const page = await browser.get(`/console/accounts/${client.accountId}/users`)
    expect(page.statusCode).toBe(200)
    expect(textOf(page.body)).toContain(client.email)
    const accounts = await browser.get('/console/accounts')
    expect(textOf(accounts.body)).toContain('All accounts')

    await browser.get(`/console/accounts/${client.accountId}/users/invite`)
    const groupId = /name="groupIds" value="(UGR-[\d-]+)"/.exec(browser.html)![1]!
    const invited = await browser.post(`/console/accounts/${client.accountId}/users/invite`, {
      addresses: 'Grace Hopper <grace@example.com>',
      groupIds: groupId,
    })
    expect(invited.statusCode).toBe(200)
    expect(textOf(invited.body)).toContain('1 of 1 invited.')
    const row = await t.db.db
      .selectFrom('account_users as au')
      .innerJoin('users as u', 'u.id', 'au.user_id')
      .select(['au.created_by'])
      .where('u.email', '=', 'grace@example.com')
      .executeTakeFirstOrThrow()
    const adminUser = await t.db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'admin@localhost')
      .executeTakeFirstOrThrow()
    expect(JSON.parse(row.created_by!)).toMatchObject({
      id: adminUser.id,
      name: 'Operations Administrator',
      of: { id: t.operations.accountId },
    })
  })

  it('records audit.access of the membership the console acts through, at most once a minute', async () => {
    const ada = await registeredMember(t)
    const browser = new Browser(t)
    await browser.signIn(ada.email, ada.password)
    const accessAt = async () =>
      (
        await t.request({
          method: 'GET',
          url: `${scopedUsersPath(ada.accountId)}/${ada.userId}?select=audit`,
        })
      ).json().audit.access?.at
    await browser.get(`/console/accounts/${ada.accountId}/users`)
    const first = await accessAt()
    expect(first).toBe(t.clock.now().toISOString())
    t.clock.advance(30_000)
    await browser.get(`/console/accounts/${ada.accountId}/users`)
    expect(await accessAt()).toBe(first)
    t.clock.advance(30_000)
    await browser.get(`/console/accounts/${ada.accountId}/users`)
    expect(await accessAt()).toBe(t.clock.now().toISOString())
  })

  it('offers each invitation action only where the API allows it', async () => {
    const ada = await registeredMember(t)
    const pending = await inviteUser(t, { accountId: ada.accountId, email: 'pending@example.com' })
    const lapsed = await inviteUser(t, { accountId: ada.accountId, email: 'lapsed@example.com' })
    await t.db.db
      .updateTable('account_users')
      .set({ invitation_expires_at: t.clock.now().toISOString() })
      .where('id', '=', lapsed.accountUserId)
      .execute()
    const browser = new Browser(t)
    await browser.signIn(ada.email, ada.password)
    const page = (await browser.get(`/console/accounts/${ada.accountId}/users`)).body
    const row = (userId: string) =>
      textOf(new RegExp(`<tr id="row-${userId}">[\\s\\S]*?</tr>`).exec(page)![0])
    expect(row(pending.userId)).toContain('Invited Expires')
    expect(row(pending.userId)).toContain('Copy invitation link')
    expect(row(pending.userId)).toContain('Resend invitation')
    expect(row(pending.userId)).not.toContain('Send new invitation')
    expect(row(lapsed.userId)).toContain('InvitationExpired Expired')
    expect(row(lapsed.userId)).toContain('Send new invitation')
    expect(row(lapsed.userId)).not.toContain('Resend invitation')
    expect(row(lapsed.userId)).not.toContain('Copy invitation link')
    expect(row(ada.userId)).toContain('Active')
    expect(row(ada.userId)).not.toMatch(/Resend|Send new|Copy|Remove/)
  })
})
