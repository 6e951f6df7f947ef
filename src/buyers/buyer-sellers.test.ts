import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createAccount,
  createApiToken,
  createLicensee,
  createSeller,
} from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/erp-links'
const BUYERS = '/public/v1/accounts/buyers'
const address = {
  addressLine1: '1 Main St',
  postCode: '08001',
  city: 'Barcelona',
  state: 'Catalonia',
  country: 'ES',
}

describe("a buyer's sellers are its ERP links (decision 40)", () => {
  let t: TestApp
  let client: string
  let clientToken: string
  let ag: string
  let spain: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client', name: 'Stark' })
    clientToken = (await createApiToken(t.db.db, client)).credential
    ag = await createSeller(t.db.db, { name: 'SoftwareOne AG', externalId: 'SWO_CH' })
    spain = await createSeller(t.db.db, { name: 'SoftwareOne Spain' })
  })
  afterEach(async () => t.close())

  const body = (sellers: unknown, fields: object = {}) => ({
    name: 'Stark Industries',
    address,
    sellers,
    ...fields,
  })
  const createBuyerWith = (sellers: unknown) =>
    t.request({
      method: 'POST',
      url: BUYERS,
      payload: { ...body(sellers), account: { id: client } },
    })

  it('creates an Active link per listed seller and shows each as a SellerRef with its link', async () => {
    const res = await createBuyerWith([{ id: ag }, { id: spain, name: 'echo', erpLink: {} }])
    expect(res.statusCode).toBe(201)
    const sellers = res.json().sellers
    expect(sellers.map((s: { id: string }) => s.id)).toEqual([ag, spain])
    expect(sellers[0]).toEqual({
      id: ag,
      name: 'SoftwareOne AG',
      externalId: 'SWO_CH',
      icon: null,
      erpLink: {
        id: expect.stringMatching(/^ERP-/),
        name: 'Stark Industries - SoftwareOne AG',
        icon: null,
        status: 'Active',
      },
    })
    const links = await t.request({ method: 'GET', url: `${URL}?eq(buyer.id,${res.json().id})` })
    expect(links.json().$meta.pagination.total).toBe(2)
    const filtered = await t.request({ method: 'GET', url: `${BUYERS}?any(sellers,id=${spain})` })
    expect(filtered.json().data.map((b: { id: string }) => b.id)).toEqual([res.json().id])
    const none = await t.request({ method: 'GET', url: `${BUYERS}?eq(sellers.id,SEL-0000-0000)` })
    expect(none.json().data).toEqual([])
  })

  it('refuses an unknown, deleted or disabled seller, naming its position', async () => {
    const disabled = await createSeller(t.db.db, { status: 'Disabled' })
    const res = await createBuyerWith([{ id: ag }, { id: disabled }, { id: 'SEL-0000-0000' }])
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual(['sellers[1].id', 'sellers[2].id'])
    expect(await t.db.db.selectFrom('buyers').select('id').execute()).toEqual([])
  })

  it('drops the link of a seller left out, unless a licensee uses the pair', async () => {
    const buyer = (await createBuyerWith([{ id: ag }, { id: spain }])).json().id
    const update = (sellers: unknown, token?: string) =>
      t.request({ method: 'PUT', url: `${BUYERS}/${buyer}`, payload: body(sellers), token })
    const licensee = await createLicensee(t.db.db, buyer, spain)
    const inUse = await update([{ id: ag }])
    expect(inUse.statusCode).toBe(400)
    expect(inUse.json().code).toBe('ERP_LINK_IN_USE')
    expect(inUse.json().errors[0].parameters).toEqual({ sellerId: spain, licenseeId: licensee })
    await t.db.db
      .updateTable('licensees')
      .set({ status: 'Deleted' })
      .where('id', '=', licensee)
      .execute()
    const dropped = await update([{ id: spain }])
    expect(dropped.statusCode).toBe(200)
    expect(dropped.json().sellers.map((s: { id: string }) => s.id)).toEqual([spain])
    expect((await update(null)).json().sellers).toEqual([])
    // Absent: unchanged.
    await update([{ id: ag }])
    const unchanged = await t.request({
      method: 'PUT',
      url: `${BUYERS}/${buyer}`,
      payload: { name: 'Stark Industries', address },
    })
    expect(unchanged.json().sellers.map((s: { id: string }) => s.id)).toEqual([ag])
  })

  it('lets a Client send its sellers back unchanged but not change them', async () => {
    const buyer = (await createBuyerWith([{ id: ag }])).json().id
    const update = (sellers: unknown) =>
      t.request({
        method: 'PUT',
        url: `${BUYERS}/${buyer}`,
        payload: body(sellers),
        token: clientToken,
      })
    const echoed = (
      await t.request({ method: 'GET', url: `${BUYERS}/${buyer}`, token: clientToken })
    ).json().sellers
    expect((await update(echoed)).statusCode).toBe(200)
    for (const changed of [[{ id: ag }, { id: spain }], [], null]) {
      const res = await update(changed)
      expect(res.statusCode).toBe(400)
      expect(Object.keys(res.json().errors)).toEqual(['sellers'])
    }
  })
})
