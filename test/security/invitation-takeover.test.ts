import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialect } from '../support/database.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import {
  API,
  ATTACKER_PASSWORD,
  OWN_PASSWORD,
  adminInvites,
  createTenant,
  emailedCode,
  mailedOneTimeCode,
  membershipStatus,
  postAccept,
  postAcceptForm,
  storedUser,
  type Tenant,
} from './attack-support.js'

/**
 * Issue #12, "Account pre-hijack", "Forced membership" and "an Operations token can accept on an
 * invitee's behalf and choose their password": the link an administrator copies
 * (`invitation.url`) no longer registers anyone or joins anyone to an account.
 */
describe(`issue #12: only the invitee accepts and sets their credentials (${testDialect})`, () => {
  let t: TestApp
  let a: Tenant
  let b: Tenant

  beforeAll(async () => {
    t = await buildTestApp()
    a = await createTenant(t, 'Client A')
    b = await createTenant(t, 'Client B')
  })
  afterAll(async () => t.close())

  it('refuses a registration through the copied link: A cannot pre-register the person B invites later', async () => {
    const email = 'ceo-1@bigcorp.example'
    const byA = await adminInvites(t, a, email)
    const hijack = await postAccept(t, byA.path, {
      code: byA.copiedCode,
      password: ATTACKER_PASSWORD,
      firstName: 'Chosen',
      lastName: 'ByA',
    })
    expect(hijack.statusCode, hijack.body).toBe(400)
    expect(hijack.json().code).toBe('INVITATION_CONFIRMATION_REQUIRED')
    expect((await storedUser(t, byA.userId)).password_hash).toBeNull()
    expect(await membershipStatus(t, a.id, byA.userId)).toBe('Invited')

    // A gives up; B invites the same person, who registers from B's email with their own password.
    const removed = await t.request({ method: 'DELETE', url: byA.path, token: a.token })
    expect(removed.statusCode).toBe(204)
    const byB = await adminInvites(t, b, email)
    expect(byB.userId).toBe(byA.userId)
    const page = await t.request({
      method: 'GET',
      url: `/accept-invite?code=${encodeURIComponent(await emailedCode(t, email))}`,
      token: null,
    })
    expect(page.body).not.toContain('You already have an account')
    expect(page.body).toContain('name="password"')
    const joined = await postAccept(t, byB.path, {
      code: await emailedCode(t, email),
      password: OWN_PASSWORD,
    })
    expect(joined.statusCode, joined.body).toBe(200)
  })

  it('refuses the variant where A accepts first while the person is still pending in B', async () => {
    const email = 'ceo-2@bigcorp.example'
    await adminInvites(t, b, email)
    const byA = await adminInvites(t, a, email)
    const first = await postAccept(t, byA.path, {
      code: byA.copiedCode,
      password: ATTACKER_PASSWORD,
    })
    expect(first.statusCode, first.body).toBe(400)
    expect(first.json().code).toBe('INVITATION_CONFIRMATION_REQUIRED')
    expect((await storedUser(t, byA.userId)).password_hash).toBeNull()
    const form = await postAcceptForm(t, {
      code: byA.copiedCode,
      firstName: 'Chosen',
      lastName: 'ByA',
      password: ATTACKER_PASSWORD,
      confirm: ATTACKER_PASSWORD,
    })
    expect(form.statusCode).toBe(400)
    expect((await storedUser(t, byA.userId)).password_hash).toBeNull()
    expect(await membershipStatus(t, a.id, byA.userId)).toBe('Invited')
  })

  it('refuses a forced membership: a person who has a password is not joined on a copied link', async () => {
    const email = 'has-password@bigcorp.example'
    const inB = await adminInvites(t, b, email)
    const registered = await postAccept(t, inB.path, {
      code: await emailedCode(t, email),
      password: OWN_PASSWORD,
    })
    expect(registered.statusCode, registered.body).toBe(200)

    const byA = await adminInvites(t, a, email)
    for (const token of [null, a.token, t.operations.token]) {
      const forced = await postAccept(t, byA.path, { code: byA.copiedCode }, { token })
      expect(forced.statusCode, forced.body).toBe(400)
      expect(forced.json().code).toBe('INVITATION_CONFIRMATION_REQUIRED')
    }
    const viaPage = await postAcceptForm(t, { code: byA.copiedCode })
    expect(viaPage.statusCode).toBe(400)
    expect(await membershipStatus(t, a.id, byA.userId)).toBe('Invited')

    // The person confirms by signing in with their own password; a wrong one is refused.
    const wrong = await postAccept(t, byA.path, { code: byA.copiedCode, password: 'Wr0ng!pass' })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().code).toBe('INVITATION_CONFIRMATION_INVALID')
    expect(await membershipStatus(t, a.id, byA.userId)).toBe('Invited')
    const agreed = await postAccept(t, byA.path, { code: byA.copiedCode, password: OWN_PASSWORD })
    expect(agreed.statusCode, agreed.body).toBe(200)
    expect(await membershipStatus(t, a.id, byA.userId)).toBe('Active')
  })

  it('refuses an Operations token accepting without the code or choosing the password', async () => {
    const email = 'ops-victim@bigcorp.example'
    const invited = await adminInvites(t, a, email)
    const noCode = await postAccept(
      t,
      invited.path,
      { password: ATTACKER_PASSWORD },
      { token: t.operations.token },
    )
    expect(noCode.statusCode).toBe(400)
    const withCopied = await postAccept(
      t,
      invited.path,
      { code: invited.copiedCode, password: ATTACKER_PASSWORD },
      { token: t.operations.token },
    )
    expect(withCopied.statusCode).toBe(400)
    const setByOps = await t.request({
      method: 'POST',
      url: `${API}/users/${invited.userId}/set-password`,
      payload: { password: ATTACKER_PASSWORD },
    })
    expect(setByOps.statusCode).toBe(403)
    expect(setByOps.json().code).toBe('USER_PASSWORD_SELF_ONLY')
    expect((await storedUser(t, invited.userId)).password_hash).toBeNull()
    expect(await membershipStatus(t, a.id, invited.userId)).toBe('Invited')
  })

  it("refuses an administrator setting the password of its account's only member", async () => {
    const invited = await adminInvites(t, a, 'sole-member@bigcorp.example')
    const res = await t.request({
      method: 'POST',
      url: `${API}/users/${invited.userId}/set-password`,
      payload: { password: ATTACKER_PASSWORD },
      token: a.token,
    })
    expect(res.statusCode).toBe(403)
    expect((await storedUser(t, invited.userId)).password_hash).toBeNull()
  })

  it('lets the invitee register with the copied link after proving the mailbox with a mailed one-time code', async () => {
    const email = 'copied-link@bigcorp.example'
    const invited = await adminInvites(t, a, email)
    await t.deliverEmails()
    const asked = await postAccept(t, invited.path, {
      code: invited.copiedCode,
      password: OWN_PASSWORD,
    })
    expect(asked.json().code).toBe('INVITATION_CONFIRMATION_REQUIRED')
    const oneTimeCode = await mailedOneTimeCode(t, email)
    expect(oneTimeCode).toMatch(/^\d{6}$/)
    const wrong = String((Number(oneTimeCode) + 1) % 1_000_000).padStart(6, '0')
    const guessed = await postAccept(t, invited.path, {
      code: invited.copiedCode,
      oneTimeCode: wrong,
      password: OWN_PASSWORD,
    })
    expect(guessed.json().code).toBe('INVITATION_CONFIRMATION_INVALID')
    const joined = await postAccept(t, invited.path, {
      code: invited.copiedCode,
      oneTimeCode,
      password: OWN_PASSWORD,
    })
    expect(joined.statusCode, joined.body).toBe(200)
    expect(joined.json().status).toBe('Active')
  })

  it('burns a one-time code after five wrong attempts', async () => {
    const email = 'guessing@bigcorp.example'
    const invited = await adminInvites(t, a, email)
    await postAccept(t, invited.path, { code: invited.copiedCode, password: OWN_PASSWORD })
    const oneTimeCode = (await mailedOneTimeCode(t, email))!
    for (let i = 1; i <= 5; i++) {
      const guess = String((Number(oneTimeCode) + i) % 1_000_000).padStart(6, '0')
      await postAccept(t, invited.path, {
        code: invited.copiedCode,
        oneTimeCode: guess,
        password: OWN_PASSWORD,
      })
    }
    const late = await postAccept(t, invited.path, {
      code: invited.copiedCode,
      oneTimeCode,
      password: OWN_PASSWORD,
    })
    expect(late.statusCode).toBe(400)
    expect((await storedUser(t, invited.userId)).password_hash).toBeNull()
  })

  it('ignores the bearer token on accept: the audit names the user, not the token', async () => {
    const email = 'audited@bigcorp.example'
    const invited = await adminInvites(t, a, email)
    const res = await postAccept(
      t,
      invited.path,
      { code: await emailedCode(t, email), password: OWN_PASSWORD },
      { token: a.token },
    )
    expect(res.statusCode, res.body).toBe(200)
    const event = await t.db.db
      .selectFrom('audit_events')
      .select('by')
      .where('object_id', '=', invited.body.accountUserId)
      .where('event', '=', 'invitation-accepted')
      .executeTakeFirstOrThrow()
    expect(JSON.parse(event.by!).id).toBe(invited.userId)
  })
})
