import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccount, createApiToken } from '../../test/support/factories.js'
import { multipartBody, TINY_PNG } from '../../test/support/multipart.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/accounts'
const address = {
  addressLine1: '1 Main St',
  postCode: '08001',
  city: 'Barcelona',
  state: 'Catalonia',
  country: 'ES',
}
const body = (fields: object = {}) => ({
  name: 'Contoso',
  type: 'Client',
  serviceLevel: 'Express',
  address,
  ...fields,
})

describe('creating accounts', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const create = (payload: object, token?: string) =>
    t.request({ method: 'POST', url: URL, payload, token })

  it('creates a Client account Enabled, with every field and an audit of who created it', async () => {
    const res = await create(
      body({
        technicalSupportEmail: 'help@contoso.example',
        website: 'https://contoso.example',
        description: 'A client',
        externalIds: { pyraTenantId: '4b4e3a9c-0d1e-4f6a-9b1c-2d3e4f5a6b7c' },
        eligibility: { client: true, partner: false },
      }),
    )
    expect(res.statusCode).toBe(201)
    const account = res.json()
    expect(account.id).toMatch(/^ACC-\d{4}-\d{4}$/)
    expect(account).toMatchObject({
      name: 'Contoso',
      type: 'Client',
      status: 'Enabled',
      icon: null,
      externalId: null,
      serviceLevel: 'Express',
      address,
      technicalSupportEmail: 'help@contoso.example',
      website: 'https://contoso.example',
      description: 'A client',
      externalIds: { pyraTenantId: '4b4e3a9c-0d1e-4f6a-9b1c-2d3e4f5a6b7c' },
      eligibility: { client: true, partner: false },
    })
    expect(account.audit.created.by.id).toBe('TKN-0000-0001')
    const read = (await t.request({ method: 'GET', url: `${URL}/${account.id}` })).json()
    expect(read.audit).toBeUndefined()
    expect(read.$meta).toEqual({ omitted: ['audit'] })
    const withAudit = (
      await t.request({ method: 'GET', url: `${URL}/${account.id}?select=audit` })
    ).json()
    expect(withAudit.audit.created.by.id).toBe('TKN-0000-0001')
    expect(withAudit.audit.created.of.id).toBe(t.operations.accountId)
  })

  it('creates the default Administrators group with the modules offered to the account type', async () => {
    const client = (await create(body())).json()
    expect(client.groups).toEqual([
      expect.objectContaining({ name: 'Administrators', isDefault: true }),
    ])
    const modules = await t.db.db
      .selectFrom('user_group_modules')
      .select('module_id')
      .where('user_group_id', '=', client.groups[0].id)
      .orderBy('module_id')
      .execute()
    expect(modules.map((m) => m.module_id)).toEqual([
      'MOD-0478',
      'MOD-1239',
      'MOD-1756',
      'MOD-8352',
      'MOD-8743',
      'MOD-9042',
    ])
    const vendor = (await create(body({ type: 'Vendor' }))).json()
    const vendorModules = await t.db.db
      .selectFrom('user_group_modules')
      .select('module_id')
      .where('user_group_id', '=', vendor.groups[0].id)
      .orderBy('module_id')
      .execute()
    expect(vendorModules.map((m) => m.module_id)).toEqual([
      'MOD-1239',
      'MOD-1756',
      'MOD-4525',
      'MOD-8352',
      'MOD-9042',
    ])
    const group = await t.db.db
      .selectFrom('user_groups')
      .selectAll()
      .where('id', '=', client.groups[0].id)
      .executeTakeFirstOrThrow()
    expect(Number(group.all_buyers)).toBe(1)
  })

  it('lets the new account invite users into its default group at once', async () => {
    const account = (await create(body())).json()
    const invite = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${account.id}/users`,
      payload: {
        user: { email: 'first@contoso.example', firstName: 'Ada', lastName: 'Lovelace' },
        groups: [{ id: account.groups[0].id }],
      },
    })
    expect(invite.statusCode).toBe(201)
  })

  it.each([
    ['a Client with an externalId', { externalId: 'CDG-1' }, 'Active'],
    ['a Vendor', { type: 'Vendor' }, 'Active'],
    ['an Operations account', { type: 'Operations' }, 'Active'],
  ])('creates %s Active', async (_, fields, status) => {
    const res = await create(body(fields))
    expect(res.json().status).toBe(status)
  })

  it('ignores the read-only members the official clients echo back', async () => {
    const res = await create(
      body({
        id: 'ACC-1111-1111',
        status: 'Disabled',
        icon: '',
        audit: { created: {} },
        $meta: {},
        groups: [],
      }),
    )
    expect(res.statusCode).toBe(201)
    expect(res.json().id).not.toBe('ACC-1111-1111')
    expect(res.json()).toMatchObject({ status: 'Enabled', icon: null })
  })

  it('creates an account without serviceLevel, as the official SDK sends it, at NotApplicable (issue #11)', async () => {
    const res = await create({ name: 'Contoso', type: 'Vendor', status: 'Active', address })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().serviceLevel).toBe('NotApplicable')
  })

  it.each([
    ['name', { name: undefined }],
    ['name', { name: '   ' }],
    ['type', { type: 'Partner' }],
    ['serviceLevel', { serviceLevel: 'Essential' }],
    ['technicalSupportEmail', { technicalSupportEmail: 'not-an-email' }],
    ['address.city', { address: { ...address, city: undefined } }],
    ['address.country', { address: { ...address, country: 'ESP' } }],
    ['externalIds.pyraTenantId', { externalIds: { pyraTenantId: 'nope' } }],
  ])('names the field %s when it is invalid', async (field, fields) => {
    const res = await create(body(fields))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ status: 400, title: 'Bad Request' })
    expect(Object.keys(res.json().errors)).toContain(field)
  })

  it('accepts multipart with a logo, and serves the logo through the icon redirect', async () => {
    const { headers, payload } = await multipartBody('account', body(), {
      part: 'logo',
      data: TINY_PNG,
    })
    const res = await t.request({ method: 'POST', url: URL, headers, payload })
    expect(res.statusCode).toBe(201)
    const account = res.json()
    expect(account.icon).toMatch(/^\/public\/v1\/accounts\/icons\/[0-9a-f]{32}$/)
    const redirect = await t.request({
      method: 'GET',
      url: `${URL}/${account.id}/icon`,
      token: null,
    })
    expect(redirect.statusCode).toBe(307)
    expect(redirect.headers.location).toBe(account.icon)
    const image = await t.request({
      method: 'GET',
      url: redirect.headers.location as string,
      token: null,
    })
    expect(image.headers['content-type']).toBe('image/png')
    expect(image.rawPayload.equals(TINY_PNG)).toBe(true)
  })

  it('accepts multipart with the account part sent as an application/json file and no logo', async () => {
    const { headers, payload } = await multipartBody(
      'account',
      body({ name: 'Filed' }),
      undefined,
      { jsonAsFile: true },
    )
    const res = await t.request({ method: 'POST', url: URL, headers, payload })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ name: 'Filed', icon: null })
  })

  it('refuses a logo that is not an image, and an account part that is not JSON, naming the part', async () => {
    const notImage = await multipartBody('account', body(), {
      part: 'logo',
      data: Buffer.from('<svg/>'),
      type: 'image/svg+xml',
    })
    const res = await t.request({ method: 'POST', url: URL, ...notImage })
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual(['logo'])
    const badJson = await multipartBody('account', undefined, undefined, { rawJson: '{"name":' })
    const res2 = await t.request({ method: 'POST', url: URL, ...badJson })
    expect(res2.statusCode).toBe(400)
    expect(Object.keys(res2.json().errors)).toEqual(['account'])
    expect(await t.db.db.selectFrom('accounts').select('id').execute()).toHaveLength(1)
  })

  it('refuses a logo larger than 10 MB', async () => {
    const huge = Buffer.concat([TINY_PNG, Buffer.alloc(10 * 1024 * 1024)])
    const res = await t.request({
      method: 'POST',
      url: URL,
      ...(await multipartBody('account', body(), { part: 'logo', data: huge })),
    })
    expect(res.statusCode).toBe(413)
    expect(await t.db.db.selectFrom('accounts').select('id').execute()).toHaveLength(1)
  })

  it.each(['Client', 'Vendor'] as const)('refuses a %s caller with 403', async (type) => {
    const token = (await createApiToken(t.db.db, await createAccount(t.db.db, { type }))).credential
    const res = await create(body(), token)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('ACCESS_DENIED')
  })
})
