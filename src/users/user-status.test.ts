import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  auditEvents,
  inviteAndAccept,
  inviteUser,
  STRONG_PASSWORD,
} from '../../test/support/account-users.js'
import { createAccount, createApiToken } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const USERS = '/public/v1/accounts/users'

describe('users: block, unblock, delete', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client' })
    clientToken = (await createApiToken(t.db.db, client)).credential
  })
  afterEach(async () => t.close())

  const post = (id: string, action: string, token?: string) =>
    t.request({ method: 'POST', url: `${USERS}/${id}/${action}`, ...(token ? { token } : {}) })

  it('blocks an active user and unblocks them back to Active, recording who did it', async () => {
    const ada = await inviteAndAccept(t, { accountId: client })
    const blocked = await post(ada.userId, 'block')
    expect(blocked.statusCode).toBe(200)
    expect(blocked.json().status).toBe('Blocked')
    const asMember = await t.request({ method: 'GET', url: ada.path })
    expect(asMember.json().status).toBe('Blocked')
    expect((await post(ada.userId, 'block')).json()).toMatchObject({
      status: 400,
      code: 'USER_STATUS_INVALID',
    })
    const unblocked = await t.request({
      method: 'POST',
      url: `${USERS}/${ada.userId}/unblock?select=audit`,
      payload: {},
    })
    expect(unblocked.json().status).toBe('Active')
    expect(unblocked.json().audit.updated).toMatchObject({
      by: { id: 'TKN-0000-0001' },
      of: { id: t.operations.accountId },
    })
    expect(await auditEvents(t, ada.userId, 'blocked')).toHaveLength(1)
    expect(await auditEvents(t, ada.userId, 'unblocked')).toHaveLength(1)
    expect((await post(ada.userId, 'unblock')).json().code).toBe('USER_STATUS_INVALID')
  })

  it('unblocks an invited user back to Invited, and a blocked invitee cannot accept', async () => {
    const invited = await inviteUser(t, { accountId: client })
    expect((await post(invited.userId, 'block')).json().status).toBe('Blocked')
    const accept = await acceptInvite(t, invited.path, {
      code: invited.code,
      password: STRONG_PASSWORD,
    })
    expect(accept.statusCode).toBe(400)
    expect(accept.json().code).toBe('USER_BLOCKED')
    const unblocked = await post(invited.userId, 'unblock')
    expect(unblocked.json().status).toBe('Invited')
    const row = await t.db.db
      .selectFrom('users')
      .select(['status', 'status_before_block'])
      .where('id', '=', invited.userId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'Invited', status_before_block: null })
    expect(
      (await acceptInvite(t, invited.path, { code: invited.code, password: STRONG_PASSWORD }))
        .statusCode,
    ).toBe(200)
  })

  it('deletes a blocked user: memberships go, the email is free again, the state is final', async () => {
    const ada = await inviteAndAccept(t, { accountId: client })
    await post(ada.userId, 'block')
    const del = await t.request({ method: 'DELETE', url: `${USERS}/${ada.userId}` })
    expect(del.statusCode).toBe(204)
    expect(del.body).toBe('')
    const asOps = (await t.request({ method: 'GET', url: `${USERS}/${ada.userId}` })).json()
    expect(asOps).toMatchObject({ status: 'Deleted', accounts: [] })
    expect(
      (await t.request({ method: 'GET', url: `${USERS}/${ada.userId}`, token: clientToken }))
        .statusCode,
    ).toBe(404)
    expect((await t.request({ method: 'GET', url: ada.path })).statusCode).toBe(404)
    expect(await auditEvents(t, ada.accountUserId, 'deleted')).toHaveLength(1)
    expect((await post(ada.userId, 'unblock')).json().code).toBe('USER_STATUS_INVALID')
    expect((await t.request({ method: 'DELETE', url: `${USERS}/${ada.userId}` })).json().code).toBe(
      'USER_STATUS_INVALID',
    )
    const again = await inviteUser(t, { accountId: client, email: ada.email })
    expect(again.userId).not.toBe(ada.userId)
  })

  it('deletes a disabled user', async () => {
    const ada = await inviteAndAccept(t, { accountId: client })
    await t.db.db
      .updateTable('users')
      .set({ status: 'Disabled' })
      .where('id', '=', ada.userId)
      .execute()
    expect((await t.request({ method: 'DELETE', url: `${USERS}/${ada.userId}` })).statusCode).toBe(
      204,
    )
  })

  it.each(['Active', 'Invited'])('refuses to delete an %s user (block first)', async (status) => {
    const user =
      status === 'Active'
        ? await inviteAndAccept(t, { accountId: client })
        : await inviteUser(t, { accountId: client })
    const res = await t.request({ method: 'DELETE', url: `${USERS}/${user.userId}` })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'USER_STATUS_INVALID',
      errors: [{ properties: ['status'], parameters: { status } }],
    })
    expect((await t.request({ method: 'GET', url: user.path })).statusCode).toBe(200)
  })

  it('refuses block, unblock and delete to non-Operations callers with 403', async () => {
    const ada = await inviteAndAccept(t, { accountId: client })
    for (const res of [
      await post(ada.userId, 'block', clientToken),
      await post(ada.userId, 'unblock', clientToken),
      await t.request({ method: 'DELETE', url: `${USERS}/${ada.userId}`, token: clientToken }),
    ]) {
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('ACCESS_DENIED')
    }
  })

  it.each(['USR-0000-0000', 'nonsense'])('answers 404 for %s on every action', async (id) => {
    for (const res of [
      await post(id, 'block'),
      await post(id, 'unblock'),
      await t.request({ method: 'DELETE', url: `${USERS}/${id}` }),
    ]) {
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('USER_NOT_FOUND')
    }
  })
})
