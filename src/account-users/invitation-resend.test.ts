import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  inviteAndAccept,
  inviteUser,
  LEGACY_PATH,
} from '../../test/support/account-users.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('POST …/users/{userId}/resend-invite', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const resend = (path: string) => t.request({ method: 'POST', url: `${path}/resend-invite` })
  const HOUR = 3600_000

  it('mails the same link again and keeps the status Invited', async () => {
    const invited = await inviteUser(t)
    await t.deliverEmails()
    t.clock.advance(HOUR)
    const res = await resend(invited.path)
    expect(res.statusCode).toBe(200)
    expect(res.json().invitation).toEqual(invited.body.invitation)
    const mails = await t.deliverEmails()
    expect(mails).toHaveLength(1)
    expect(mails[0]!.to).toBe(invited.email)
    // The same emailed link: same secret, same mailbox proof (issue #12).
    expect(mails[0]!.text).toContain(`/accept-invite?code=${invited.code}`)
    expect(mails[0]!.text).not.toContain('no longer work')
  })

  it('restarts the window: the invitation is valid for a full TTL from the resend', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs - HOUR)
    expect((await resend(invited.path)).statusCode).toBe(200)
    const row = await t.db.db
      .selectFrom('account_users')
      .select('invitation_expires_at')
      .where('id', '=', invited.accountUserId)
      .executeTakeFirstOrThrow()
    expect(new Date(row.invitation_expires_at!).getTime()).toBe(
      t.clock.now().getTime() + t.config.invitationTtlMs,
    )
    t.clock.advance(2 * HOUR)
    expect((await t.request({ method: 'GET', url: invited.path })).json().invitation.status).toBe(
      'Invited',
    )
    expect(
      (await acceptInvite(t, invited.path, { code: invited.code, password: 'Str0ng!Passw0rd' }))
        .statusCode,
    ).toBe(200)
  })

  it('keeps the link that was sent first working', async () => {
    const invited = await inviteUser(t)
    await resend(invited.path)
    const res = await acceptInvite(t, invited.path, {
      code: invited.code,
      password: 'Str0ng!Passw0rd',
    })
    expect(res.statusCode).toBe(200)
  })

  it('refuses an expired invitation with 400 naming InvitationExpired, and sends nothing', async () => {
    const invited = await inviteUser(t)
    await t.deliverEmails()
    t.clock.advance(t.config.invitationTtlMs)
    const res = await resend(invited.path)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ title: 'Bad Request', code: 'INVITATION_STATUS_INVALID' })
    expect(res.json().detail).toContain('InvitationExpired')
    expect(await t.deliverEmails()).toEqual([])
  })

  it('refuses an accepted invitation with 400 naming Active', async () => {
    const accepted = await inviteAndAccept(t)
    const res = await resend(accepted.path)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('INVITATION_STATUS_INVALID')
    expect(res.json().detail).toContain('Active')
  })

  it('answers in the legacy shape on the legacy path', async () => {
    const invited = await inviteUser(t)
    const res = await resend(`${LEGACY_PATH}/${invited.accountUserId}`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      id: invited.accountUserId,
      user: { id: invited.userId },
      invitation: { status: 'Invited' },
    })
  })

  it('answers 404 for an unknown or malformed id', async () => {
    const base = `/public/v1/accounts/accounts/${t.operations.accountId}/users`
    expect((await resend(`${base}/USR-9999-9999`)).statusCode).toBe(404)
    expect((await resend(`${base}/INVALID-ID`)).statusCode).toBe(404)
  })
})
