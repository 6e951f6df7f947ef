import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inviteUser, LEGACY_PATH, type Invited } from '../../test/support/account-users.js'
import { createAccount, createUserGroup } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('an account user’s groups: POST, PUT and DELETE …/groups', () => {
  let t: TestApp
  let accountId: string
  let g1: string
  let g2: string
  let g3: string
  let foreign: string
  let invited: Invited
  beforeEach(async () => {
    t = await buildTestApp()
    accountId = await createAccount(t.db.db)
    ;[g1, g2, g3] = [
      await createUserGroup(t.db.db, accountId, { name: 'A' }),
      await createUserGroup(t.db.db, accountId, { name: 'B' }),
      await createUserGroup(t.db.db, accountId, { name: 'C' }),
    ]
    foreign = await createUserGroup(t.db.db, await createAccount(t.db.db))
    invited = await inviteUser(t, { accountId, groupIds: [g1] })
  })
  afterEach(async () => t.close())

  const groupIds = (body: { groups: Array<{ id: string }> }) => body.groups.map((g) => g.id).sort()
  const current = async () =>
    groupIds((await t.request({ method: 'GET', url: invited.path })).json())

  it('adds a group with POST {id}', async () => {
    const res = await t.request({
      method: 'POST',
      url: `${invited.path}/groups`,
      payload: { id: g2 },
    })
    expect(res.statusCode).toBe(200)
    expect(groupIds(res.json())).toEqual([g1, g2].sort())
    expect(await current()).toEqual([g1, g2].sort())
  })

  it('replaces the groups with PUT [{id}]', async () => {
    const res = await t.request({
      method: 'PUT',
      url: `${invited.path}/groups`,
      payload: [{ id: g2 }, { id: g3 }],
    })
    expect(res.statusCode).toBe(200)
    expect(groupIds(res.json())).toEqual([g2, g3].sort())
    expect(await current()).toEqual([g2, g3].sort())
  })

  it('removes a group with DELETE …/groups/{UGR} and answers 204 with no body', async () => {
    await t.request({ method: 'POST', url: `${invited.path}/groups`, payload: { id: g2 } })
    const res = await t.request({ method: 'DELETE', url: `${invited.path}/groups/${g1}` })
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect(await current()).toEqual([g2])
  })

  it('refuses removing the last group with 400', async () => {
    const res = await t.request({ method: 'DELETE', url: `${invited.path}/groups/${g1}` })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'ACCOUNT_USER_GROUPS_REQUIRED',
      errors: [{ properties: ['groups'] }],
    })
    expect(await current()).toEqual([g1])
  })

  it('refuses adding a group of another account, naming the body field', async () => {
    const res = await t.request({
      method: 'POST',
      url: `${invited.path}/groups`,
      payload: { id: foreign },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'ACCOUNT_USER_GROUP_INVALID',
      errors: [{ properties: ['id'] }],
    })
    expect(await current()).toEqual([g1])
  })

  it('refuses replacing with a group of another account, naming the body field', async () => {
    const res = await t.request({
      method: 'PUT',
      url: `${invited.path}/groups`,
      payload: [{ id: g2 }, { id: foreign }],
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'ACCOUNT_USER_GROUP_INVALID',
      errors: [{ properties: ['[1].id'] }],
    })
    expect(await current()).toEqual([g1])
  })

  it('refuses an empty replacement list with 400', async () => {
    const res = await t.request({ method: 'PUT', url: `${invited.path}/groups`, payload: [] })
    expect(res.statusCode).toBe(400)
    expect(await current()).toEqual([g1])
  })

  it('answers 404 when removing a group the account user is not in', async () => {
    const res = await t.request({ method: 'DELETE', url: `${invited.path}/groups/${g2}` })
    expect(res.statusCode).toBe(404)
    expect(
      (await t.request({ method: 'DELETE', url: `${invited.path}/groups/UGR-BAD` })).statusCode,
    ).toBe(404)
  })

  it('reads one group of the account user with GET …/groups/{UGR}, in every path family (issue #11)', async () => {
    const paths = [
      invited.path,
      `/public/v1/accounts/${accountId}/users/${invited.userId}`,
      `${LEGACY_PATH}/${invited.accountUserId}`,
    ]
    for (const path of paths) {
      const res = await t.request({ method: 'GET', url: `${path}/groups/${g1}` })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toEqual({
        id: g1,
        name: 'A',
        description: null,
        logo: null,
        isDefault: false,
      })
    }
  })

  it('answers 404 for a group the account user is not in, a malformed one, and an unknown user', async () => {
    const notIn = await t.request({ method: 'GET', url: `${invited.path}/groups/${g2}` })
    expect(notIn.statusCode).toBe(404)
    expect(notIn.json().code).toBe('USER_GROUP_NOT_FOUND')
    const malformed = await t.request({ method: 'GET', url: `${invited.path}/groups/UGR-BAD` })
    expect(malformed.json()).toMatchObject({ status: 404, code: 'USER_GROUP_NOT_FOUND' })
    const unknown = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/accounts/${accountId}/users/USR-0000-0000/groups/${g1}`,
    })
    expect(unknown.json()).toMatchObject({ status: 404, code: 'ACCOUNT_USER_NOT_FOUND' })
  })

  it('lists the groups of the account user with GET …/groups', async () => {
    await t.request({ method: 'POST', url: `${invited.path}/groups`, payload: { id: g2 } })
    const res = await t.request({ method: 'GET', url: `${invited.path}/groups` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      $meta: { pagination: { offset: 0, limit: 2, total: 2 } },
      data: [{ id: g1 }, { id: g2 }],
    })
  })

  it('derives the modules from the groups', async () => {
    const g4 = await createUserGroup(t.db.db, accountId, { modules: ['MOD-0478'] })
    const res = await t.request({
      method: 'PUT',
      url: `${invited.path}/groups`,
      payload: [{ id: g4 }],
    })
    expect(res.json().modules.map((m: { id: string }) => m.id)).toEqual(['MOD-0478'])
  })

  it('works on the legacy path with the AUSR id and answers in the legacy shape', async () => {
    const base = `${LEGACY_PATH}/${invited.accountUserId}/groups`
    const added = await t.request({ method: 'POST', url: base, payload: { id: g2 } })
    expect(added.statusCode).toBe(200)
    expect(added.json().id).toBe(invited.accountUserId)
    expect(groupIds(added.json())).toEqual([g1, g2].sort())
    expect((await t.request({ method: 'DELETE', url: `${base}/${g1}` })).statusCode).toBe(204)
    expect(await current()).toEqual([g2])
  })
})
