import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  auditEvents,
  inviteUser,
  STRONG_PASSWORD,
} from '../../test/support/account-users.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('accept-invite retried and raced', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const membershipRow = (id: string) =>
    t.db.db
      .selectFrom('account_users')
      .select(['status', 'version', 'updated_at', 'joined_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()

  it('answers a retry with the same code with 200 and the same Active account user, changing nothing', async () => {
    const invited = await inviteUser(t)
    const first = await acceptInvite(
      t,
      invited.path,
      { code: invited.code, password: STRONG_PASSWORD },
      { query: '?select=audit' },
    )
    expect(first.statusCode).toBe(200)
    const rowBefore = await membershipRow(invited.accountUserId)
    const userBefore = await t.db.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', invited.userId)
      .executeTakeFirstOrThrow()
    t.clock.advance(60_000)
    const retry = await acceptInvite(
      t,
      invited.path,
      { code: invited.code, password: STRONG_PASSWORD },
      { query: '?select=audit' },
    )
    expect(retry.statusCode).toBe(200)
    expect(retry.json()).toEqual(first.json())
    expect(await membershipRow(invited.accountUserId)).toEqual(rowBefore)
    expect(
      await t.db.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', invited.userId)
        .executeTakeFirstOrThrow(),
    ).toEqual(userBefore)
    expect(await auditEvents(t, invited.accountUserId, 'invitation-accepted')).toHaveLength(1)
  })

  it('refuses a retry with a wrong code after acceptance', async () => {
    const invited = await inviteUser(t)
    await acceptInvite(t, invited.path, { code: invited.code, password: STRONG_PASSWORD })
    const forged = Buffer.from(
      JSON.stringify({ code: 'x'.repeat(44), accountUserId: invited.accountUserId }),
    ).toString('base64url')
    const res = await acceptInvite(t, invited.path, { code: forged })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('INVITATION_CODE_INVALID')
  })

  it('changes the membership exactly once when five accepts race, and answers each cleanly', async () => {
    const invited = await inviteUser(t)
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        acceptInvite(t, invited.path, { code: invited.code, password: STRONG_PASSWORD }),
      ),
    )
    for (const res of responses) {
      expect(res.statusCode).toBeLessThan(500)
      if (res.statusCode === 200) expect(res.json().invitation.status).toBe('Active')
      else expect(res.statusCode).toBeGreaterThanOrEqual(400)
    }
    expect(responses.some((r) => r.statusCode === 200)).toBe(true)
    expect(await auditEvents(t, invited.accountUserId, 'invitation-accepted')).toHaveLength(1)
    const row = await membershipRow(invited.accountUserId)
    expect(row.status).toBe('Active')
    expect(row.version).toBe(1)
  })
})
