import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccount, createApiToken, createCloudTenant } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/cloud-tenants'

describe('cloud tenants', () => {
  let t: TestApp
  let client: string
  const pyra = '6f1c2a9e-3b57-4d0a-9c1e-2f7b8a6d4e10'
  const body = (fields: object = {}) => ({
    name: 'Contoso Azure',
    externalIds: { pyraTenantId: pyra, cloudConsumptionId: randomUUID() },
    type: 'CspAzure',
    account: { id: client },
    ...fields,
  })
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client', name: 'Contoso' })
  })
  afterEach(async () => t.close())

  const create = (payload: object, token?: string) =>
    t.request({ method: 'POST', url: URL, payload, token })
  const put = (id: string, payload: object) =>
    t.request({ method: 'PUT', url: `${URL}/${id}`, payload })
  const get = (url: string, token?: string) => t.request({ method: 'GET', url, token })
  const remove = (id: string) => t.request({ method: 'DELETE', url: `${URL}/${id}` })

  it('creates an Active tenant of a Client account', async () => {
    const consumption = randomUUID()
    const res = await create(
      body({
        externalIds: {
          pyraTenantId: pyra.toUpperCase(),
          cloudConsumptionId: consumption,
          providerId: 'az-123',
        },
      }),
    )
    expect(res.statusCode).toBe(201)
    const tenant = res.json()
    expect(tenant.id).toMatch(/^CLT-\d{4}-\d{4}$/)
    expect(tenant).toMatchObject({
      name: 'Contoso Azure',
      status: 'Active',
      type: 'CspAzure',
      account: { id: client, name: 'Contoso', type: 'Client' },
      externalIds: { pyraTenantId: pyra, cloudConsumptionId: consumption, providerId: 'az-123' },
      audit: { created: { by: { id: 'TKN-0000-0001' } } },
    })
    expect((await create(body({ status: 'Disabled' }))).json().status).toBe('Disabled')
  })

  it('finds the account by its PyraCloud tenant id when none is named (decision 46)', async () => {
    const none = await create(body({ account: undefined }))
    expect(none.statusCode).toBe(400)
    expect(none.json().code).toBe('CLOUD_TENANT_ACCOUNT_INVALID')
    await t.db.db
      .updateTable('accounts')
      .set({ external_ids: JSON.stringify({ pyraTenantId: pyra }) })
      .where('id', '=', client)
      .execute()
    const found = await create(body({ account: undefined }))
    expect(found.statusCode).toBe(201)
    expect(found.json().account.id).toBe(client)
    const vendor = await createAccount(t.db.db, { type: 'Vendor' })
    const notClient = await create(body({ account: { id: vendor } }))
    expect(notClient.json()).toMatchObject({ status: 400, code: 'CLOUD_TENANT_ACCOUNT_INVALID' })
    expect(notClient.json().errors[0].properties).toEqual(['account.id'])
    expect((await create(body({ account: { id: 'ACC-0000-0000' } }))).json().code).toBe(
      'CLOUD_TENANT_ACCOUNT_INVALID',
    )
  })

  it('keeps the cloud consumption id unique among live tenants', async () => {
    const consumption = randomUUID()
    const first = (
      await create(body({ externalIds: { pyraTenantId: pyra, cloudConsumptionId: consumption } }))
    ).json()
    const clash = await create(
      body({ externalIds: { pyraTenantId: pyra, cloudConsumptionId: consumption.toUpperCase() } }),
    )
    expect(clash.statusCode).toBe(400)
    expect(clash.json().code).toBe('CLOUD_TENANT_DUPLICATE')
    expect((await remove(first.id)).statusCode).toBe(204)
    expect(
      (await create(body({ externalIds: { pyraTenantId: pyra, cloudConsumptionId: consumption } })))
        .statusCode,
    ).toBe(201)
  })

  it.each([
    ['name', { name: '' }],
    ['externalIds', { externalIds: undefined }],
    [
      'externalIds.pyraTenantId',
      { externalIds: { pyraTenantId: 'nope', cloudConsumptionId: randomUUID() } },
    ],
    ['externalIds.cloudConsumptionId', { externalIds: { pyraTenantId: pyra } }],
    ['type', { type: 'Gcp' }],
    ['status', { status: 'Deleted' }],
    ['icon', { icon: '/x.png' }],
  ])('refuses an invalid %s, naming it', async (field, fields) => {
    const res = await create(body(fields))
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('updates name, status, provider id and account; id, type and the uuids are fixed', async () => {
    const tenant = (await create(body())).json()
    const echoed = await put(tenant.id, {
      ...tenant,
      name: 'Renamed',
      status: 'Disabled',
      externalIds: { ...tenant.externalIds, providerId: 'p-1' },
    })
    expect(echoed.statusCode, echoed.body).toBe(200)
    expect(echoed.json()).toMatchObject({
      name: 'Renamed',
      status: 'Disabled',
      externalIds: { providerId: 'p-1' },
      audit: { updated: { by: { id: 'TKN-0000-0001' } } },
    })
    expect((await put(tenant.id, { status: 'Active' })).json().status).toBe('Active')
    const other = await createAccount(t.db.db, { type: 'Client' })
    expect((await put(tenant.id, { account: { id: other } })).json().account.id).toBe(other)
    for (const [field, payload] of [
      ['type', { type: 'Slm' }],
      ['id', { id: 'CLT-1111-1111' }],
      ['externalIds.cloudConsumptionId', { externalIds: { cloudConsumptionId: randomUUID() } }],
      ['externalIds.pyraTenantId', { externalIds: { pyraTenantId: randomUUID() } }],
      ['status', { status: 'Deleted' }],
    ] as const) {
      const res = await put(tenant.id, payload)
      expect(res.statusCode, field).toBe(400)
      expect(Object.keys(res.json().errors)).toEqual([field])
    }
  })

  it('deletes softly; a second DELETE is 404 and a deleted tenant cannot change (decision 47)', async () => {
    const id = await createCloudTenant(t.db.db, client)
    expect((await remove(id)).statusCode).toBe(204)
    const again = await remove(id)
    expect(again.json()).toMatchObject({
      status: 404,
      title: 'Not Found',
      code: 'CLOUD_TENANT_NOT_FOUND',
    })
    expect((await get(`${URL}/${id}`)).json().status).toBe('Deleted')
    expect((await put(id, { name: 'x' })).json().code).toBe('CLOUD_TENANT_STATUS_INVALID')
  })

  it('is for Operations only (decision 45)', async () => {
    const id = await createCloudTenant(t.db.db, client)
    for (const type of ['Client', 'Vendor'] as const) {
      const own = type === 'Client' ? client : await createAccount(t.db.db, { type })
      const token = (await createApiToken(t.db.db, own)).credential
      expect((await get(URL, token)).statusCode).toBe(403)
      expect((await get(`${URL}/${id}`, token)).statusCode).toBe(403)
      expect((await create(body(), token)).statusCode).toBe(403)
    }
  })

  it('answers 404 for unknown ids before the body', async () => {
    for (const id of ['CLT-0000-0000', 'INVALID-ID']) {
      expect((await put(id, { mistake: 1 })).statusCode).toBe(404)
      expect((await remove(id)).statusCode).toBe(404)
      expect((await get(`${URL}/${id}`)).statusCode).toBe(404)
    }
  })

  it('lists with RQL', async () => {
    const a = (await create(body({ name: 'Azure prod' }))).json()
    const b = (await create(body({ name: 'M365', type: 'Csp365', status: 'Disabled' }))).json()
    const ids = async (query: string) =>
      (await get(`${URL}?${query}`)).json().data.map((x: { id: string }) => x.id)
    expect(await ids(`eq(type,Csp365)`)).toEqual([b.id])
    expect(await ids(`eq(status,Active)&eq(account.id,${client})`)).toEqual([a.id])
    expect(
      await ids(`eq(externalIds.cloudConsumptionId,${a.externalIds.cloudConsumptionId})`),
    ).toEqual([a.id])
    expect(await ids(`ilike(name,*365)`)).toEqual([b.id])
    const page = await get(`${URL}?order=name&select=-externalIds&limit=1`)
    expect(page.json().$meta).toEqual({
      pagination: { offset: 0, limit: 1, total: 2 },
      omitted: ['externalIds', 'audit'],
    })
  })
})
