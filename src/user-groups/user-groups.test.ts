import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditEvents, inviteUser } from '../../test/support/account-users.js'
import {
  createAccount,
  createApiToken,
  createBuyer,
  createUserGroup,
} from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const GROUPS = '/public/v1/accounts/user-groups'
const ids = (items: Array<{ id: string }>) => items.map((i) => i.id)

describe('user groups: create, update, delete', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client' })
    clientToken = (await createApiToken(t.db.db, client)).credential
  })
  afterEach(async () => t.close())

  const create = (payload: object, token = clientToken) =>
    t.request({ method: 'POST', url: GROUPS, payload, token })
  const update = (id: string, payload: object, token = clientToken) =>
    t.request({ method: 'PUT', url: `${GROUPS}/${id}`, payload, token })

  it('creates a group from the SDK payload, read-only fields ignored, and records who did it', async () => {
    const res = await create({
      id: 'UGR-9999-9999',
      name: 'Support',
      account: { id: client },
      buyers: null,
      logo: '',
      description: 'Helpdesk people',
      modules: [{ id: 'MOD-1756' }],
      audit: { created: { at: 'yesterday' } },
    })
    expect(res.statusCode).toBe(201)
    const group = res.json()
    expect(group).toMatchObject({
      name: 'Support',
      description: 'Helpdesk people',
      logo: null,
      isDefault: false,
      buyers: null,
      account: { id: client },
    })
    expect(group.id).toMatch(/^UGR-\d{4}-\d{4}$/)
    expect(ids(group.modules)).toEqual(['MOD-1756'])
    const read = await t.request({
      method: 'GET',
      url: `${GROUPS}/${group.id}?select=audit`,
      token: clientToken,
    })
    expect(read.json().audit.created).toMatchObject({
      by: { id: clientToken.split(':')[1] },
      of: { id: client },
    })
    expect(await auditEvents(t, group.id, 'created')).toHaveLength(1)
  })

  it('creates in the caller account when none is named, and never in another account', async () => {
    expect((await create({ name: 'Mine', modules: [{ id: 'MOD-1756' }] })).json().account.id).toBe(
      client,
    )
    const other = await createAccount(t.db.db, { type: 'Client' })
    const res = await create({
      name: 'Theirs',
      account: { id: other },
      modules: [{ id: 'MOD-1756' }],
    })
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual(['account.id'])
    const asOps = await create(
      { name: 'Theirs', account: { id: other }, modules: [{ id: 'MOD-1756' }] },
      t.operations.token,
    )
    expect(asOps.statusCode).toBe(201)
    expect(asOps.json().account.id).toBe(other)
  })

  it.each([
    [{ modules: [{ id: 'MOD-1756' }] }, 'name'],
    [{ name: '', modules: [{ id: 'MOD-1756' }] }, 'name'],
    [{ name: 'x' }, 'modules'],
    [{ name: 'x', modules: [] }, 'modules'],
    [{ name: 'x', modules: [{ id: 'MOD-12' }] }, 'modules[0].id'],
    [{ name: 'x', modules: [{ id: 'MOD-0478' }], buyers: [{ id: 'nope' }] }, 'buyers[0].id'],
    [{ name: 'x', account: { id: 'ACC-1' }, modules: [{ id: 'MOD-1756' }] }, 'account.id'],
  ])('names the invalid field of %j', async (payload, field) => {
    const res = await create(payload)
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('refuses modules the account type is not offered', async () => {
    const res = await create({ name: 'Catalog', modules: [{ id: 'MOD-1756' }, { id: 'MOD-4525' }] })
    expect(res.json()).toMatchObject({
      code: 'MODULE_NOT_AVAILABLE',
      errors: [{ properties: ['modules[1].id'] }],
    })
    expect((await create({ name: 'Ghost', modules: [{ id: 'MOD-0000' }] })).json().code).toBe(
      'MODULE_NOT_AVAILABLE',
    )
  })

  it('restricts buyers only with the Marketplace module, and only to the account buyers', async () => {
    const mine = await createBuyer(t.db.db, client, 'Mine')
    const theirs = await createBuyer(t.db.db, await createAccount(t.db.db), 'Theirs')
    const restricted = await create({
      name: 'Buyers',
      modules: [{ id: 'MOD-0478' }],
      buyers: [{ id: mine }],
    })
    expect(restricted.statusCode).toBe(201)
    expect(restricted.json().buyers).toEqual([{ id: mine, name: 'Mine', icon: null }])
    const noMarketplace = await create({
      name: 'No',
      modules: [{ id: 'MOD-1756' }],
      buyers: [{ id: mine }],
    })
    expect(noMarketplace.json()).toMatchObject({
      code: 'USER_GROUP_BUYERS_NOT_ALLOWED',
      errors: [{ properties: ['buyers'] }],
    })
    const foreign = await create({
      name: 'No',
      modules: [{ id: 'MOD-0478' }],
      buyers: [{ id: mine }, { id: theirs }],
    })
    expect(foreign.json()).toMatchObject({
      code: 'USER_GROUP_BUYER_INVALID',
      errors: [{ properties: ['buyers[1].id'] }],
    })
    const lifted = await update(restricted.json().id, { buyers: null })
    expect(lifted.json().buyers).toBeNull()
  })

  it('updates name, description, logo and modules; an empty logo leaves it as it is', async () => {
    const group = (
      await create({ name: 'Old', logo: '/logo.png', modules: [{ id: 'MOD-1756' }] })
    ).json()
    const res = await update(group.id, {
      id: 'UGR-0000-0000',
      name: 'New',
      description: null,
      logo: '',
      buyers: null,
      modules: [{ id: 'MOD-9042' }, { id: 'MOD-1239' }],
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      id: group.id,
      name: 'New',
      description: null,
      logo: '/logo.png',
      buyers: null,
    })
    expect(ids(res.json().modules)).toEqual(['MOD-1239', 'MOD-9042'])
    expect((await update(group.id, { name: '  ' })).json().errors).toEqual({
      name: ['Must not be empty.'],
    })
    expect(Object.keys((await update(group.id, { modules: [] })).json().errors)).toEqual([
      'modules',
    ])
    expect(await auditEvents(t, group.id, 'updated')).toHaveLength(1)
  })

  it('lets a buyer list lapse when the Marketplace module is taken away', async () => {
    const buyer = await createBuyer(t.db.db, client)
    const group = (
      await create({ name: 'M', modules: [{ id: 'MOD-0478' }], buyers: [{ id: buyer }] })
    ).json()
    const res = await update(group.id, { modules: [{ id: 'MOD-1756' }] })
    expect(res.json().buyers).toBeNull()
  })

  it('keeps one default per account; the default keeps its modules and cannot be deleted', async () => {
    const first = (
      await create({ name: 'First', isDefault: true, modules: [{ id: 'MOD-1756' }] })
    ).json()
    expect(first.isDefault).toBe(true)
    const second = (await create({ name: 'Second', modules: [{ id: 'MOD-1756' }] })).json()
    expect((await update(second.id, { isDefault: true })).json().isDefault).toBe(true)
    expect(
      (await t.request({ method: 'GET', url: `${GROUPS}/${first.id}`, token: clientToken })).json()
        .isDefault,
    ).toBe(false)
    const list = (
      await t.request({ method: 'GET', url: `${GROUPS}?eq(isDefault,true)`, token: clientToken })
    ).json()
    expect(ids(list.data)).toEqual([second.id])
    expect(
      (await update(second.id, { name: 'Renamed', modules: [{ id: 'MOD-1756' }] })).statusCode,
    ).toBe(200)
    const modules = await update(second.id, { modules: [{ id: 'MOD-9042' }] })
    expect(modules.json()).toMatchObject({
      code: 'USER_GROUP_DEFAULT_PROTECTED',
      errors: [{ properties: ['modules'] }],
    })
    expect((await update(second.id, { isDefault: false })).json().code).toBe(
      'USER_GROUP_DEFAULT_PROTECTED',
    )
    const del = await t.request({
      method: 'DELETE',
      url: `${GROUPS}/${second.id}`,
      token: clientToken,
    })
    expect(del.statusCode).toBe(400)
    expect(del.json().code).toBe('USER_GROUP_DEFAULT_PROTECTED')
  })

  it('lets the database hold at most one default group per account', async () => {
    await createUserGroup(t.db.db, client, { isDefault: true })
    await expect(createUserGroup(t.db.db, client, { isDefault: true })).rejects.toThrow()
    await createUserGroup(t.db.db, await createAccount(t.db.db), { isDefault: true })
  })

  it('refuses to delete a group with members, then deletes it once empty', async () => {
    const group = (await create({ name: 'Busy', modules: [{ id: 'MOD-1756' }] })).json()
    const spare = await createUserGroup(t.db.db, client)
    const member = await inviteUser(t, { accountId: client, groupIds: [group.id] })
    const refused = await t.request({
      method: 'DELETE',
      url: `${GROUPS}/${group.id}`,
      token: clientToken,
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toMatchObject({
      code: 'USER_GROUP_HAS_MEMBERS',
      errors: [{ parameters: { members: 1 } }],
    })
    await t.request({ method: 'PUT', url: `${member.path}/groups`, payload: [{ id: spare }] })
    const del = await t.request({
      method: 'DELETE',
      url: `${GROUPS}/${group.id}`,
      token: clientToken,
    })
    expect(del.statusCode).toBe(204)
    expect(
      (await t.request({ method: 'GET', url: `${GROUPS}/${group.id}`, token: clientToken }))
        .statusCode,
    ).toBe(404)
    expect(await auditEvents(t, group.id, 'deleted')).toHaveLength(1)
  })

  it("answers 404 for unknown, malformed and other accounts' groups, before validating the body", async () => {
    const foreign = await createUserGroup(t.db.db, await createAccount(t.db.db))
    for (const id of ['UGR-0000-0000', 'INVALID-ID', foreign]) {
      for (const res of [
        await t.request({ method: 'GET', url: `${GROUPS}/${id}`, token: clientToken }),
        await update(id, { name: '', modules: 'not a list' }),
        await t.request({ method: 'DELETE', url: `${GROUPS}/${id}`, token: clientToken }),
      ]) {
        expect(res.statusCode).toBe(404)
        expect(res.json().code).toBe('USER_GROUP_NOT_FOUND')
      }
    }
    const list = (
      await t.request({ method: 'GET', url: `${GROUPS}?limit=100`, token: clientToken })
    ).json()
    expect(list.data.every((g: { account: { id: string } }) => g.account.id === client)).toBe(true)
  })
})
