import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccount, createApiToken } from '../../test/support/factories.js'
import { multipartBody, TINY_PNG } from '../../test/support/multipart.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/buyers'
const address = {
  addressLine1: '1 Main St',
  postCode: '08001',
  city: 'Barcelona',
  state: 'Catalonia',
  country: 'ES',
}

describe('reading and updating buyers', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  let mine: string
  let theirs: string
  const newBuyer = async (accountId: string, name: string, city = 'Barcelona') =>
    (
      await t.request({
        method: 'POST',
        url: URL,
        payload: { name, address: { ...address, city }, account: { id: accountId } },
      })
    ).json().id as string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client' })
    clientToken = (await createApiToken(t.db.db, client)).credential
    mine = await newBuyer(client, 'Alpha')
    await newBuyer(client, 'Beta', 'Madrid')
    theirs = await newBuyer(await createAccount(t.db.db, { type: 'Client' }), 'Gamma')
  })
  afterEach(async () => t.close())

  const get = (url: string, token?: string | null) => t.request({ method: 'GET', url, token })
  const put = (id: string, payload: object, token?: string) =>
    t.request({ method: 'PUT', url: `${URL}/${id}`, payload, token })
  const names = (res: { json(): { data: Array<{ name: string }> } }) =>
    res.json().data.map((b) => b.name)

  it('lists every buyer for Operations and only its own for a Client, filtered with RQL', async () => {
    expect(names(await get(`${URL}?order=name`))).toEqual(['Alpha', 'Beta', 'Gamma'])
    const own = await get(`${URL}?order=-name`, clientToken)
    expect(names(own)).toEqual(['Beta', 'Alpha'])
    expect(own.json().$meta.pagination.total).toBe(2)
    expect(names(await get(`${URL}?eq(address.city,Madrid)`, clientToken))).toEqual(['Beta'])
    expect(names(await get(`${URL}?eq(account.id,"${client}")&ilike(name,al*)`))).toEqual(['Alpha'])
  })

  it('shows errors to Operations only', async () => {
    expect((await get(`${URL}/${mine}`)).json().errors).toEqual([])
    const asClient = await get(`${URL}/${mine}`, clientToken)
    expect(asClient.statusCode).toBe(200)
    expect(asClient.json()).not.toHaveProperty('errors')
    expect((await get(`${URL}/${mine}?select=+errors`, clientToken)).statusCode).toBe(400)
    expect((await get(URL, clientToken)).json().data.every((b: object) => !('errors' in b))).toBe(
      true,
    )
  })

  it('reads one buyer with select', async () => {
    const res = await get(`${URL}/${mine}?select=-address,+audit`, clientToken)
    expect(res.json().address).toBeUndefined()
    expect(res.json().audit.created.at).toBeDefined()
  })

  it("answers 404 for another account's buyer, unknown and malformed ids", async () => {
    for (const [id, token] of [
      [theirs, clientToken],
      ['BUY-0000-0000', undefined],
      ['INVALID-ID', undefined],
    ] as const) {
      const res = await get(`${URL}/${id}`, token)
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('BUYER_NOT_FOUND')
      expect((await put(id, { name: '' }, token)).statusCode).toBe(404)
    }
  })

  it('refuses a Vendor caller with 403', async () => {
    const vendorToken = (
      await createApiToken(t.db.db, await createAccount(t.db.db, { type: 'Vendor' }))
    ).credential
    expect((await get(URL, vendorToken)).statusCode).toBe(403)
    expect((await get(`${URL}/${mine}`, vendorToken)).statusCode).toBe(403)
    expect((await put(mine, { name: 'X', address }, vendorToken)).statusCode).toBe(403)
  })

  it('lets a Client update its own buyer but not its ERP ids; Operations may set them', async () => {
    const res = await put(
      mine,
      {
        name: 'Alpha Ltd',
        address,
        taxId: 'B1',
        externalIds: { erpCustomer: 'C-1' },
        status: 'Active',
      },
      clientToken,
    )
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      name: 'Alpha Ltd',
      taxId: 'B1',
      externalIds: null,
      status: 'Enabled',
    })
    expect(res.json().audit.updated.of.id).toBe(client)
    const ops = await put(mine, { name: 'Alpha Ltd', address, externalIds: { erpCustomer: 'C-1' } })
    expect(ops.json().externalIds).toEqual({ erpCustomer: 'C-1' })
  })

  it.each([
    ['name', { address }],
    ['address', { name: 'X' }],
    ['address.country', { name: 'X', address: { ...address, country: 'Spain' } }],
    [
      'contact.phone.prefix',
      { name: 'X', address, contact: { phone: { prefix: '+'.repeat(11) } } },
    ],
  ])('names the field %s when the update is invalid', async (field, payload) => {
    const res = await put(mine, payload, clientToken)
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('replaces the logo from a multipart update', async () => {
    const body = await multipartBody(
      'buyer',
      { name: 'Alpha', address },
      { part: 'logo', data: TINY_PNG },
    )
    const res = await t.request({
      method: 'PUT',
      url: `${URL}/${mine}`,
      ...body,
      token: clientToken,
    })
    expect(res.statusCode).toBe(200)
    expect((await get(`${URL}/${mine}/icon`, null)).headers.location).toBe(res.json().icon)
  })

  it('answers 404 for the icon of a buyer without a logo, unknown or malformed', async () => {
    for (const id of [mine, 'BUY-0000-0000', 'nonsense']) {
      const res = await get(`${URL}/${id}/icon`, null)
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('BUYER_NOT_FOUND')
    }
  })
})
