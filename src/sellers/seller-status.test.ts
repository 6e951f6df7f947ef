import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createAccount,
  createApiToken,
  createBuyer,
  createErpLink,
  createLicensee,
  createSeller,
} from '../../test/support/factories.js'
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

describe('sellers: status, delete, visibility and access', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const create = (payload: object, token?: string) =>
    t.request({ method: 'POST', url: URL, payload, token })
  const put = (id: string, payload: object, token?: string) =>
    t.request({ method: 'PUT', url: `${URL}/${id}`, payload, token })
  const act = (id: string, action: string, token?: string) =>
    t.request({ method: 'POST', url: `${URL}/${id}/${action}`, token })
  const remove = (id: string, token?: string) =>
    t.request({ method: 'DELETE', url: `${URL}/${id}`, token })
  const get = (url: string, token?: string | null) => t.request({ method: 'GET', url, token })

  it('moves through its state machine and refuses what the reference forbids', async () => {
    const id = (await create(sdkPayload())).json().id
    expect((await act(id, 'activate')).json().code).toBe('SELLER_STATUS_INVALID')
    expect((await act(id, 'deactivate')).json().status).toBe('Offline')
    expect((await act(id, 'deactivate')).json().code).toBe('SELLER_STATUS_INVALID')
    expect((await act(id, 'disable')).json().code).toBe('SELLER_STATUS_INVALID')
    expect((await act(id, 'activate')).json().status).toBe('Active')
    // The SDK's disable → activate, each answering 200.
    const disabled = await act(id, 'disable')
    expect(disabled.statusCode).toBe(200)
    expect(disabled.json().status).toBe('Disabled')
    const activated = await act(id, 'activate')
    expect(activated.statusCode).toBe(200)
    expect(activated.json().status).toBe('Active')
    const events = await t.db.db
      .selectFrom('audit_events')
      .select('event')
      .where('object_id', '=', id)
      .orderBy('id')
      .execute()
    expect(events.map((e) => e.event)).toEqual([
      'created',
      'deactivated',
      'activated',
      'disabled',
      'activated',
    ])
  })

  it('deletes softly from Active, Offline or Disabled; a deleted seller is final', async () => {
    for (const action of [undefined, 'deactivate', 'disable']) {
      const id = (await create({ name: 'Short-lived', currencies: ['EUR'] })).json().id
      if (action) await act(id, action)
      expect((await remove(id)).statusCode).toBe(204)
      expect((await get(`${URL}/${id}`)).json().status).toBe('Deleted')
      expect((await remove(id)).json()).toMatchObject({
        status: 400,
        code: 'SELLER_STATUS_INVALID',
      })
      for (const next of ['activate', 'deactivate', 'disable'])
        expect((await act(id, next)).json().code).toBe('SELLER_STATUS_INVALID')
      expect((await put(id, sdkPayload())).json().code).toBe('SELLER_STATUS_INVALID')
      expect((await get(`${URL}/${id}/icon`, null)).statusCode).toBe(404)
    }
  })

  it('refuses to delete a seller a licensee names or a live buyer is linked to', async () => {
    const client = await createAccount(t.db.db, { type: 'Client' })
    const buyer = await createBuyer(t.db.db, client)
    const named = await createSeller(t.db.db)
    const licensee = await createLicensee(t.db.db, buyer, named)
    const linked = await createSeller(t.db.db)
    await createErpLink(t.db.db, buyer, linked)
    for (const id of [named, linked]) {
      const res = await remove(id)
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('SELLER_IN_USE')
    }
    await t.db.db
      .updateTable('licensees')
      .set({ status: 'Deleted' })
      .where('id', '=', licensee)
      .execute()
    expect((await remove(named)).statusCode).toBe(204)
    await t.db.db.updateTable('buyers').set({ status: 'Deleted' }).where('id', '=', buyer).execute()
    expect((await remove(linked)).statusCode).toBe(204)
  })

  it('shows a Client only the sellers of its buyers and licensees, never deleted ones', async () => {
    const client = await createAccount(t.db.db, { type: 'Client' })
    const token = (await createApiToken(t.db.db, client)).credential
    const other = await createAccount(t.db.db, { type: 'Client' })
    const buyer = await createBuyer(t.db.db, client)
    const linked = await createSeller(t.db.db, { name: 'Linked' })
    await createErpLink(t.db.db, buyer, linked, { status: 'Blocked' })
    const named = await createSeller(t.db.db, { name: 'Named' })
    await createLicensee(t.db.db, buyer, named)
    const theirs = await createSeller(t.db.db, { name: 'Theirs' })
    await createErpLink(t.db.db, await createBuyer(t.db.db, other), theirs)
    await createSeller(t.db.db, { name: 'Unlinked' })
    const deletedBuyer = await createBuyer(t.db.db, client)
    const viaDeleted = await createSeller(t.db.db, { name: 'Via a deleted buyer' })
    await createErpLink(t.db.db, deletedBuyer, viaDeleted)
    await t.db.db
      .updateTable('buyers')
      .set({ status: 'Deleted' })
      .where('id', '=', deletedBuyer)
      .execute()

    const listed = await get(`${URL}?order=name`, token)
    expect(listed.statusCode).toBe(200)
    expect(listed.json().data.map((s: { name: string }) => s.name)).toEqual(['Linked', 'Named'])
    expect(listed.json().$meta.pagination.total).toBe(2)
    expect((await get(`${URL}/${linked}`, token)).statusCode).toBe(200)
    for (const hidden of [theirs, viaDeleted, 'SEL-0000-0000', 'INVALID-ID']) {
      const res = await get(`${URL}/${hidden}`, token)
      expect(res.statusCode).toBe(404)
      expect(res.json()).toMatchObject({ title: 'Not Found', code: 'SELLER_NOT_FOUND' })
    }
    await t.db.db
      .updateTable('sellers')
      .set({ status: 'Deleted' })
      .where('id', '=', named)
      .execute()
    expect((await get(`${URL}/${named}`, token)).statusCode).toBe(404)
    expect((await get(`${URL}?eq(status,Deleted)`, token)).json().data).toEqual([])
    expect(
      (await get(`${URL}?eq(status,Deleted)`)).json().data.map((s: { id: string }) => s.id),
    ).toEqual([named])
  })

  it('lets only Operations write, and refuses Vendors even reads (403)', async () => {
    const seller = await createSeller(t.db.db)
    const client = (await createApiToken(t.db.db, await createAccount(t.db.db))).credential
    const vendor = (await createApiToken(t.db.db, await createAccount(t.db.db, { type: 'Vendor' })))
      .credential
    expect((await create(sdkPayload(), client)).statusCode).toBe(403)
    expect((await put(seller, sdkPayload(), client)).statusCode).toBe(403)
    expect((await remove(seller, client)).statusCode).toBe(403)
    for (const action of ['activate', 'deactivate', 'disable'])
      expect((await act(seller, action, client)).statusCode).toBe(403)
    expect((await get(URL, vendor)).statusCode).toBe(403)
    expect((await get(`${URL}/${seller}`, vendor)).statusCode).toBe(403)
  })

  it('answers 404 for an unknown id before looking at the body', async () => {
    for (const id of ['SEL-0000-0000', 'INVALID-ID']) {
      expect((await put(id, { mistake: true })).statusCode).toBe(404)
      expect((await remove(id)).statusCode).toBe(404)
      for (const action of ['activate', 'deactivate', 'disable'])
        expect((await act(id, action)).json()).toMatchObject({ status: 404, title: 'Not Found' })
    }
  })
})
