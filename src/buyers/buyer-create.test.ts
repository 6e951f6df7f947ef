import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccount, createApiToken, createSeller } from '../../test/support/factories.js'
import { multipartBody, TINY_PNG } from '../../test/support/multipart.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/buyers'
const address = {
  addressLine1: '1 Main St',
  postCode: '08001',
  city: 'Barcelona',
  state: 'Catalonia',
  country: 'ES',
}

describe('creating buyers', () => {
  let t: TestApp
  let client: string
  let seller: string
  const body = (fields: object = {}) => ({
    name: 'Contoso Spain',
    address,
    account: { id: client },
    ...fields,
  })
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client', name: 'Contoso' })
    seller = await createSeller(t.db.db, { name: 'SoftwareOne Spain', externalId: 'SWO_ES' })
  })
  afterEach(async () => t.close())

  const create = (payload: object, token?: string) =>
    t.request({ method: 'POST', url: URL, payload, token })

  it('creates an Enabled buyer of a Client account, with its account reference and audit', async () => {
    const res = await create(
      body({
        taxId: 'ESB12345678',
        contact: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@contoso.example',
          phone: { prefix: '+34', number: '600000000' },
        },
        sellers: [{ id: seller, name: 'echoed and ignored' }],
        status: 'Active',
        icon: '',
        id: 'BUY-1111-1111',
        errors: [{ message: 'x' }],
      }),
    )
    expect(res.statusCode).toBe(201)
    const buyer = res.json()
    expect(buyer.id).toMatch(/^BUY-\d{4}-\d{4}$/)
    expect(buyer.id).not.toBe('BUY-1111-1111')
    expect(buyer).toMatchObject({
      name: 'Contoso Spain',
      status: 'Enabled',
      icon: null,
      address,
      taxId: 'ESB12345678',
      contact: {
        name: 'Ada Lovelace',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@contoso.example',
        phone: { prefix: '+34', number: '600000000' },
      },
      account: { id: client, name: 'Contoso', type: 'Client', status: 'Active', icon: null },
      sellers: [
        {
          id: seller,
          name: 'SoftwareOne Spain',
          externalId: 'SWO_ES',
          icon: null,
          erpLink: {
            id: expect.stringMatching(/^ERP-\d{4}-\d{4}-\d{4}$/),
            name: 'Contoso Spain - SoftwareOne Spain',
            icon: null,
            status: 'Active',
          },
        },
      ],
      errors: [],
    })
    expect(buyer.audit.created).toMatchObject({
      by: { id: 'TKN-0000-0001' },
      of: { id: t.operations.accountId },
    })
  })

  it('accepts multipart with a logo and serves it through the icon redirect', async () => {
    const multipart = await multipartBody('buyer', body(), { part: 'logo', data: TINY_PNG })
    const res = await t.request({ method: 'POST', url: URL, ...multipart })
    expect(res.statusCode).toBe(201)
    const redirect = await t.request({
      method: 'GET',
      url: `${URL}/${res.json().id}/icon`,
      token: null,
    })
    expect(redirect.statusCode).toBe(307)
    expect(redirect.headers.location).toBe(res.json().icon)
    const image = await t.request({
      method: 'GET',
      url: redirect.headers.location as string,
      token: null,
    })
    expect(image.rawPayload.equals(TINY_PNG)).toBe(true)
  })

  it.each([
    ['name', { name: undefined }],
    ['name', { name: ' ' }],
    ['address', { address: undefined }],
    ['address.state', { address: { ...address, state: '' } }],
    ['account', { account: undefined }],
    ['account.id', { account: { id: 'BUY-1234-1234' } }],
    ['taxId', { taxId: 'x'.repeat(19) }],
    ['contact.email', { contact: { email: 'not-an-email' } }],
    ['sellers[0].id', { sellers: [{ id: 'SELLER' }] }],
  ])('names the field %s when it is invalid', async (field, fields) => {
    const res = await create(body(fields))
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('refuses an unknown account, and an account that is not a Client, naming account.id', async () => {
    const unknown = await create(body({ account: { id: 'ACC-0000-0000' } }))
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().errors).toEqual({ 'account.id': ['Unknown account.'] })
    const vendor = await createAccount(t.db.db, { type: 'Vendor' })
    const res = await create(body({ account: { id: vendor } }))
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('BUYER_ACCOUNT_INVALID')
    expect(res.json().errors[0].properties).toEqual(['account.id'])
  })

  it.each(['Client', 'Vendor'] as const)('refuses a %s caller with 403', async (type) => {
    const own = type === 'Client' ? client : await createAccount(t.db.db, { type })
    const token = (await createApiToken(t.db.db, own)).credential
    const res = await create(body(), token)
    expect(res.statusCode).toBe(403)
  })
})
