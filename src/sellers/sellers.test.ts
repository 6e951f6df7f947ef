import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { multipartBody, TINY_PNG } from '../../test/support/multipart.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/sellers'
const address = {
  addressLine1: '123 Main St',
  city: 'Los Angeles',
  state: 'CA',
  postCode: '12345',
  country: 'US',
}
/** The official SDK's e2e create payload (§11.2). */
const sdkPayload = (externalId = 'Create E2E Seller - 20261203101500') => ({
  name: 'E2E Test Seller',
  address,
  currencies: [
    { value: 'EUR', billingEnabled: false, isDefault: false },
    { value: 'USD', billingEnabled: true, isDefault: true },
  ],
  externalId,
})

describe('sellers', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const create = (payload: object, token?: string) =>
    t.request({ method: 'POST', url: URL, payload, token })
  const put = (id: string, payload: object, token?: string) =>
    t.request({ method: 'PUT', url: `${URL}/${id}`, payload, token })
  const remove = (id: string, token?: string) =>
    t.request({ method: 'DELETE', url: `${URL}/${id}`, token })
  const get = (url: string, token?: string | null) => t.request({ method: 'GET', url, token })
  const storedCurrencies = async (id: string) =>
    JSON.parse(
      (
        await t.db.db
          .selectFrom('sellers')
          .select('currencies')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).currencies,
    )

  it("creates an Active seller from the SDK's payload, emitting v4 currency codes", async () => {
    const res = await create(sdkPayload())
    expect(res.statusCode).toBe(201)
    const seller = res.json()
    expect(seller.id).toMatch(/^SEL-\d{4}-\d{4}$/)
    expect(seller).toMatchObject({
      name: 'E2E Test Seller',
      externalId: 'Create E2E Seller - 20261203101500',
      icon: null,
      status: 'Active',
      currencies: ['EUR', 'USD'],
      address,
    })
    expect(seller.audit.created).toMatchObject({
      by: { id: 'TKN-0000-0001' },
      of: { id: t.operations.accountId },
    })
    expect(await storedCurrencies(seller.id)).toEqual(sdkPayload().currencies)
    const read = await get(`${URL}/${seller.id}`)
    expect(read.json()).toEqual({
      id: seller.id,
      name: 'E2E Test Seller',
      externalId: 'Create E2E Seller - 20261203101500',
      icon: null,
      status: 'Active',
      currencies: ['EUR', 'USD'],
      address,
      $meta: { omitted: ['audit'] },
    })
  })

  it("accepts v4's codes and the docs' single currency; a bare code keeps its stored flags", async () => {
    const v4 = await create({ name: 'V4', currencies: ['EUR', 'USD'] })
    expect(v4.statusCode).toBe(201)
    expect(await storedCurrencies(v4.json().id)).toEqual([
      { value: 'EUR', billingEnabled: false, isDefault: false },
      { value: 'USD', billingEnabled: false, isDefault: false },
    ])
    const docs = await create({ name: 'Docs', currency: 'CHF' })
    expect(docs.json().currencies).toEqual(['CHF'])

    const sdk = (await create(sdkPayload())).json()
    const updated = await put(sdk.id, { name: 'E2E Test Seller', currencies: ['USD', 'GBP'] })
    expect(updated.statusCode).toBe(200)
    expect(await storedCurrencies(sdk.id)).toEqual([
      { value: 'USD', billingEnabled: true, isDefault: true },
      { value: 'GBP', billingEnabled: false, isDefault: false },
    ])
  })

  it.each([
    ['currencies', { currencies: undefined }],
    ['currencies', { currencies: [] }],
    ['currencies[0]', { currencies: ['EURO'] }],
    ['currencies[1]', { currencies: ['EUR', 'eur'] }],
    [
      'currencies',
      {
        currencies: [
          { value: 'EUR', isDefault: true },
          { value: 'USD', isDefault: true },
        ],
      },
    ],
    ['name', { name: '' }],
    ['name', { name: '   ' }],
    ['externalId', { externalId: 'x'.repeat(251) }],
    ['address.country', { address: { ...address, country: 'USA' } }],
    ['mistake', { mistake: true }],
  ])('refuses an invalid %s, naming it', async (field, fields) => {
    const res = await create({ ...sdkPayload(), ...fields })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ status: 400, title: 'Bad Request' })
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('ignores the read-only members a client echoes back', async () => {
    const res = await create({
      ...sdkPayload(),
      id: 'SEL-1111-1111',
      icon: '/x.png',
      status: 'Disabled',
      erpLink: { id: 'ERP-1111-1111-1111' },
      audit: { created: { at: '2020-01-01T00:00:00.000Z' } },
      $meta: { omitted: ['audit'] },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ status: 'Active', icon: null })
    expect(res.json().id).not.toBe('SEL-1111-1111')
  })

  it('keeps externalId unique among non-deleted sellers, trimmed and case-insensitive (decision 27)', async () => {
    const first = (await create(sdkPayload('SWO_CH'))).json()
    const clash = await create(sdkPayload('  swo_ch '))
    expect(clash.statusCode).toBe(400)
    expect(clash.json().code).toBe('SELLER_EXTERNAL_ID_TAKEN')
    expect(clash.json().errors[0].properties).toEqual(['externalId'])
    // Repeating its own external id is fine; taking another's is not.
    expect((await put(first.id, sdkPayload('SWO_CH'))).statusCode).toBe(200)
    const second = (await create(sdkPayload('SWO_DE'))).json()
    expect((await put(second.id, sdkPayload('swo_ch'))).json().code).toBe(
      'SELLER_EXTERNAL_ID_TAKEN',
    )
    // null may repeat, and a deleted seller's external id is free again.
    expect((await create({ ...sdkPayload(), externalId: null })).statusCode).toBe(201)
    expect((await create({ ...sdkPayload(), externalId: null })).statusCode).toBe(201)
    expect((await remove(first.id)).statusCode).toBe(204)
    expect((await create(sdkPayload('SWO_CH'))).statusCode).toBe(201)
  })

  it('updates name, currencies, externalId and address; absent members stay, null clears', async () => {
    const seller = (await create(sdkPayload('KEEP'))).json()
    const res = await put(seller.id, {
      name: 'Renamed',
      currencies: ['EUR'],
      status: 'Disabled',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      name: 'Renamed',
      externalId: 'KEEP',
      address,
      status: 'Active',
      currencies: ['EUR'],
    })
    const cleared = await put(seller.id, {
      name: 'Renamed',
      currencies: ['EUR'],
      address: null,
      externalId: null,
    })
    expect(cleared.json()).toMatchObject({ externalId: null, address: null })
    const audit = await get(`${URL}/${seller.id}?select=audit`)
    expect(audit.json().audit.updated.by.id).toBe('TKN-0000-0001')
  })

  it('takes multipart with a logo on create and update, and redirects its public icon', async () => {
    const created = await t.request({
      method: 'POST',
      url: URL,
      ...(await multipartBody('seller', sdkPayload(), { part: 'logo', data: TINY_PNG })),
    })
    expect(created.statusCode).toBe(201)
    const seller = created.json()
    expect(seller.icon).toMatch(/^\/public\/v1\/accounts\/icons\/[0-9a-f]{32}$/)
    const redirect = await get(`${URL}/${seller.id}/icon`, null)
    expect(redirect.statusCode).toBe(307)
    expect(redirect.headers.location).toBe(seller.icon)

    const bare = (await create(sdkPayload('NO-LOGO'))).json()
    expect((await get(`${URL}/${bare.id}/icon`, null)).statusCode).toBe(404)
    const updated = await t.request({
      method: 'PUT',
      url: `${URL}/${bare.id}`,
      ...(await multipartBody(
        'seller',
        sdkPayload('NO-LOGO'),
        { part: 'logo', data: TINY_PNG },
        { jsonAsFile: true },
      )),
    })
    expect(updated.statusCode).toBe(200)
    // Each object owns its icon (issue #12): the same bytes get a path of their own.
    expect(updated.json().icon).toMatch(/^\/public\/v1\/accounts\/icons\/[0-9a-f]{32}$/)
    expect(updated.json().icon).not.toBe(seller.icon)
    expect((await get(`${URL}/${bare.id}/icon`, null)).headers.location).toBe(updated.json().icon)
    expect((await get(`${URL}/SEL-0000-0000/icon`, null)).statusCode).toBe(404)
  })

  it('removes the stored logo when the seller is deleted (issue #12: one icon per object, none left behind)', async () => {
    const created = await t.request({
      method: 'POST',
      url: URL,
      ...(await multipartBody('seller', sdkPayload('DEL-LOGO'), { part: 'logo', data: TINY_PNG })),
    })
    const seller = created.json()
    expect((await get(seller.icon, null)).statusCode).toBe(200)
    expect((await t.request({ method: 'DELETE', url: `${URL}/${seller.id}` })).statusCode).toBe(204)
    expect((await get(seller.icon, null)).statusCode).toBe(404)
    const icons = await t.db.db
      .selectFrom('icons')
      .select('id')
      .where('owner', '=', seller.id)
      .execute()
    expect(icons).toEqual([])
  })

  it('lists with RQL: quoted and encoded values, select, $meta.omitted, paging', async () => {
    const a = (await create({ ...sdkPayload('A'), name: 'SoftwareOne AG' })).json()
    await create({
      ...sdkPayload('B'),
      name: 'SoftwareOne Spain',
      address: { ...address, city: 'Madrid' },
    })
    const both = await get(`${URL}?and(eq(id,${a.id}),eq(name,'SoftwareOne%20AG'))`)
    expect(both.json().data.map((s: { id: string }) => s.id)).toEqual([a.id])
    const quoted = await get(`${URL}?eq(name,"SoftwareOne AG")&select=-address`)
    expect(quoted.json().data).toEqual([
      expect.not.objectContaining({ address: expect.anything() }),
    ])
    expect(quoted.json().$meta.omitted).toEqual(['address', 'audit'])
    expect(quoted.json().data[0]).not.toHaveProperty('$meta')
    const page = await get(`${URL}?order=-name&limit=1&offset=1&select=+audit`)
    expect(page.json().$meta.pagination).toEqual({ offset: 1, limit: 1, total: 2 })
    expect(page.json().data[0]).toMatchObject({ name: 'SoftwareOne AG', audit: { created: {} } })
    expect((await get(`${URL}?eq(address.city,Madrid)`)).json().data).toHaveLength(1)
    expect((await get(`${URL}?eq(currencies,EUR)`)).json().code).toBe('RQL_UNKNOWN_FIELD')
    expect((await get(`${URL}?eq(status,Asleep)`)).statusCode).toBe(400)
  })
})
