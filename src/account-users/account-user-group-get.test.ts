import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inviteUser, type Invited } from '../../test/support/account-users.js'
import { createAccount, createApiToken, createUserGroup } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('GET …/users/{userId}/groups/{groupId} (SDK only, §5.2)', () => {
  let t: TestApp
  let accountId: string
  let member: string
  let other: string
  let invited: Invited
  beforeEach(async () => {
    t = await buildTestApp()
    accountId = await createAccount(t.db.db)
    member = await createUserGroup(t.db.db, accountId, { name: 'Purchasing' })
    other = await createUserGroup(t.db.db, accountId, { name: 'Legal' })
    invited = await inviteUser(t, { accountId, groupIds: [member] })
  })
  afterEach(async () => t.close())

  it("answers one of the account user's groups, in every family", async () => {
    for (const path of [
      invited.path,
      `/public/v1/accounts/${accountId}/users/${invited.userId}`,
      `/public/v1/accounts/account-users/${invited.accountUserId}`,
    ]) {
      const res = await t.request({ method: 'GET', url: `${path}/groups/${member}` })
      expect(res.statusCode, path).toBe(200)
      expect(res.json()).toEqual({
        id: member,
        name: 'Purchasing',
        description: null,
        logo: null,
        isDefault: false,
      })
    }
  })

  it('answers 404 for a group the account user is not in, or an unknown one', async () => {
    for (const groupId of [other, 'UGR-0000-0000', 'nope']) {
      const res = await t.request({ method: 'GET', url: `${invited.path}/groups/${groupId}` })
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('USER_GROUP_NOT_FOUND')
    }
  })

  it("answers 404 to another account's caller", async () => {
    const token = (await createApiToken(t.db.db, await createAccount(t.db.db))).credential
    const res = await t.request({ method: 'GET', url: `${invited.path}/groups/${member}`, token })
    expect(res.statusCode).toBe(404)
  })
})
