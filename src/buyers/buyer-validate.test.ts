import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createAccount,
  createApiToken,
  createErpLink,
  createSeller,
} from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/buyers'
const address = {
  addressLine1: '1 Main St',
  postCode: '08001',
  city: 'Barcelona',
  state: 'Catalonia',
  country: 'ES',
}

describe('validating a buyer (decision 48)', () => {
  let t: TestApp
  let client: string
  let buyer: string
  let seller: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client', name: 'Contoso' })
    seller = await createSeller(t.db.db, { name: 'SoftwareOne Spain' })
    const created = await t.request({
      method: 'POST',
      url: URL,
      payload: {
        name: 'Contoso Spain',
        address,
        taxId: 'ESB1',
        account: { id: client },
        sellers: [{ id: seller }],
      },
    })
    buyer = created.json().id
  })
  afterEach(async () => t.close())

  const validate = (payload?: object, token?: string, id = buyer) =>
    t.request({
      method: 'POST',
      url: `${URL}/${id}/validate`,
      ...(payload ? { payload } : {}),
      token,
    })
  const stored = () =>
    t.db.db.selectFrom('buyers').selectAll().where('id', '=', buyer).executeTakeFirstOrThrow()
  const withoutTrace = (body: Record<string, unknown>) => {
    const { traceId: _traceId, ...rest } = body
    return rest
  }

  it('answers the would-be buyer, the body merged over the stored one, and saves nothing', async () => {
    const before = await stored()
    const eventsBefore = await t.db.db.selectFrom('audit_events').select('id').execute()
    const other = await createSeller(t.db.db, { name: 'SoftwareOne AG' })
    const res = await validate({
      account: { id: client },
      name: 'Contoso Iberia',
      sellers: [{ id: seller }, { id: other }],
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      id: buyer,
      name: 'Contoso Iberia',
      address,
      taxId: 'ESB1',
      account: { id: client, name: 'Contoso' },
      sellers: [
        { id: seller, erpLink: { status: 'Active' } },
        { id: other, name: 'SoftwareOne AG', externalId: null, icon: null },
      ],
    })
    expect(res.json().sellers[1]).not.toHaveProperty('erpLink')
    expect(await stored()).toEqual(before)
    expect(await t.db.db.selectFrom('audit_events').select('id').execute()).toEqual(eventsBefore)
    expect(await t.db.db.selectFrom('erp_links').select('id').execute()).toHaveLength(1)
    // `account` alone validates the stored buyer.
    expect((await validate({ account: { id: client } })).json().name).toBe('Contoso Spain')
  })

  it.each([
    ['name', { name: ' ' }],
    ['address.country', { address: { ...address, country: 'ESP' } }],
    ['taxId', { taxId: 'x'.repeat(19) }],
    ['contact.email', { contact: { email: 'not-an-email' } }],
  ])('gives the 400 a PUT would for an invalid %s', async (field, fields) => {
    const res = await validate({ account: { id: client }, ...fields })
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
    const put = await t.request({
      method: 'PUT',
      url: `${URL}/${buyer}`,
      payload: { name: 'Contoso Spain', address, ...fields },
    })
    expect(withoutTrace(res.json())).toEqual(withoutTrace(put.json()))
  })

  it('checks the account and the sellers as create does', async () => {
    const missing = await validate({ name: 'x' })
    expect(missing.statusCode).toBe(400)
    expect(Object.keys(missing.json().errors)).toEqual(['account'])
    expect((await validate()).json().errors).toHaveProperty('account')
    expect((await validate({ account: { id: 'ACC-0000-0000' } })).json().errors).toEqual({
      'account.id': ['Unknown account.'],
    })
    const vendor = await createAccount(t.db.db, { type: 'Vendor' })
    expect((await validate({ account: { id: vendor } })).json().code).toBe('BUYER_ACCOUNT_INVALID')
    const disabled = await createSeller(t.db.db, { status: 'Disabled' })
    const res = await validate({ account: { id: client }, sellers: [{ id: disabled }] })
    expect(Object.keys(res.json().errors)).toEqual(['sellers[0].id'])
  })

  it('refuses a Deleted buyer, answers 404 before the body, and is for Operations only', async () => {
    const unknown = await validate({ mistake: [] }, undefined, 'BUY-0000-0000')
    expect(unknown.json()).toMatchObject({ status: 404, code: 'BUYER_NOT_FOUND' })
    const token = (await createApiToken(t.db.db, client)).credential
    expect((await validate({ account: { id: client } }, token)).statusCode).toBe(403)
    await t.db.db.updateTable('buyers').set({ status: 'Deleted' }).where('id', '=', buyer).execute()
    expect((await validate({ account: { id: client } })).json().code).toBe('BUYER_STATUS_INVALID')
  })
})

describe('synchronizing a buyer (decision 52)', () => {
  let t: TestApp
  let client: string
  let buyer: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client' })
    buyer = (
      await t.request({
        method: 'POST',
        url: URL,
        payload: { name: 'Contoso Spain', address, account: { id: client } },
      })
    ).json().id
  })
  afterEach(async () => t.close())

  const synchronize = (options: { payload?: unknown; token?: string } = {}) =>
    t.request({
      method: 'POST',
      url: `${URL}/${buyer}/synchronize`,
      ...(options.payload !== undefined ? { payload: options.payload as object } : {}),
      token: options.token,
    })

  it('records the request for an ERP connector, reconnects licensees, changes no status', async () => {
    await t.db.db.updateTable('buyers').set({ status: 'Active' }).where('id', '=', buyer).execute()
    const seller = await createSeller(t.db.db)
    await createErpLink(t.db.db, buyer, seller)
    // A licensee left Enabled although its pair is connected: synchronizing re-derives it.
    const licensee = (
      await t.request({
        method: 'POST',
        url: '/public/v1/accounts/licensees',
        payload: { buyer: { id: buyer }, seller: { id: seller }, useBuyerAddress: true },
      })
    ).json().id
    await t.db.db
      .updateTable('licensees')
      .set({ status: 'Enabled' })
      .where('id', '=', licensee)
      .execute()
    for (const payload of [undefined, {}, { anything: ['goes'] }]) {
      const res = await synchronize({ payload })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toMatchObject({ id: buyer, status: 'Active' })
    }
    const events = await t.db.db
      .selectFrom('event_outbox')
      .select(['topic', 'object_id', 'account_id', 'published_at'])
      .execute()
    expect(events).toHaveLength(3)
    expect(events[0]).toEqual({
      topic: 'buyer.synchronize-requested',
      object_id: buyer,
      account_id: client,
      published_at: null,
    })
    const requested = await t.db.db
      .selectFrom('audit_events')
      .select('event')
      .where('object_id', '=', buyer)
      .where('event', '=', 'synchronizationRequested')
      .execute()
    expect(requested).toHaveLength(3)
    const status = await t.db.db
      .selectFrom('licensees')
      .select('status')
      .where('id', '=', licensee)
      .executeTakeFirstOrThrow()
    expect(status.status).toBe('Active')
  })

  it('refuses a Deleted buyer, a body that is not an object, Clients, unknown ids', async () => {
    expect((await synchronize({ payload: [1] })).statusCode).toBe(400)
    const token = (await createApiToken(t.db.db, client)).credential
    expect((await synchronize({ token })).statusCode).toBe(403)
    expect(
      (await t.request({ method: 'POST', url: `${URL}/BUY-0000-0000/synchronize` })).statusCode,
    ).toBe(404)
    await t.request({ method: 'DELETE', url: `${URL}/${buyer}` })
    const res = await synchronize()
    expect(res.json()).toMatchObject({ status: 400, code: 'BUYER_STATUS_INVALID' })
    expect(await t.db.db.selectFrom('event_outbox').select('id').execute()).toEqual([])
  })
})
