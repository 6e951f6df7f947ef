import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createAccount,
  createApiToken,
  createUserGroup,
  inviteBody,
} from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { VERIFIED_TOKEN_TTL_MS } from './api-token-authentication.js'

describe('API tokens', () => {
  let t: TestApp
  let vendor: string
  let vendorToken: string
  beforeEach(async () => {
    t = await buildTestApp()
    vendor = await createAccount(t.db.db, { type: 'Vendor' })
    vendorToken = (await createApiToken(t.db.db, vendor)).credential
  })
  afterEach(async () => t.close())

  const create = (token: string, payload: object) =>
    t.request({ method: 'POST', url: '/public/v1/accounts/api-tokens', payload, token })

  it('shows the secret once, at creation, and it authenticates', async () => {
    const res = await create(vendorToken, {
      account: { id: vendor },
      name: 'Automation',
      icon: '',
      modules: [{ id: 'MOD-1756' }],
    })
    expect(res.statusCode).toBe(201)
    const created = res.json()
    expect(created.token).toMatch(new RegExp(`^idt:${created.id}:[A-Za-z0-9_-]{43}$`))
    expect(created.status).toBe('Active')
    expect(created.modules.map((m: { id: string }) => m.id)).toEqual(['MOD-1756'])
    const get = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/api-tokens/${created.id}`,
      token: vendorToken,
    })
    expect(get.json().token).toBeUndefined()
    const list = await t.request({
      method: 'GET',
      url: '/public/v1/accounts/api-tokens?select=audit',
      token: vendorToken,
    })
    expect(JSON.stringify(list.json())).not.toContain(created.token.split(':')[2])
    const row = await t.db.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow()
    expect(row.secret_hash).not.toContain(created.token.split(':')[2])
    const group = await createUserGroup(t.db.db, vendor)
    const invite = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${vendor}/users`,
      payload: inviteBody('v@example.com', [group]),
      token: created.token,
    })
    expect(invite.statusCode).toBe(201)
    expect(invite.json().$meta).toBeDefined()
  })

  it('records who acted and for which account in audit', async () => {
    const created = (await create(vendorToken, { name: 'Audited' })).json()
    const res = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/api-tokens/${created.id}?select=audit`,
      token: vendorToken,
    })
    const vendorTokenId = vendorToken.split(':')[1]
    expect(res.json().audit.created.by.id).toBe(vendorTokenId)
    expect(res.json().audit.created.of.id).toBe(vendor)
  })

  it('refuses a disabled token and accepts it again once enabled', async () => {
    const created = (await create(vendorToken, { name: 'Toggle' })).json()
    const disable = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/api-tokens/${created.id}/disable`,
      token: vendorToken,
    })
    expect(disable.json().status).toBe('Disabled')
    const refused = await t.request({
      method: 'GET',
      url: '/public/v1/accounts/api-tokens',
      token: created.token,
    })
    expect(refused.statusCode).toBe(401)
    expect(refused.json()).toMatchObject({
      status: 401,
      title: 'Unauthorized',
      code: 'AUTHENTICATION_REQUIRED',
    })
    await t.request({
      method: 'POST',
      url: `/public/v1/accounts/api-tokens/${created.id}/enable`,
      token: vendorToken,
    })
    expect(
      (
        await t.request({
          method: 'GET',
          url: '/public/v1/accounts/api-tokens',
          token: created.token,
        })
      ).statusCode,
    ).toBe(200)
  })

  it('refuses a token disabled by another API node once the verification cache lapses', async () => {
    const created = (await create(vendorToken, { name: 'Elsewhere' })).json()
    expect(
      (
        await t.request({
          method: 'GET',
          url: '/public/v1/accounts/api-tokens',
          token: created.token,
        })
      ).statusCode,
    ).toBe(200)
    await t.db.db
      .updateTable('api_tokens')
      .set({ status: 'Disabled' })
      .where('id', '=', created.id)
      .execute()
    t.clock.advance(VERIFIED_TOKEN_TTL_MS)
    expect(
      (
        await t.request({
          method: 'GET',
          url: '/public/v1/accounts/api-tokens',
          token: created.token,
        })
      ).statusCode,
    ).toBe(401)
  })

  it('deletes for good: refused as a credential, invisible to its account, final', async () => {
    const created = (await create(vendorToken, { name: 'Doomed' })).json()
    const del = await t.request({
      method: 'DELETE',
      url: `/public/v1/accounts/api-tokens/${created.id}`,
      token: vendorToken,
    })
    expect(del.statusCode).toBe(204)
    expect(del.body).toBe('')
    expect(
      (
        await t.request({
          method: 'GET',
          url: '/public/v1/accounts/api-tokens',
          token: created.token,
        })
      ).statusCode,
    ).toBe(401)
    expect(
      (
        await t.request({
          method: 'GET',
          url: `/public/v1/accounts/api-tokens/${created.id}`,
          token: vendorToken,
        })
      ).statusCode,
    ).toBe(404)
    const asOps = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/api-tokens/${created.id}`,
    })
    expect(asOps.json().status).toBe('Deleted')
    const enable = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/api-tokens/${created.id}/enable`,
    })
    expect(enable.statusCode).toBe(400)
    expect(enable.json().code).toBe('API_TOKEN_STATUS_INVALID')
  })

  it.each([
    ['missing', undefined],
    ['malformed', 'Bearer nonsense'],
    ['unknown', 'Bearer idt:TKN-9999-9999:abcdefghijklmnopqrstuvwxyz'],
    ['wrong secret', 'Bearer idt:TKN-0000-0001:abcdefghijklmnopqrstuvwxyz'],
  ])('answers 401 to a %s credential', async (_, header) => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/public/v1/accounts/api-tokens',
      headers: header ? { authorization: header } : {},
    })
    expect(res.statusCode).toBe(401)
  })

  it('keeps other accounts out: their tokens are 404 and never listed', async () => {
    const other = await createAccount(t.db.db, { type: 'Client' })
    const otherToken = await createApiToken(t.db.db, other)
    expect(
      (
        await t.request({
          method: 'GET',
          url: `/public/v1/accounts/api-tokens/${otherToken.id}`,
          token: vendorToken,
        })
      ).statusCode,
    ).toBe(404)
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/public/v1/accounts/api-tokens/${otherToken.id}/disable`,
          token: vendorToken,
        })
      ).statusCode,
    ).toBe(404)
    const list = (
      await t.request({
        method: 'GET',
        url: '/public/v1/accounts/api-tokens?limit=100',
        token: vendorToken,
      })
    ).json()
    expect(list.data.every((tk: { account: { id: string } }) => tk.account.id === vendor)).toBe(
      true,
    )
    const forOther = await create(vendorToken, { account: { id: other }, name: 'Sneaky' })
    expect(forOther.statusCode).toBe(400)
    expect(Object.keys(forOther.json().errors)).toEqual(['account.id'])
  })

  it('refuses modules the account type is not offered, naming the field', async () => {
    const res = await create(vendorToken, {
      name: 'Market',
      modules: [{ id: 'MOD-1756' }, { id: 'MOD-0478' }],
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].properties).toEqual(['modules[1].id'])
  })

  it('updates name, description and modules', async () => {
    const created = (await create(vendorToken, { name: 'Old' })).json()
    const res = await t.request({
      method: 'PUT',
      url: `/public/v1/accounts/api-tokens/${created.id}`,
      token: vendorToken,
      payload: { name: 'New', description: 'd', modules: [{ id: 'MOD-9042' }] },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ name: 'New', description: 'd' })
    expect(res.json().modules.map((m: { id: string }) => m.id)).toEqual(['MOD-9042'])
  })

  it('filters the list with RQL', async () => {
    await create(vendorToken, { name: 'Alpha' })
    await create(vendorToken, { name: 'Beta' })
    const res = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/api-tokens?ilike(name,alp*)`,
      token: vendorToken,
    })
    expect(res.json().data.map((x: { name: string }) => x.name)).toEqual(['Alpha'])
    expect(res.json().$meta.pagination).toEqual({ offset: 0, limit: 10, total: 1 })
  })

  it('keeps lastAccessAt current without writing on every request', async () => {
    const created = (await create(vendorToken, { name: 'Seen' })).json()
    await t.request({ method: 'GET', url: '/public/v1/accounts/api-tokens', token: created.token })
    const first = (
      await t.request({ method: 'GET', url: `/public/v1/accounts/api-tokens/${created.id}` })
    ).json().lastAccessAt
    expect(first).toBe(t.clock.now().toISOString())
    t.clock.advance(10_000)
    await t.request({ method: 'GET', url: '/public/v1/accounts/api-tokens', token: created.token })
    expect(
      (
        await t.request({ method: 'GET', url: `/public/v1/accounts/api-tokens/${created.id}` })
      ).json().lastAccessAt,
    ).toBe(first)
    t.clock.advance(60_000)
    await t.request({ method: 'GET', url: '/public/v1/accounts/api-tokens', token: created.token })
    expect(
      (
        await t.request({ method: 'GET', url: `/public/v1/accounts/api-tokens/${created.id}` })
      ).json().lastAccessAt,
    ).toBe(t.clock.now().toISOString())
  })
})
