import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccount, createApiToken } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/accounts'

describe('account status', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const newAccount = async (fields: object = {}) =>
    (
      await t.request({
        method: 'POST',
        url: URL,
        payload: { name: 'Contoso', type: 'Client', serviceLevel: 'Express', ...fields },
      })
    ).json()
  const act = (id: string, action: string, payload?: object, token?: string) =>
    t.request({
      method: 'POST',
      url: `${URL}/${id}/${action}`,
      ...(payload ? { payload } : {}),
      token,
    })

  it('refuses the tokens of an account the moment it is disabled', async () => {
    const account = await newAccount()
    const token = await createApiToken(t.db.db, account.id)
    expect(
      (await t.request({ method: 'GET', url: `${URL}/${account.id}`, token: token.credential }))
        .statusCode,
    ).toBe(200)
    await act(account.id, 'disable')
    expect(
      (await t.request({ method: 'GET', url: `${URL}/${account.id}`, token: token.credential }))
        .statusCode,
    ).toBe(401)
  })

  it('takes a Client through activate, deactivate, disable and enable', async () => {
    const { id } = await newAccount()
    const activated = await act(id, 'activate', {
      externalId: 'CDG-42',
      name: 'Contoso Group',
      externalName: 'Contoso CDG',
    })
    expect(activated.statusCode).toBe(200)
    expect(activated.json()).toMatchObject({
      status: 'Active',
      externalId: 'CDG-42',
      externalName: 'Contoso CDG',
      name: 'Contoso Group',
    })
    expect(activated.json().audit.activated.by.id).toBe('TKN-0000-0001')
    const deactivated = await act(id, 'deactivate')
    expect(deactivated.json()).toMatchObject({
      status: 'Enabled',
      externalId: null,
      externalName: null,
    })
    expect((await act(id, 'disable')).json().status).toBe('Disabled')
    expect((await act(id, 'enable')).json().status).toBe('Enabled')
    await act(id, 'activate', { externalId: 'CDG-43', name: 'Contoso' })
    await act(id, 'disable')
    const enabled = (await act(id, 'enable')).json()
    expect(enabled.status).toBe('Active')
    expect(Object.keys(enabled.audit)).toEqual(
      expect.arrayContaining(['created', 'updated', 'activated', 'disabled', 'enabled']),
    )
    const events = await t.db.db
      .selectFrom('audit_events')
      .select('event')
      .where('object_id', '=', id)
      .orderBy('id')
      .execute()
    expect(events.map((e) => e.event)).toEqual([
      'created',
      'activated',
      'deactivated',
      'disabled',
      'enabled',
      'activated',
      'disabled',
      'enabled',
    ])
  })

  it('moves a Vendor between Active and Disabled only', async () => {
    const { id } = await newAccount({ type: 'Vendor' })
    expect((await act(id, 'disable')).json().status).toBe('Disabled')
    expect((await act(id, 'enable')).json().status).toBe('Active')
    for (const action of ['activate', 'deactivate']) {
      const res = await act(id, action, { externalId: 'CDG-1', name: 'V' })
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('ACCOUNT_STATUS_INVALID')
      expect(res.json().detail).toContain('Vendor')
    }
  })

  it.each([
    ['enable', 'Enabled', undefined],
    ['deactivate', 'Enabled', undefined],
    ['activate', 'Disabled', 'disable'],
    ['disable', 'Disabled', 'disable'],
  ])('refuses to %s an account that is %s, naming the status', async (action, status, before) => {
    const { id } = await newAccount()
    if (before) await act(id, before)
    const res = await act(id, action, { externalId: 'CDG-1', name: 'C' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'ACCOUNT_STATUS_INVALID', title: 'Bad Request' })
    expect(res.json().detail).toContain(status)
    expect(res.json().errors[0]).toMatchObject({ properties: ['status'], parameters: { status } })
  })

  it("refuses to disable the caller's own account", async () => {
    const res = await act(t.operations.accountId, 'disable')
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('ACCOUNT_DISABLE_SELF')
  })

  it('turns away the tokens of a disabled account', async () => {
    const { id } = await newAccount()
    const token = (await createApiToken(t.db.db, id)).credential
    await act(id, 'disable')
    expect((await t.request({ method: 'GET', url: URL, token })).statusCode).toBe(401)
  })

  it.each([
    ['externalId', { name: 'C' }],
    ['externalId', { name: 'C', externalId: '' }],
    ['name', { externalId: 'CDG-1' }],
  ])('names %s when the activate body lacks it', async (field, payload) => {
    const { id } = await newAccount()
    const res = await act(id, 'activate', payload)
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('validates a body against the account without changing it', async () => {
    const account = await newAccount()
    const res = await act(account.id, 'validate', {
      name: 'Other',
      technicalSupportEmail: 'ok@example.com',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: account.id, name: 'Contoso', status: 'Enabled' })
    const bad = await act(account.id, 'validate', { technicalSupportEmail: 'nope' })
    expect(bad.statusCode).toBe(400)
    expect(Object.keys(bad.json().errors)).toEqual(['technicalSupportEmail'])
  })

  it.each(['enable', 'disable', 'activate', 'deactivate', 'validate'])(
    'answers 404 to %s of an unknown or malformed id, before validation',
    async (action) => {
      for (const id of ['ACC-0000-0000', 'INVALID-ID']) {
        const res = await act(id, action, { externalId: 42 })
        expect(res.statusCode).toBe(404)
        expect(res.json().code).toBe('ACCOUNT_NOT_FOUND')
      }
    },
  )

  it.each(['Client', 'Vendor'] as const)(
    'refuses every status action to a %s caller with 403',
    async (type) => {
      const own = await createAccount(t.db.db, {
        type,
        status: type === 'Client' ? 'Enabled' : 'Active',
      })
      const token = (await createApiToken(t.db.db, own)).credential
      for (const action of ['enable', 'disable', 'activate', 'deactivate', 'validate']) {
        const res = await act(own, action, { externalId: 'CDG-1', name: 'X' }, token)
        expect(res.statusCode).toBe(403)
      }
    },
  )
})
