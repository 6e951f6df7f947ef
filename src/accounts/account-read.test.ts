import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccount, createApiToken } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/accounts'
const address = {
  addressLine1: '1 Main St',
  postCode: '08001',
  city: 'Barcelona',
  state: 'Catalonia',
  country: 'ES',
}

describe('reading accounts', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = (
      await t.request({
        method: 'POST',
        url: URL,
        payload: { name: 'Contoso', type: 'Client', serviceLevel: 'Elite', address },
      })
    ).json().id
    await t.request({
      method: 'POST',
      url: URL,
      payload: {
        name: 'Fabrikam',
        type: 'Vendor',
        serviceLevel: 'Express',
        address: { ...address, city: 'Madrid' },
      },
    })
    clientToken = (await createApiToken(t.db.db, client)).credential
  })
  afterEach(async () => t.close())

  const get = (url: string, token?: string | null) => t.request({ method: 'GET', url, token })

  it('lists every account for Operations, filtered and ordered with RQL', async () => {
    const all = (await get(`${URL}?order=name`)).json()
    expect(all.$meta).toEqual({
      pagination: { offset: 0, limit: 10, total: 3 },
      omitted: ['audit'],
    })
    expect(all.data.map((a: { name: string }) => a.name)).toEqual([
      'Contoso',
      'Fabrikam',
      'Operations',
    ])
    const vendors = (await get(`${URL}?eq(type,Vendor)`)).json()
    expect(vendors.data.map((a: { name: string }) => a.name)).toEqual(['Fabrikam'])
    const inMadrid = (await get(`${URL}?eq(address.city,'Madrid')&select=-groups,+audit`)).json()
    expect(inMadrid.data).toHaveLength(1)
    expect(inMadrid.data[0].groups).toBeUndefined()
    expect(inMadrid.data[0].audit.created.at).toBeDefined()
    const withAdmins = (
      await get(`${URL}?and(any(groups,name=Administrators),eq(serviceLevel,Elite))`)
    ).json()
    expect(withAdmins.data.map((a: { id: string }) => a.id)).toEqual([client])
  })

  it('refuses unknown filter fields and enum values, naming them', async () => {
    const res = await get(`${URL}?eq(colour,red)`)
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual(['colour'])
    const bad = await get(`${URL}?eq(status,Sleeping)`)
    expect(bad.statusCode).toBe(400)
    expect(Object.keys(bad.json().errors)).toEqual(['status'])
  })

  it('shows a Client or Vendor caller its own account only', async () => {
    const list = (await get(URL, clientToken)).json()
    expect(list.data.map((a: { id: string }) => a.id)).toEqual([client])
    expect(list.$meta.pagination.total).toBe(1)
    expect((await get(`${URL}/${client}`, clientToken)).json().name).toBe('Contoso')
    const other = await get(`${URL}/${t.operations.accountId}`, clientToken)
    expect(other.statusCode).toBe(404)
    expect(other.json()).toMatchObject({
      status: 404,
      title: 'Not Found',
      code: 'ACCOUNT_NOT_FOUND',
    })
  })

  it('reads one account with select', async () => {
    const res = await get(`${URL}/${client}?select=%2Baudit%2C-address`)
    expect(res.statusCode).toBe(200)
    expect(res.json().address).toBeUndefined()
    expect(res.json().audit.created).toBeDefined()
    expect(res.json().$meta).toEqual({ omitted: ['address'] })
  })

  it.each(['ACC-0000-0000', 'INVALID-ID'])('answers 404 for the account %s', async (id) => {
    const res = await get(`${URL}/${id}`)
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('ACCOUNT_NOT_FOUND')
  })

  it('answers 404 for the icon of an account without a logo, of an unknown account and of a malformed id', async () => {
    for (const id of [client, 'ACC-0000-0000', 'nonsense']) {
      const res = await get(`${URL}/${id}/icon`, null)
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('ACCOUNT_NOT_FOUND')
    }
  })

  it('answers 401 without a token', async () => {
    expect((await get(URL, null)).statusCode).toBe(401)
  })

  it('reads accounts created by other means (no address, no eligibility)', async () => {
    const bare = await createAccount(t.db.db, { type: 'Vendor', name: 'Bare' })
    const res = await get(`${URL}/${bare}`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ name: 'Bare', address: null, eligibility: null, groups: [] })
  })
})
