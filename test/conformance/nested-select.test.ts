import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteUser, LEGACY_PATH, type Invited } from '../support/account-users.js'
import { testDialect } from '../support/database.js'
import { createApiToken, createUserGroup } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

/**
 * Issue #11: `select=account.address` on an account user returns the account's core members plus
 * its address (it used to return `{id}`), and the same for every embedded object with members
 * beyond its reference; `$meta.omitted` stays exactly the top-level keys left out.
 */
const API = '/public/v1/accounts'
const ADDRESS = {
  addressLine1: '1 Infinite Loop',
  addressLine2: null,
  postCode: '95014',
  city: 'Cupertino',
  state: 'CA',
  country: 'US',
}
const ACCOUNT_CORE = ['icon', 'id', 'name', 'status', 'type']

describe(`nested select of embedded objects (${testDialect})`, () => {
  let t: TestApp
  let accountId: string
  let buyerId: string
  let groupId: string
  let invited: Invited
  beforeAll(async () => {
    t = await buildTestApp()
    const account = await t.request({
      method: 'POST',
      url: `${API}/accounts`,
      payload: {
        name: 'Contoso',
        type: 'Client',
        serviceLevel: 'Elite',
        address: ADDRESS,
        website: 'https://contoso.example',
      },
    })
    accountId = account.json().id
    const buyer = await t.request({
      method: 'POST',
      url: `${API}/buyers`,
      payload: {
        name: 'Contoso Spain',
        account: { id: accountId },
        address: { ...ADDRESS, city: 'Madrid' },
        taxId: 'ESB123',
      },
    })
    buyerId = buyer.json().id
    groupId = await createUserGroup(t.db.db, accountId, {
      name: 'Purchasing',
      modules: ['MOD-0478'],
      buyers: [buyerId],
    })
    invited = await inviteUser(t, { accountId, groupIds: [groupId] })
    await t.request({
      method: 'PUT',
      url: `${API}/users/${invited.userId}`,
      payload: { phone: { prefix: '+34', number: '600000000' } },
    })
  })
  afterAll(async () => t.close())

  const get = async (url: string) => {
    const res = await t.request({ method: 'GET', url })
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  it('returns the account core plus the address on an account user (SDK family)', async () => {
    const body = await get(`${invited.path}?select=account.address`)
    expect(Object.keys(body.account).sort()).toEqual([...ACCOUNT_CORE, 'address'].sort())
    expect(body.account).toMatchObject({ id: accountId, name: 'Contoso', address: ADDRESS })
    expect(body.$meta).toEqual({ omitted: ['audit'] })
    expect(body.groups).toEqual([expect.objectContaining({ id: groupId })])
  })

  it('adds several members and keeps trimming for core members (legacy family)', async () => {
    const body = await get(
      `${LEGACY_PATH}/${invited.accountUserId}?select=account.name,account.serviceLevel,account.website`,
    )
    expect(body.account).toEqual({
      id: accountId,
      name: 'Contoso',
      serviceLevel: 'Elite',
      website: 'https://contoso.example',
    })
    expect(body.$meta).toEqual({ omitted: ['audit'] })
  })

  it('expands user, groups, modules and buyers of an account user', async () => {
    const body = await get(
      `${invited.path}?select=user.phone,groups.modules,modules.code,buyers.address,buyers.taxId`,
    )
    expect(body.user).toEqual({
      id: invited.userId,
      name: 'Ada Lovelace',
      icon: null,
      email: invited.email,
      phone: { prefix: '+34', number: '600000000' },
    })
    expect(body.groups).toHaveLength(1)
    expect(body.groups[0].modules.map((m: { id: string }) => m.id)).toEqual(['MOD-0478'])
    expect(body.groups[0]).toMatchObject({ id: groupId, name: 'Purchasing', isDefault: false })
    expect(body.modules).toEqual([expect.objectContaining({ id: 'MOD-0478', code: 'marketplace' })])
    expect(body.buyers).toEqual([
      {
        id: buyerId,
        name: 'Contoso Spain',
        icon: null,
        address: { ...ADDRESS, city: 'Madrid' },
        taxId: 'ESB123',
      },
    ])
    expect(body.$meta).toEqual({ omitted: ['audit'] })
  })

  it('expands every item of a list, with the envelope omitted exact', async () => {
    await inviteUser(t, { accountId, groupIds: [groupId] })
    const body = await get(
      `${API}/accounts/${accountId}/users?select=account.address,-lastLoginAt&order=email`,
    )
    expect(body.data).toHaveLength(2)
    for (const item of body.data) {
      expect(item.account).toMatchObject({ id: accountId, address: ADDRESS })
      expect(item.lastLoginAt).toBeUndefined()
    }
    expect(body.$meta.omitted).toEqual(['lastLoginAt', 'audit'])
    const legacy = await get(`${LEGACY_PATH}?eq(account.id,${accountId})&select=buyers.address`)
    expect(
      legacy.data.every((i: { buyers: Array<{ address: unknown }> }) => i.buyers[0]!.address),
    ).toBe(true)
  })

  it('expands the references of user groups, buyers, API tokens, accounts and users', async () => {
    const group = await get(
      `${API}/user-groups/${groupId}?select=account.serviceLevel,modules.accountTypes,buyers.address`,
    )
    expect(group.account).toMatchObject({ id: accountId, serviceLevel: 'Elite' })
    expect(group.modules[0].accountTypes).toEqual(['Client', 'Operations'])
    expect(group.buyers[0].address.city).toBe('Madrid')
    const buyer = await get(`${API}/buyers/${buyerId}?select=account.address`)
    expect(buyer.account.address).toEqual(ADDRESS)
    const token = await createApiToken(t.db.db, accountId, { modules: ['MOD-0478'] })
    const apiToken = await get(`${API}/api-tokens/${token.id}?select=account.website,modules.code`)
    expect(apiToken.account.website).toBe('https://contoso.example')
    expect(apiToken.modules[0].code).toBe('marketplace')
    const account = await get(`${API}/accounts/${accountId}?select=groups.buyers`)
    expect(account.groups.find((g: { id: string }) => g.id === groupId).buyers).toEqual([
      { id: buyerId, name: 'Contoso Spain', icon: null },
    ])
    const user = await get(`${API}/users/${invited.userId}?select=accounts.address`)
    expect(user.accounts).toEqual([expect.objectContaining({ id: accountId, address: ADDRESS })])
    const groups = await get(`${API}/user-groups?eq(id,${groupId})&select=account.address`)
    expect(groups.data[0].account.address).toEqual(ADDRESS)
  })

  it('still refuses an unknown top-level key, and ignores a nested member no object has', async () => {
    const unknown = await t.request({ method: 'GET', url: `${invited.path}?select=nope.address` })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().code).toBe('RQL_UNKNOWN_FIELD')
    const body = await get(`${invited.path}?select=account.nothing`)
    expect(body.account).toEqual({ id: accountId })
  })
})
