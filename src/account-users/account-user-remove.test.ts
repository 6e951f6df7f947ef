import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  inviteAndAccept,
  inviteUser,
  LEGACY_PATH,
  STRONG_PASSWORD,
} from '../../test/support/account-users.js'
import { createAccount } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('DELETE …/users/{userId} (remove from the account)', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  it('removes the membership with 204 and an empty body', async () => {
    const invited = await inviteUser(t)
    const res = await t.request({ method: 'DELETE', url: invited.path })
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect((await t.request({ method: 'GET', url: invited.path })).statusCode).toBe(404)
    expect(await t.db.db.selectFrom('account_users').selectAll().execute()).toEqual([])
  })

  it('makes a pending invitation link stop working', async () => {
    const invited = await inviteUser(t)
    await t.request({ method: 'DELETE', url: invited.path })
    const res = await acceptInvite(t, invited.path, {
      code: invited.code,
      password: STRONG_PASSWORD,
    })
    expect(res.statusCode).toBe(404)
    const legacy = await acceptInvite(t, `${LEGACY_PATH}/${invited.accountUserId}`, {
      code: invited.code,
      password: STRONG_PASSWORD,
    })
    expect(legacy.statusCode).toBe(404)
  })

  it('keeps the user in their other accounts', async () => {
    const other = await createAccount(t.db.db)
    const here = await inviteAndAccept(t)
    const there = await inviteAndAccept(t, { email: here.email, accountId: other })
    expect(there.userId).toBe(here.userId)
    expect((await t.request({ method: 'DELETE', url: here.path })).statusCode).toBe(204)
    const res = await t.request({ method: 'GET', url: there.path })
    expect(res.statusCode).toBe(200)
    expect(res.json().invitation.status).toBe('Active')
    const user = await t.db.db
      .selectFrom('users')
      .select('status')
      .where('id', '=', here.userId)
      .executeTakeFirstOrThrow()
    expect(user.status).toBe('Active')
  })

  it('removes by AUSR id on the legacy path', async () => {
    const invited = await inviteUser(t)
    const res = await t.request({
      method: 'DELETE',
      url: `${LEGACY_PATH}/${invited.accountUserId}`,
    })
    expect(res.statusCode).toBe(204)
    expect((await t.request({ method: 'GET', url: invited.path })).statusCode).toBe(404)
  })

  it('answers 404 for an unknown or malformed id, and for a second delete', async () => {
    const invited = await inviteUser(t)
    await t.request({ method: 'DELETE', url: invited.path })
    expect((await t.request({ method: 'DELETE', url: invited.path })).statusCode).toBe(404)
    const base = `/public/v1/accounts/accounts/${t.operations.accountId}/users`
    expect((await t.request({ method: 'DELETE', url: `${base}/USR-9999-9999` })).statusCode).toBe(
      404,
    )
    expect((await t.request({ method: 'DELETE', url: `${base}/INVALID-ID` })).statusCode).toBe(404)
  })
})
