import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccount, createApiToken, createUserGroup } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/buyers'
const address = {
  addressLine1: '1 Main St',
  postCode: '08001',
  city: 'Barcelona',
  state: 'Catalonia',
  country: 'ES',
}
const externalIds = { erpCompanyContact: 'CC-1', erpCustomer: 'CU-1', accountExternalId: 'CDG-1' }

describe('buyer status', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  let buyer: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client' })
    clientToken = (await createApiToken(t.db.db, client)).credential
    buyer = (
      await t.request({
        method: 'POST',
        url: URL,
        payload: { name: 'Alpha', address, account: { id: client } },
      })
    ).json().id
  })
  afterEach(async () => t.close())

  const act = (action: string, payload?: object, token?: string, id = buyer) =>
    t.request({
      method: 'POST',
      url: `${URL}/${id}/${action}`,
      ...(payload ? { payload } : {}),
      token,
    })
  const remove = (token?: string, id = buyer) =>
    t.request({ method: 'DELETE', url: `${URL}/${id}`, token })

  it('activates with the ERP ids, deactivates, disables and enables, auditing each step', async () => {
    const activated = await act('activate', { account: { id: client }, externalIds })
    expect(activated.statusCode).toBe(200)
    expect(activated.json()).toMatchObject({ status: 'Active', externalIds })
    expect(activated.json().audit.activated.by.id).toBe('TKN-0000-0001')
    expect((await act('deactivate')).json().status).toBe('Enabled')
    const disabled = (await act('disable')).json()
    expect(disabled.status).toBe('Disabled')
    expect(disabled.audit.disabled.of.id).toBe(t.operations.accountId)
    expect((await act('enable')).json().status).toBe('Enabled')
    const events = await t.db.db
      .selectFrom('audit_events')
      .select('event')
      .where('object_id', '=', buyer)
      .orderBy('id')
      .execute()
    expect(events.map((e) => e.event)).toEqual([
      'created',
      'activated',
      'deactivated',
      'disabled',
      'enabled',
    ])
  })

  it('lets a Client disable its own buyer, and nothing more', async () => {
    const res = await act('disable', undefined, clientToken)
    expect(res.statusCode).toBe(200)
    expect(res.json().status).toBe('Disabled')
    for (const action of ['enable', 'activate', 'deactivate']) {
      expect(
        (await act(action, { account: { id: client }, externalIds }, clientToken)).statusCode,
      ).toBe(403)
    }
    expect((await remove(clientToken)).statusCode).toBe(403)
  })

  it('refuses every status action to a Vendor caller with 403', async () => {
    const token = (await createApiToken(t.db.db, await createAccount(t.db.db, { type: 'Vendor' })))
      .credential
    for (const action of ['enable', 'disable', 'activate', 'deactivate']) {
      expect((await act(action, {}, token)).statusCode).toBe(403)
    }
    expect((await remove(token)).statusCode).toBe(403)
  })

  it("answers 404 for another account's buyer, before validating", async () => {
    const other = await createAccount(t.db.db, { type: 'Client' })
    const otherToken = (await createApiToken(t.db.db, other)).credential
    const res = await act('disable', undefined, otherToken)
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('BUYER_NOT_FOUND')
  })

  it.each(['enable', 'disable', 'activate', 'deactivate', 'delete'])(
    'answers 404 to %s of an unknown or malformed id',
    async (action) => {
      for (const id of ['BUY-0000-0000', 'INVALID-ID']) {
        const res =
          action === 'delete'
            ? await remove(undefined, id)
            : await act(action, { account: 7 }, undefined, id)
        expect(res.statusCode).toBe(404)
        expect(res.json().code).toBe('BUYER_NOT_FOUND')
      }
    },
  )

  it.each([
    ['enable', 'Enabled', []],
    ['deactivate', 'Enabled', []],
    ['activate', 'Disabled', ['disable']],
    ['deactivate', 'Disabled', ['disable']],
    ['disable', 'Disabled', ['disable']],
  ])('refuses to %s a buyer that is %s, naming the status', async (action, status, before) => {
    for (const step of before) await act(step)
    const res = await act(action, { account: { id: client }, externalIds })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('BUYER_STATUS_INVALID')
    expect(res.json().detail).toContain(status)
    expect(res.json().errors[0].parameters).toEqual({ status })
  })

  it.each([
    ['account', () => ({ externalIds })],
    ['externalIds', () => ({ account: { id: client } })],
    [
      'externalIds.erpCustomer',
      () => ({ account: { id: client }, externalIds: { erpCustomer: 'x'.repeat(251) } }),
    ],
  ])('names %s when the activate body is invalid', async (field, payload) => {
    const res = await act('activate', payload())
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('refuses to activate against an account the buyer does not belong to', async () => {
    const res = await act('activate', { account: { id: t.operations.accountId }, externalIds })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('BUYER_ACCOUNT_INVALID')
  })

  it('deletes softly: gone from the client, from user groups, final', async () => {
    const group = await createUserGroup(t.db.db, client, { buyers: [buyer] })
    const res = await remove()
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect(
      (await t.request({ method: 'GET', url: `${URL}/${buyer}`, token: clientToken })).statusCode,
    ).toBe(404)
    expect((await t.request({ method: 'GET', url: URL, token: clientToken })).json().data).toEqual(
      [],
    )
    expect((await t.request({ method: 'GET', url: `${URL}/${buyer}` })).json().status).toBe(
      'Deleted',
    )
    const links = await t.db.db
      .selectFrom('user_group_buyers')
      .selectAll()
      .where('user_group_id', '=', group)
      .execute()
    expect(links).toEqual([])
    const again = await remove()
    expect(again.statusCode).toBe(400)
    expect(again.json().code).toBe('BUYER_STATUS_INVALID')
    expect((await act('enable')).statusCode).toBe(400)
    const update = await t.request({
      method: 'PUT',
      url: `${URL}/${buyer}`,
      payload: { name: 'Back', address },
    })
    expect(update.statusCode).toBe(400)
    expect(update.json().code).toBe('BUYER_STATUS_INVALID')
  })
})
