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

describe('updating accounts', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = (
      await t.request({
        method: 'POST',
        url: URL,
        payload: { name: 'Contoso', type: 'Client', serviceLevel: 'Elite', address },
      })
    ).json().id
    clientToken = (await createApiToken(t.db.db, client)).credential
  })
  afterEach(async () => t.close())

  const put = (id: string, payload: object, token?: string) =>
    t.request({ method: 'PUT', url: `${URL}/${id}`, payload, token })

  it('lets Operations change every editable field, and records who updated it', async () => {
    t.clock.advance(60_000)
    const res = await put(client, {
      name: 'Contoso Ltd',
      serviceLevel: 'Focus',
      website: 'https://contoso.example',
      description: null,
      address: { ...address, city: 'Girona' },
      eligibility: { partner: true },
      status: 'Disabled',
      type: 'Vendor',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      name: 'Contoso Ltd',
      serviceLevel: 'Focus',
      website: 'https://contoso.example',
      type: 'Client',
      status: 'Enabled',
      address: { city: 'Girona' },
      eligibility: { client: false, partner: true },
    })
    expect(res.json().audit.updated).toMatchObject({
      at: t.clock.now().toISOString(),
      by: { id: 'TKN-0000-0001' },
    })
    const events = await t.db.db
      .selectFrom('audit_events')
      .select('event')
      .where('object_id', '=', client)
      .execute()
    expect(events.map((e) => e.event)).toEqual(['created', 'updated'])
  })

  it('lets a Client update its own account but not its service level', async () => {
    const res = await put(
      client,
      { name: 'Renamed', serviceLevel: 'Runners', technicalSupportEmail: 'it@contoso.example' },
      clientToken,
    )
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      name: 'Renamed',
      serviceLevel: 'Elite',
      technicalSupportEmail: 'it@contoso.example',
    })
    expect(res.json().audit.updated.of.id).toBe(client)
  })

  it('answers 404 for another account, before looking at the body', async () => {
    const other = await createAccount(t.db.db, { type: 'Vendor' })
    const res = await put(other, { name: '' }, clientToken)
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('ACCOUNT_NOT_FOUND')
  })

  it.each(['ACC-0000-0000', 'INVALID-ID'])(
    'answers 404 for %s before validating the body',
    async (id) => {
      const res = await put(id, { name: 42 })
      expect(res.statusCode).toBe(404)
    },
  )

  it.each([
    ['name', {}],
    ['name', { name: '' }],
    ['serviceLevel', { name: 'X', serviceLevel: 'Gold' }],
    ['website', { name: 'X', website: 'w'.repeat(2001) }],
    ['address.postCode', { name: 'X', address: { ...address, postCode: '' } }],
  ])('names the field %s when it is invalid', async (field, payload) => {
    const res = await put(client, payload)
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('replaces the logo from a multipart update and keeps it when none is sent', async () => {
    const withLogo = await multipartBody(
      'account',
      { name: 'Logo Co' },
      { part: 'logo', data: TINY_PNG },
    )
    const res = await t.request({
      method: 'PUT',
      url: `${URL}/${client}`,
      ...withLogo,
      token: clientToken,
    })
    expect(res.statusCode).toBe(200)
    const icon = res.json().icon
    expect(icon).toMatch(/^\/public\/v1\/accounts\/icons\//)
    const withoutLogo = await multipartBody('account', { name: 'Still Logo Co', icon: '' })
    const res2 = await t.request({
      method: 'PUT',
      url: `${URL}/${client}`,
      ...withoutLogo,
      token: clientToken,
    })
    expect(res2.json()).toMatchObject({ name: 'Still Logo Co', icon })
    const redirect = await t.request({ method: 'GET', url: `${URL}/${client}/icon`, token: null })
    expect(redirect.headers.location).toBe(icon)
  })

  it('answers 404 to a multipart update of an unknown account', async () => {
    const body = await multipartBody('account', { name: 'Ghost' }, { part: 'logo', data: TINY_PNG })
    const res = await t.request({ method: 'PUT', url: `${URL}/ACC-0000-0000`, ...body })
    expect(res.statusCode).toBe(404)
  })
})
