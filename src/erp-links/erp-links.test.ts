import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createAccount,
  createApiToken,
  createBuyer,
  createErpLink,
  createLicensee,
  createSeller,
} from '../../test/support/factories.js'
import { multipartBody, TINY_PNG } from '../../test/support/multipart.js'
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
const externalIds = { erpCompanyContact: 'CON-1', erpCustomer: 'SCU-1', accountExternalId: 'CDG-1' }

describe('ERP links', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  let buyer: string
  let seller: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client' })
    clientToken = (await createApiToken(t.db.db, client)).credential
    buyer = await createBuyer(t.db.db, client, 'Stark Industries')
    seller = await createSeller(t.db.db, { name: 'SoftwareOne AG', externalId: 'SWO_CH' })
  })
  afterEach(async () => t.close())

  const create = (payload: object, token?: string) =>
    t.request({ method: 'POST', url: URL, payload, token })
  const get = (url: string, token?: string | null) => t.request({ method: 'GET', url, token })
  const put = (id: string, payload: object, token?: string) =>
    t.request({ method: 'PUT', url: `${URL}/${id}`, payload, token })
  const act = (id: string, action: string, payload?: object, token?: string) =>
    t.request({
      method: 'POST',
      url: `${URL}/${id}/${action}`,
      ...(payload ? { payload } : {}),
      token,
    })
  const licenseeStatus = async (id: string) =>
    (
      await t.db.db
        .selectFrom('licensees')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status

  it("creates the pair's link (the SDK's create), Active, named after buyer and seller", async () => {
    const res = await create({
      buyer: { id: buyer },
      seller: { id: seller },
      externalIds,
      address,
      note: 'Opened by the ERP team',
    })
    expect(res.statusCode).toBe(201)
    const link = res.json()
    expect(link.id).toMatch(/^ERP-\d{4}-\d{4}-\d{4}$/)
    expect(link).toMatchObject({
      name: 'Stark Industries - SoftwareOne AG',
      icon: null,
      status: 'Active',
      buyer: { id: buyer, name: 'Stark Industries', icon: null },
      seller: { id: seller, name: 'SoftwareOne AG', externalId: 'SWO_CH', icon: null },
      externalIds,
      address,
      note: 'Opened by the ERP team',
      audit: { created: { by: { id: 'TKN-0000-0001' } } },
    })
    const again = await create({ buyer: { id: buyer }, seller: { id: seller } })
    expect(again.statusCode).toBe(400)
    expect(again.json().code).toBe('ERP_LINK_ALREADY_EXISTS')
  })

  it('refuses a link to an unknown or deleted buyer, or an unknown, deleted or disabled seller', async () => {
    const deletedBuyer = await createBuyer(t.db.db, client)
    await t.db.db
      .updateTable('buyers')
      .set({ status: 'Deleted' })
      .where('id', '=', deletedBuyer)
      .execute()
    const disabled = await createSeller(t.db.db, { status: 'Disabled' })
    const deleted = await createSeller(t.db.db, { status: 'Deleted' })
    const cases: Array<[object, string]> = [
      [{ buyer: { id: 'BUY-0000-0000' }, seller: { id: seller } }, 'buyer.id'],
      [{ buyer: { id: deletedBuyer }, seller: { id: seller } }, 'buyer.id'],
      [{ buyer: { id: buyer }, seller: { id: 'SEL-0000-0000' } }, 'seller.id'],
      [{ buyer: { id: buyer }, seller: { id: disabled } }, 'seller.id'],
      [{ buyer: { id: buyer }, seller: { id: deleted } }, 'seller.id'],
      [{ buyer: { id: buyer } }, 'seller'],
      [{ buyer: { id: buyer }, seller: { id: seller }, companyName: 'x' }, 'companyName'],
    ]
    for (const [payload, field] of cases) {
      const res = await create(payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(Object.keys(res.json().errors)).toEqual([field])
    }
    const offline = await createSeller(t.db.db, { status: 'Offline' })
    expect((await create({ buyer: { id: buyer }, seller: { id: offline } })).statusCode).toBe(201)
  })

  it("shows a Client its buyers' links without the Operations-only note", async () => {
    const mine = await createErpLink(t.db.db, buyer, seller, { note: 'internal' })
    const other = await createAccount(t.db.db)
    const theirs = await createErpLink(t.db.db, await createBuyer(t.db.db, other), seller)
    const list = await get(URL, clientToken)
    expect(list.statusCode).toBe(200)
    expect(list.json().data.map((l: { id: string }) => l.id)).toEqual([mine])
    expect(list.json().data[0]).not.toHaveProperty('note')
    expect(list.body).not.toContain('internal')
    const one = await get(`${URL}/${mine}?select=+audit`, clientToken)
    expect(one.json()).not.toHaveProperty('note')
    expect((await get(`${URL}/${mine}?select=+note`, clientToken)).statusCode).toBe(400)
    expect((await get(`${URL}?eq(note,internal)`, clientToken)).json().code).toBe(
      'RQL_UNKNOWN_FIELD',
    )
    expect((await get(`${URL}?eq(note,internal)`)).json().data).toHaveLength(1)
    expect((await get(`${URL}/${mine}`)).json().note).toBe('internal')
    expect((await get(`${URL}/${theirs}`, clientToken)).statusCode).toBe(404)
    // A deleted buyer's links go with it, for the Client.
    await t.db.db.updateTable('buyers').set({ status: 'Deleted' }).where('id', '=', buyer).execute()
    expect((await get(`${URL}/${mine}`, clientToken)).statusCode).toBe(404)
    expect((await get(URL, clientToken)).json().data).toEqual([])
    expect((await get(`${URL}/${mine}`)).statusCode).toBe(200)
  })

  it('keeps writes to Operations and Vendors out entirely (403)', async () => {
    const link = await createErpLink(t.db.db, buyer, seller)
    const vendor = (await createApiToken(t.db.db, await createAccount(t.db.db, { type: 'Vendor' })))
      .credential
    expect(
      (await create({ buyer: { id: buyer }, seller: { id: seller } }, clientToken)).statusCode,
    ).toBe(403)
    expect((await put(link, { note: 'x' }, clientToken)).statusCode).toBe(403)
    expect((await act(link, 'block', undefined, clientToken)).statusCode).toBe(403)
    expect((await act(link, 'unblock', undefined, clientToken)).statusCode).toBe(403)
    expect((await get(URL, vendor)).statusCode).toBe(403)
    expect((await get(`${URL}/${link}`, vendor)).statusCode).toBe(403)
  })

  it('updates externalIds, address and note; the pair never changes, name and status are ignored', async () => {
    const link = await createErpLink(t.db.db, buyer, seller)
    const res = await put(link, {
      id: link,
      name: 'Renamed?',
      status: 'Blocked',
      buyer: { id: buyer, name: 'echoed' },
      seller: { id: seller },
      externalIds,
      address,
      note: 'checked',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      name: 'Stark Industries - SoftwareOne AG',
      status: 'Active',
      externalIds,
      address,
      note: 'checked',
      audit: { updated: { by: { id: 'TKN-0000-0001' } } },
    })
    const other = await createSeller(t.db.db)
    const moved = await put(link, { seller: { id: other } })
    expect(moved.statusCode).toBe(400)
    expect(Object.keys(moved.json().errors)).toEqual(['seller.id'])
    expect(
      (await put(link, { buyer: { id: await createBuyer(t.db.db, client) } })).statusCode,
    ).toBe(400)
    expect((await put(link, { companyName: 'docs only' })).statusCode).toBe(400)
    const cleared = await put(link, { externalIds: null })
    expect(cleared.json()).toMatchObject({ externalIds: null, address, note: 'checked' })
  })

  it('takes a multipart update with an erpLink part and a logo', async () => {
    const link = await createErpLink(t.db.db, buyer, seller)
    const res = await t.request({
      method: 'PUT',
      url: `${URL}/${link}`,
      ...(await multipartBody('erpLink', { note: 'with logo' }, { part: 'logo', data: TINY_PNG })),
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().note).toBe('with logo')
    expect(res.json().icon).toMatch(/^\/public\/v1\/accounts\/icons\//)
  })

  it('blocks and unblocks, keeping the note of the reason and auditing each', async () => {
    const link = await createErpLink(t.db.db, buyer, seller)
    const blocked = await act(link, 'block', { note: 'Credit hold', status: 'ignored' })
    expect(blocked.statusCode).toBe(200)
    expect(blocked.json()).toMatchObject({ status: 'Blocked', note: 'Credit hold' })
    expect(blocked.json().audit.blocked.by.id).toBe('TKN-0000-0001')
    const twice = await act(link, 'block')
    expect(twice.json()).toMatchObject({ status: 400, code: 'ERP_LINK_STATUS_INVALID' })
    const unblocked = await act(link, 'unblock')
    expect(unblocked.json()).toMatchObject({ status: 'Active', note: 'Credit hold' })
    expect(unblocked.json().audit.unblocked).toBeDefined()
    expect((await act(link, 'unblock')).json().code).toBe('ERP_LINK_STATUS_INVALID')
    const filtered = await get(`${URL}?gt(audit.blocked.at,2000-01-01T00:00:00Z)`)
    expect(filtered.json().data.map((l: { id: string }) => l.id)).toEqual([link])
    expect((await get(`${URL}?eq(audit.unblocked.at,null())`)).json().data).toEqual([])
  })

  it("moves the pair's Enabled and Active licensees with the link, never a Disabled one", async () => {
    const link = await createErpLink(t.db.db, buyer, seller)
    const active = await createLicensee(t.db.db, buyer, seller, { status: 'Active' })
    const disabled = await createLicensee(t.db.db, buyer, seller, { status: 'Disabled' })
    await act(link, 'block')
    expect(await licenseeStatus(active)).toBe('Enabled')
    expect(await licenseeStatus(disabled)).toBe('Disabled')
    await act(link, 'unblock')
    expect(await licenseeStatus(active)).toBe('Active')
    // The buyer must be Active too: a disabled buyer's licensees become Enabled.
    const disabledBuyer = await t.request({ method: 'POST', url: `${BUYERS}/${buyer}/disable` })
    expect(disabledBuyer.statusCode).toBe(200)
    expect(await licenseeStatus(active)).toBe('Enabled')
  })

  it('answers 404 for an unknown id before looking at the body', async () => {
    for (const id of ['ERP-0000-0000-0000', 'INVALID-ID']) {
      expect((await put(id, { mistake: true })).json()).toMatchObject({
        status: 404,
        code: 'ERP_LINK_NOT_FOUND',
      })
      expect((await act(id, 'block', { note: 42 })).statusCode).toBe(404)
      expect((await get(`${URL}/${id}`)).statusCode).toBe(404)
    }
  })

  it('lists with RQL over buyer, seller and name', async () => {
    const spain = await createSeller(t.db.db, { name: 'SoftwareOne Spain' })
    const a = await createErpLink(t.db.db, buyer, seller)
    const b = await createErpLink(t.db.db, buyer, spain, { status: 'Blocked' })
    const ids = async (query: string) =>
      (await get(`${URL}?${query}`)).json().data.map((l: { id: string }) => l.id)
    expect(await ids(`eq(seller.id,${spain})`)).toEqual([b])
    expect(await ids(`ilike(name,*Spain)`)).toEqual([b])
    expect(await ids(`eq(name,'Stark%20Industries%20-%20SoftwareOne%20AG')`)).toEqual([a])
    expect(await ids(`eq(status,Active)&eq(buyer.id,${buyer})`)).toEqual([a])
    expect(await ids(`eq(seller.externalId,SWO_CH)&select=-address`)).toEqual([a])
    expect(await ids(`order=-seller.name`)).toEqual([b, a])
  })
})
