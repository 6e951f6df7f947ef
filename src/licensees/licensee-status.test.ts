import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inviteUser } from '../../test/support/account-users.js'
import {
  createAccount,
  createApiToken,
  createBuyer,
  createErpLink,
  createLicensee,
  createSeller,
  createUserGroup,
} from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/licensees'
const BUYERS = '/public/v1/accounts/buyers'
const address = {
  addressLine1: '123 Main St',
  city: 'Los Angeles',
  state: 'CA',
  postCode: '67890',
  country: 'US',
}

describe('licensees: status, cascades, visibility and lists', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  let buyer: string
  let seller: string
  /** The official SDK's e2e payload (§11.3), with this test's ids. */
  const sdkPayload = (fields: object = {}) => ({
    name: 'E2E Created licensee',
    address,
    useBuyerAddress: false,
    seller: { id: seller },
    buyer: { id: buyer },
    account: { id: client },
    eligibility: { client: true, partner: false },
    groups: [
      {
        name: 'E2E Test Api Client User Group',
        account: { id: client },
        buyers: null,
        logo: '',
        description: 'User group for E2E tests',
        modules: [{ id: 'MOD-1756' }],
      },
    ],
    type: 'Client',
    status: 'Enabled',
    defaultLanguage: 'en-US',
    ...fields,
  })

  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client', name: 'Stark' })
    clientToken = (await createApiToken(t.db.db, client)).credential
    buyer = await createBuyer(t.db.db, client, 'Stark Industries')
    seller = await createSeller(t.db.db, { name: 'SoftwareOne AG', externalId: 'SWO_CH' })
    await createErpLink(t.db.db, buyer, seller)
  })
  afterEach(async () => t.close())

  const create = (payload: object, token: string | undefined = clientToken) =>
    t.request({ method: 'POST', url: URL, payload, token })
  const get = (url: string, token?: string | null) => t.request({ method: 'GET', url, token })
  const put = (id: string, payload: object, token: string | undefined = clientToken) =>
    t.request({ method: 'PUT', url: `${URL}/${id}`, payload, token })
  const act = (id: string, action: string, token: string | undefined = clientToken) =>
    t.request({ method: 'POST', url: `${URL}/${id}/${action}`, token })
  const remove = (id: string, token: string | undefined = clientToken) =>
    t.request({ method: 'DELETE', url: `${URL}/${id}`, token })
  const statusOf = async (id: string) =>
    (
      await t.db.db
        .selectFrom('licensees')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status

  it('disables and enables (the SDK round trip), then deletes; deleted is final', async () => {
    const id = (await create(sdkPayload())).json().id
    expect((await act(id, 'enable')).json().code).toBe('LICENSEE_STATUS_INVALID')
    const disabled = await act(id, 'disable')
    expect(disabled.statusCode).toBe(200)
    expect(disabled.json().status).toBe('Disabled')
    expect((await act(id, 'disable')).json().code).toBe('LICENSEE_STATUS_INVALID')
    const enabled = await act(id, 'enable')
    expect(enabled.statusCode).toBe(200)
    expect(enabled.json().status).toBe('Active')
    expect((await remove(id)).statusCode).toBe(204)
    // The Client no longer sees it; Operations does, and is told why it cannot act.
    expect((await remove(id)).statusCode).toBe(404)
    expect((await get(`${URL}/${id}`, clientToken)).statusCode).toBe(404)
    expect((await remove(id, t.operations.token)).json()).toMatchObject({
      status: 400,
      code: 'LICENSEE_STATUS_INVALID',
    })
    for (const action of ['enable', 'disable'])
      expect((await act(id, action, t.operations.token)).json().code).toBe(
        'LICENSEE_STATUS_INVALID',
      )
    expect((await put(id, { name: 'x' }, t.operations.token)).json().code).toBe(
      'LICENSEE_STATUS_INVALID',
    )
    expect((await get(`${URL}/${id}`)).json().status).toBe('Deleted')
    expect((await get(`${URL}/${id}/icon`, null)).statusCode).toBe(404)
  })

  it('follows its buyer: reconnected on status changes, deleted with it (decisions 33, 53)', async () => {
    const active = await createLicensee(t.db.db, buyer, seller, { status: 'Active' })
    const disabled = await createLicensee(t.db.db, buyer, seller, { status: 'Disabled' })
    const buyerAction = (action: string, payload?: object) =>
      t.request({
        method: 'POST',
        url: `${BUYERS}/${buyer}/${action}`,
        ...(payload ? { payload } : {}),
      })
    expect((await buyerAction('deactivate')).statusCode).toBe(200)
    expect(await statusOf(active)).toBe('Enabled')
    expect(await statusOf(disabled)).toBe('Disabled')
    const activated = await buyerAction('activate', {
      account: { id: client },
      externalIds: { erpCustomer: 'SCU-1' },
    })
    expect(activated.statusCode).toBe(200)
    expect(await statusOf(active)).toBe('Active')
    expect((await t.request({ method: 'DELETE', url: `${BUYERS}/${buyer}` })).statusCode).toBe(204)
    expect(await statusOf(active)).toBe('Deleted')
    expect(await statusOf(disabled)).toBe('Deleted')
    const events = await t.db.db
      .selectFrom('audit_events')
      .select(['object_id', 'event'])
      .where('object_type', '=', 'licensee')
      .where('event', '=', 'deleted')
      .orderBy('object_id')
      .execute()
    expect(events.map((e) => e.object_id).sort()).toEqual([active, disabled].sort())
  })

  it("shows a Client its account's licensees only; Vendors get 403", async () => {
    const mine = (await create(sdkPayload())).json().id
    const other = await createAccount(t.db.db, { type: 'Client' })
    const theirs = await createLicensee(t.db.db, await createBuyer(t.db.db, other), seller)
    const list = await get(URL, clientToken)
    expect(list.json().data.map((l: { id: string }) => l.id)).toEqual([mine])
    for (const request of [
      () => get(`${URL}/${theirs}`, clientToken),
      () => put(theirs, { mistake: true }),
      () => act(theirs, 'disable'),
      () => remove(theirs),
    ]) {
      const res = await request()
      expect(res.statusCode).toBe(404)
      expect(res.json()).toMatchObject({ title: 'Not Found', code: 'LICENSEE_NOT_FOUND' })
    }
    expect(await statusOf(theirs)).toBe('Enabled')
    const vendor = (await createApiToken(t.db.db, await createAccount(t.db.db, { type: 'Vendor' })))
      .credential
    expect((await get(URL, vendor)).statusCode).toBe(403)
    expect((await create(sdkPayload(), vendor)).statusCode).toBe(403)
    expect((await get(URL)).json().$meta.pagination.total).toBe(2)
  })

  it('lists with RQL over its references, contact and eligibility', async () => {
    const group = await createUserGroup(t.db.db, client)
    await inviteUser(t, { accountId: client, groupIds: [group] })
    const a = (
      await create(
        sdkPayload({ name: 'Purchasing', contact: { firstName: 'Pepper', lastName: 'Potts' } }),
      )
    ).json().id
    const b = (await create(sdkPayload({ name: 'Legal', useBuyerAddress: true }))).json().id
    await act(b, 'disable')
    const ids = async (query: string) =>
      (await get(`${URL}?${query}`, clientToken)).json().data.map((l: { id: string }) => l.id)
    expect(await ids(`ilike(contact.name,*potts)`)).toEqual([a])
    expect(await ids(`eq(useBuyerAddress,true)`)).toEqual([b])
    expect(await ids(`eq(eligibility.partner,false)&order=name`)).toEqual([b, a])
    expect(
      await ids(`and(eq(buyer.id,${buyer}),eq(seller.externalId,SWO_CH),eq(status,Active))`),
    ).toEqual([a])
    expect(await ids(`ne(audit.disabled.at,null())`)).toEqual([b])
    expect(await ids(`eq(account.name,'Stark')&eq(name,"Legal")`)).toEqual([b])
    const trimmed = await get(`${URL}?select=-address,-contact`, clientToken)
    expect(trimmed.json().$meta.omitted).toEqual(['address', 'contact', 'audit'])
    expect(trimmed.json().data[0]).not.toHaveProperty('address')
  })
})
