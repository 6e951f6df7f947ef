import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inviteAndAccept, inviteUser } from '../../test/support/account-users.js'
import { createAccount, createApiToken } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const USERS = '/public/v1/accounts/users'

describe('users: list and get', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client', name: 'Contoso' })
    clientToken = (await createApiToken(t.db.db, client)).credential
  })
  afterEach(async () => t.close())

  it('gets a user with the core fields, audit omitted by default and added by select', async () => {
    const ada = await inviteAndAccept(t, { accountId: client })
    const res = await t.request({
      method: 'GET',
      url: `${USERS}/${ada.userId}`,
      token: clientToken,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      id: ada.userId,
      name: 'Ada Lovelace',
      email: ada.email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      status: 'Active',
      icon: null,
      phone: { prefix: null, number: null },
      $meta: { omitted: ['audit'] },
    })
    expect(res.json().audit).toBeUndefined()
    const withAudit = await t.request({
      method: 'GET',
      url: `${USERS}/${ada.userId}?select=%2Baudit,-email`,
      token: clientToken,
    })
    expect(withAudit.json().email).toBeUndefined()
    expect(withAudit.json().audit.created.at).toBe(t.clock.now().toISOString())
    expect(withAudit.json().audit.invitationAcceptedAt).toBe(t.clock.now().toISOString())
  })

  it('shows accounts to Operations only', async () => {
    const other = await createAccount(t.db.db, { type: 'Vendor', name: 'Fabrikam' })
    const ada = await inviteAndAccept(t, { accountId: client })
    await inviteUser(t, { accountId: other, email: ada.email })
    const asOps = (await t.request({ method: 'GET', url: `${USERS}/${ada.userId}` })).json()
    expect(asOps.accounts.map((a: { id: string }) => a.id).sort()).toEqual([client, other].sort())
    const asClient = (
      await t.request({ method: 'GET', url: `${USERS}/${ada.userId}`, token: clientToken })
    ).json()
    expect(asClient.accounts).toBeUndefined()
    const selected = await t.request({
      method: 'GET',
      url: `${USERS}/${ada.userId}?select=accounts`,
      token: clientToken,
    })
    expect(selected.statusCode).toBe(400)
    expect(selected.json().code).toBe('RQL_UNKNOWN_FIELD')
    const filtered = await t.request({ method: 'GET', url: `${USERS}?any(accounts,id=${other})` })
    expect(filtered.json().data.map((u: { id: string }) => u.id)).toEqual([ada.userId])
    expect(
      (
        await t.request({
          method: 'GET',
          url: `${USERS}?any(accounts,id=${other})`,
          token: clientToken,
        })
      ).statusCode,
    ).toBe(400)
  })

  it('lists only members of the caller account; others are 404', async () => {
    const other = await createAccount(t.db.db, { type: 'Client' })
    const mine = await inviteAndAccept(t, { accountId: client })
    const pending = await inviteUser(t, { accountId: client })
    const theirs = await inviteAndAccept(t, { accountId: other })
    const list = (
      await t.request({ method: 'GET', url: `${USERS}?limit=100`, token: clientToken })
    ).json()
    expect(list.data.map((u: { id: string }) => u.id).sort()).toEqual(
      [mine.userId, pending.userId].sort(),
    )
    expect(list.$meta.pagination).toEqual({ offset: 0, limit: 100, total: 2 })
    expect(
      (await t.request({ method: 'GET', url: `${USERS}/${theirs.userId}`, token: clientToken }))
        .statusCode,
    ).toBe(404)
    const all = (await t.request({ method: 'GET', url: `${USERS}?limit=100` })).json()
    expect(all.data.map((u: { id: string }) => u.id)).toEqual(
      expect.arrayContaining([mine.userId, pending.userId, theirs.userId]),
    )
  })

  it('reads status in the caller account: Invited, then InvitationExpired; Operations too once every invitation expired (issue #11)', async () => {
    const pending = await inviteUser(t, { accountId: client })
    const get = async (token?: string) =>
      (
        await t.request({
          method: 'GET',
          url: `${USERS}/${pending.userId}`,
          ...(token ? { token } : {}),
        })
      ).json().status
    expect(await get(clientToken)).toBe('Invited')
    t.clock.advance(8 * 24 * 3600 * 1000)
    expect(await get(clientToken)).toBe('InvitationExpired')
    expect(await get()).toBe('InvitationExpired')
    const filtered = await t.request({
      method: 'GET',
      url: `${USERS}?eq(status,InvitationExpired)`,
      token: clientToken,
    })
    expect(filtered.json().data.map((u: { id: string }) => u.id)).toEqual([pending.userId])
    const none = await t.request({
      method: 'GET',
      url: `${USERS}?eq(status,Invited)`,
      token: clientToken,
    })
    expect(none.json().data).toEqual([])
  })

  it('filters and orders with RQL', async () => {
    const a = await inviteAndAccept(t, { accountId: client, email: 'zed@example.com' })
    const b = await inviteAndAccept(t, { accountId: client, email: 'amy@example.com' })
    const ordered = await t.request({
      method: 'GET',
      url: `${USERS}?order=-email`,
      token: clientToken,
    })
    expect(ordered.json().data.map((u: { id: string }) => u.id)).toEqual([a.userId, b.userId])
    const filtered = await t.request({
      method: 'GET',
      url: `${USERS}?ilike(email,'am*')&select=-name`,
      token: clientToken,
    })
    expect(filtered.json().data).toHaveLength(1)
    expect(filtered.json().data[0]).toMatchObject({ id: b.userId })
    expect(filtered.json().data[0].name).toBeUndefined()
    const bad = await t.request({
      method: 'GET',
      url: `${USERS}?eq(password,x)`,
      token: clientToken,
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors).toHaveProperty('password')
  })

  it.each(['USR-0000-0000', 'INVALID-ID', 'UGR-1234-5678'])('answers 404 for %s', async (id) => {
    const res = await t.request({ method: 'GET', url: `${USERS}/${id}` })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ status: 404, title: 'Not Found', code: 'USER_NOT_FOUND' })
  })
})
