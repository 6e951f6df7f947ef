import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inviteUser } from '../../test/support/account-users.js'
import { createAccount, createBuyer } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const GROUPS = '/public/v1/accounts/user-groups'
const ids = (items: Array<{ id: string }> | null) => items?.map((i) => i.id) ?? null

/** §7: an account user's modules and buyers are read from their groups, so they follow every group change. */
describe('user groups: modules and buyers derived for account users', () => {
  let t: TestApp
  let client: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client' })
  })
  afterEach(async () => t.close())

  const createGroup = async (payload: object) =>
    (
      await t.request({
        method: 'POST',
        url: GROUPS,
        payload: { account: { id: client }, ...payload },
      })
    ).json().id as string
  const update = (id: string, payload: object) =>
    t.request({ method: 'PUT', url: `${GROUPS}/${id}`, payload })

  it('follows a change of a group modules', async () => {
    const group = await createGroup({ name: 'G', modules: [{ id: 'MOD-1756' }] })
    const member = await inviteUser(t, { accountId: client, groupIds: [group] })
    expect(ids((await t.request({ method: 'GET', url: member.path })).json().modules)).toEqual([
      'MOD-1756',
    ])
    expect(
      (await update(group, { modules: [{ id: 'MOD-9042' }, { id: 'MOD-0478' }] })).statusCode,
    ).toBe(200)
    const after = (await t.request({ method: 'GET', url: member.path })).json()
    expect(ids(after.modules)).toEqual(['MOD-0478', 'MOD-9042'])
    const legacy = (
      await t.request({
        method: 'GET',
        url: `/public/v1/accounts/account-users/${member.accountUserId}`,
      })
    ).json()
    expect(ids(legacy.modules)).toEqual(['MOD-0478', 'MOD-9042'])
    const filtered = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/accounts/${client}/users?any(modules,id=MOD-9042)`,
    })
    expect(ids(filtered.json().data)).toEqual([member.userId])
  })

  it('unites modules and buyers of several groups, and follows buyer changes', async () => {
    const [a, b, c] = [
      await createBuyer(t.db.db, client, 'A'),
      await createBuyer(t.db.db, client, 'B'),
      await createBuyer(t.db.db, client, 'C'),
    ]
    const ab = await createGroup({
      name: 'AB',
      modules: [{ id: 'MOD-0478' }],
      buyers: [{ id: a }, { id: b }],
    })
    const onlyC = await createGroup({
      name: 'C',
      modules: [{ id: 'MOD-0478' }, { id: 'MOD-1239' }],
      buyers: [{ id: c }],
    })
    const member = await inviteUser(t, { accountId: client, groupIds: [ab, onlyC] })
    const get = async () => (await t.request({ method: 'GET', url: member.path })).json()
    expect(ids((await get()).buyers)?.sort()).toEqual([a, b, c].sort())
    expect(ids((await get()).modules)).toEqual(['MOD-0478', 'MOD-1239'])
    await update(onlyC, { buyers: [{ id: a }] })
    expect(ids((await get()).buyers)?.sort()).toEqual([a, b].sort())
    await update(ab, { buyers: null })
    expect((await get()).buyers).toBeNull()
    await update(onlyC, { modules: [{ id: 'MOD-0478' }] })
    expect(ids((await get()).modules)).toEqual(['MOD-0478'])
  })
})
