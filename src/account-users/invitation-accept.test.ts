import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  auditEvents,
  codeFromUrl,
  inviteAndAccept,
  inviteUser,
  oneTimeCodeFor,
  LEGACY_PATH,
  STRONG_PASSWORD,
} from '../../test/support/account-users.js'
import { createAccount } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('POST …/users/{userId}/accept-invite', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const userRow = (id: string) =>
    t.db.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  it('makes a new user Active with the code from the link and no token', async () => {
    const invited = await inviteUser(t)
    const res = await acceptInvite(t, invited.path, {
      code: invited.code,
      password: STRONG_PASSWORD,
      firstName: 'Augusta',
      phone: { prefix: '+44', number: '2071234567' },
    })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({
      id: invited.userId,
      status: 'Active',
      firstName: 'Augusta',
      phone: { prefix: '+44', number: '2071234567' },
    })
    expect(body.invitation).toEqual({ status: 'Active', url: null })
    expect(await auditEvents(t, invited.accountUserId, 'invitation-accepted')).toHaveLength(1)
  })

  it('sets audit.joined.at and, in the legacy shape, audit.invitationAcceptedAt', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(60_000)
    await acceptInvite(t, invited.path, { code: invited.code, password: STRONG_PASSWORD })
    const at = t.clock.now().toISOString()
    const scoped = await t.request({ method: 'GET', url: `${invited.path}?select=audit` })
    expect(scoped.json().audit.joined).toEqual({ at })
    const legacy = await t.request({
      method: 'GET',
      url: `${LEGACY_PATH}/${invited.accountUserId}?select=audit`,
    })
    expect(legacy.json().audit.invitationAcceptedAt).toBe(at)
    expect(legacy.json().audit.joined).toEqual({ at })
  })

  it('stores the password as an scrypt hash, never in plain text', async () => {
    const invited = await inviteUser(t)
    await acceptInvite(t, invited.path, { code: invited.code, password: STRONG_PASSWORD })
    const row = await userRow(invited.userId)
    expect(row.password_hash).toMatch(/^scrypt\$/)
    expect(row.password_hash).not.toContain(STRONG_PASSWORD)
    expect(row.status).toBe('Active')
  })

  it('requires a new user to send a password', async () => {
    const invited = await inviteUser(t)
    const res = await acceptInvite(t, invited.path, { code: invited.code })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].properties).toEqual(['password'])
    expect((await t.request({ method: 'GET', url: invited.path })).json().invitation.status).toBe(
      'Invited',
    )
  })

  it.each([
    ['too short', 'Sh0rt!'],
    ['without an uppercase letter', 'lower0nly!pass'],
    ['without a lowercase letter', 'UPPER0NLY!PASS'],
    ['without a digit', 'NoDigits!Here'],
    ['without a special character', 'NoSpecial0Here'],
  ])('refuses a password %s with PASSWORD_POLICY naming password', async (_case, password) => {
    const invited = await inviteUser(t)
    const res = await acceptInvite(t, invited.path, { code: invited.code, password })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('PASSWORD_POLICY')
    expect(Object.keys(res.json().errors)).toEqual(['password'])
    expect((await userRow(invited.userId)).password_hash).toBeNull()
  })

  it('lets an existing user with a password accept without one, keeping their password', async () => {
    const first = await inviteAndAccept(t)
    const hashBefore = (await userRow(first.userId)).password_hash
    const other = await createAccount(t.db.db)
    const second = await inviteUser(t, { email: first.email, accountId: other })
    const res = await acceptInvite(t, second.path, { code: second.code })
    expect(res.statusCode).toBe(200)
    expect(res.json().invitation.status).toBe('Active')
    expect((await userRow(first.userId)).password_hash).toBe(hashBefore)
  })

  it('refuses a wrong code with INVITATION_CODE_INVALID', async () => {
    const invited = await inviteUser(t)
    const other = await inviteUser(t)
    const forged = Buffer.from(
      JSON.stringify({
        code: Buffer.alloc(32, 7).toString('base64'),
        accountUserId: invited.accountUserId,
      }),
    ).toString('base64url')
    for (const code of [forged, other.code, 'not-a-code']) {
      const res = await acceptInvite(t, invited.path, { code, password: STRONG_PASSWORD })
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('INVITATION_CODE_INVALID')
    }
    expect((await t.request({ method: 'GET', url: invited.path })).json().invitation.status).toBe(
      'Invited',
    )
  })

  it('refuses a code replaced by a new invitation with INVITATION_CODE_INVALID', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    const renewed = await t.request({ method: 'POST', url: `${invited.path}/send-new-invite` })
    expect(codeFromUrl(renewed.json().invitation.url)).not.toBe(invited.code)
    const res = await acceptInvite(t, invited.path, {
      code: invited.code,
      password: STRONG_PASSWORD,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('INVITATION_CODE_INVALID')
    expect(res.json().detail).toMatch(/replaced/)
  })

  it('refuses an expired code with INVITATION_EXPIRED', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    const res = await acceptInvite(t, invited.path, {
      code: invited.code,
      password: STRONG_PASSWORD,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ title: 'Bad Request', code: 'INVITATION_EXPIRED' })
    expect(res.json().detail).toMatch(/expired/)
  })

  it('refuses a blocked user', async () => {
    const invited = await inviteUser(t)
    await t.db.db
      .updateTable('users')
      .set({ status: 'Blocked' })
      .where('id', '=', invited.userId)
      .execute()
    const res = await acceptInvite(t, invited.path, {
      code: invited.code,
      password: STRONG_PASSWORD,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('USER_BLOCKED')
    expect(await auditEvents(t, invited.accountUserId, 'invitation-accepted')).toEqual([])
  })

  it('refuses a call without a code with 400 naming code, whatever token comes along', async () => {
    const invited = await inviteUser(t)
    for (const token of [null, t.operations.token]) {
      const res = await acceptInvite(t, invited.path, { password: STRONG_PASSWORD }, { token })
      expect(res.statusCode).toBe(400)
      expect(Object.keys(res.json().errors)).toEqual(['code'])
    }
  })

  it('accepts on the legacy path and answers in the legacy shape', async () => {
    const invited = await inviteUser(t)
    const res = await acceptInvite(t, `${LEGACY_PATH}/${invited.accountUserId}`, {
      code: invited.code,
      password: STRONG_PASSWORD,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      id: invited.accountUserId,
      user: { id: invited.userId, status: 'Active' },
      invitation: { status: 'Active' },
    })
  })

  it('accepts on the v4 path with the AUSR id', async () => {
    const invited = await inviteUser(t)
    const res = await acceptInvite(
      t,
      `/public/v1/accounts/${invited.accountId}/users/${invited.accountUserId}`,
      { code: invited.code, password: STRONG_PASSWORD },
    )
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: invited.userId, status: 'Active' })
  })

  it('also takes the secret alone, as the inner code of the link, once the mailbox is proven', async () => {
    const invited = await inviteUser(t)
    const secret = JSON.parse(Buffer.from(invited.code, 'base64url').toString('utf8'))
      .code as string
    const asked = await acceptInvite(t, invited.path, { code: secret, password: STRONG_PASSWORD })
    expect(asked.statusCode).toBe(400)
    expect(asked.json().code).toBe('INVITATION_CONFIRMATION_REQUIRED')
    const res = await acceptInvite(t, invited.path, {
      code: secret,
      oneTimeCode: await oneTimeCodeFor(t, invited.email),
      password: STRONG_PASSWORD,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().invitation.status).toBe('Active')
  })

  it('refuses a code of another membership on this path', async () => {
    const a = await inviteUser(t)
    const b = await inviteUser(t)
    const res = await acceptInvite(t, a.path, { code: b.code, password: STRONG_PASSWORD })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('INVITATION_CODE_INVALID')
    expect((await t.request({ method: 'GET', url: b.path })).json().invitation.status).toBe(
      'Invited',
    )
  })
})
