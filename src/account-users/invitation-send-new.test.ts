import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  codeFromUrl,
  decodeInvitationLinkCode,
  emailedCodeFor,
  inviteAndAccept,
  inviteUser,
  STRONG_PASSWORD,
} from '../../test/support/account-users.js'
import { invitationCodeFrom } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { expireInvitations } from '../jobs/expire-invitations.js'

describe('POST …/users/{userId}/send-new-invite', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const sendNew = (path: string, query = '') =>
    t.request({ method: 'POST', url: `${path}/send-new-invite${query}` })

  it('issues a new link with a fresh window and status Invited once the old one expired', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    const res = await sendNew(invited.path)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.invitation.status).toBe('Invited')
    expect(body.invitation.url).not.toBe(invited.body.invitation.url)
    t.clock.advance(t.config.invitationTtlMs - 1)
    expect((await t.request({ method: 'GET', url: invited.path })).json().invitation.status).toBe(
      'Invited',
    )
  })

  it('refuses the old code at once and accepts the new one', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    expect((await sendNew(invited.path)).statusCode).toBe(200)
    const newCode = await emailedCodeFor(t, invited.email)
    expect(newCode).not.toBe(invited.code)
    const old = await acceptInvite(t, invited.path, {
      code: invited.code,
      password: STRONG_PASSWORD,
    })
    expect(old.statusCode).toBe(400)
    expect(old.json().code).toBe('INVITATION_CODE_INVALID')
    const fresh = await acceptInvite(t, invited.path, { code: newCode, password: STRONG_PASSWORD })
    expect(fresh.statusCode).toBe(200)
    expect(fresh.json().invitation.status).toBe('Active')
  })

  it('mails the new link to the invitee', async () => {
    const invited = await inviteUser(t)
    await t.deliverEmails()
    t.clock.advance(t.config.invitationTtlMs)
    const url: string = (await sendNew(invited.path)).json().invitation.url
    const mails = await t.deliverEmails()
    expect(mails).toHaveLength(1)
    expect(mails[0]!.to).toBe(invited.email)
    // The new secret, with a new mailbox proof.
    const secret = decodeInvitationLinkCode(codeFromUrl(url)).code
    const mailed = decodeInvitationLinkCode(invitationCodeFrom(mails[0]!.text))
    expect(mailed.code).toBe(secret)
    expect(mailed.proof).not.toBe(decodeInvitationLinkCode(invited.code).proof)
    expect(mails[0]!.subject).toMatch(/new invitation/)
    expect(mails[0]!.text).toContain('Links from earlier invitation emails no longer work.')
  })

  it('works after the sweep has stored InvitationExpired', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    expect(await expireInvitations({ db: t.db.db, clock: t.clock }, 10)).toBe(1)
    const res = await sendNew(invited.path)
    expect(res.statusCode).toBe(200)
    expect(res.json().invitation.status).toBe('Invited')
    const stored = await t.db.db
      .selectFrom('account_users')
      .select('status')
      .where('id', '=', invited.accountUserId)
      .executeTakeFirstOrThrow()
    expect(stored.status).toBe('Invited')
  })

  it('records an updated audit event', async () => {
    const invited = await inviteUser(t)
    expect(
      (await t.request({ method: 'GET', url: `${invited.path}?select=audit` })).json().audit
        .updated,
    ).toBeUndefined()
    t.clock.advance(t.config.invitationTtlMs)
    const res = await sendNew(invited.path, '?select=audit')
    expect(res.json().audit.updated.at).toBe(t.clock.now().toISOString())
    expect(res.json().audit.updated.by).toMatchObject({ id: 'TKN-0000-0001' })
  })

  it('refuses a valid invitation with 400 naming Invited', async () => {
    const invited = await inviteUser(t)
    const res = await sendNew(invited.path)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      status: 400,
      title: 'Bad Request',
      code: 'INVITATION_STATUS_INVALID',
    })
    expect(res.json().detail).toContain('Invited')
    expect(
      (await acceptInvite(t, invited.path, { code: invited.code, password: STRONG_PASSWORD }))
        .statusCode,
    ).toBe(200)
  })

  it('refuses an accepted invitation with 400 naming Active', async () => {
    const accepted = await inviteAndAccept(t)
    t.clock.advance(t.config.invitationTtlMs)
    const res = await sendNew(accepted.path)
    expect(res.statusCode).toBe(400)
    expect(res.json().detail).toContain('Active')
  })

  it('answers 404 for an unknown id and for a malformed id', async () => {
    const base = `/public/v1/accounts/accounts/${t.operations.accountId}/users`
    const unknown = await sendNew(`${base}/USR-9999-9999`)
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toMatchObject({ title: 'Not Found', code: 'ACCOUNT_USER_NOT_FOUND' })
    expect((await sendNew(`${base}/INVALID-ID`)).statusCode).toBe(404)
    expect((await sendNew('/public/v1/accounts/account-users/AUSR-0000')).statusCode).toBe(404)
  })
})
