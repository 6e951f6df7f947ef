import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  inviteUser,
  LEGACY_PATH,
  scopedUsersPath,
  uniqueEmail,
  type Invited,
} from '../../test/support/account-users.js'
import { createAccount, createUserGroup, inviteBody } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('the three path families of account users', () => {
  let t: TestApp
  let invited: Invited
  beforeEach(async () => {
    t = await buildTestApp()
    invited = await inviteUser(t)
  })
  afterEach(async () => t.close())

  const get = (url: string) => t.request({ method: 'GET', url })

  for (const family of ['sdk', 'v4'] as const) {
    describe(`scoped family (${family})`, () => {
      it('returns the USR-keyed account-context shape by USR id and by AUSR id', async () => {
        const base = scopedUsersPath(invited.accountId, family)
        const byUser = await get(`${base}/${invited.userId}`)
        const byMembership = await get(`${base}/${invited.accountUserId}`)
        expect(byUser.statusCode).toBe(200)
        expect(byMembership.statusCode).toBe(200)
        expect(byMembership.json()).toEqual(byUser.json())
        expect(byUser.json()).toMatchObject({
          id: invited.userId,
          accountUserId: invited.accountUserId,
          email: invited.email,
          firstName: 'Ada',
          lastName: 'Lovelace',
          name: 'Ada Lovelace',
          status: 'Invited',
          user: { id: invited.userId, email: invited.email },
          account: { id: invited.accountId },
          invitation: { status: 'Invited' },
          $meta: { omitted: ['audit'] },
        })
        expect(byUser.json()).not.toHaveProperty('audit')
      })

      it('creates with the account from the path, and the returned id works as {userId}', async () => {
        const base = scopedUsersPath(t.operations.accountId, family)
        const created = await t.request({
          method: 'POST',
          url: base,
          payload: inviteBody(uniqueEmail(), [t.operations.groupId]),
        })
        expect(created.statusCode).toBe(201)
        expect(created.json().id).toMatch(/^USR-\d{4}-\d{4}$/)
        const res = await get(`${base}/${created.json().id}`)
        expect(res.statusCode).toBe(200)
        expect(res.json().accountUserId).toBe(created.json().accountUserId)
      })

      it('lists account-context users with exactly offset, limit and total in the pagination', async () => {
        const res = await get(scopedUsersPath(invited.accountId, family))
        expect(res.statusCode).toBe(200)
        const body = res.json()
        expect(Object.keys(body.$meta.pagination).sort()).toEqual(['limit', 'offset', 'total'])
        expect(body.$meta.pagination).toEqual({ offset: 0, limit: 10, total: 1 })
        expect(body.data.map((u: { id: string }) => u.id)).toEqual([invited.userId])
      })

      it('finds one user with eq(id,…) and select=-name', async () => {
        await inviteUser(t)
        const res = await get(
          `${scopedUsersPath(invited.accountId, family)}?eq(id,'${invited.userId}')&select=-name`,
        )
        expect(res.statusCode).toBe(200)
        expect(res.json().data).toHaveLength(1)
        expect(res.json().data[0]).not.toHaveProperty('name')
      })

      it("answers 404 for an unknown account's list, before a malformed query's 400", async () => {
        const unknown = scopedUsersPath('ACC-0000-0404', family)
        for (const query of ['', '?eq(id,', '?limit=-1'])
          expect((await get(`${unknown}${query}`)).statusCode).toBe(404)
        // and the malformed query is refused on a known account
        expect((await get(`${scopedUsersPath(invited.accountId, family)}?eq(id,`)).statusCode).toBe(
          400,
        )
      })

      it('does not find a member of another account', async () => {
        const other = await createAccount(t.db.db)
        expect((await get(`${scopedUsersPath(other, family)}/${invited.userId}`)).statusCode).toBe(
          404,
        )
        expect(
          (await get(`${scopedUsersPath(other, family)}/${invited.accountUserId}`)).statusCode,
        ).toBe(404)
      })
    })
  }

  describe('legacy family (/account-users)', () => {
    it('returns the AUSR-keyed legacy shape with user and lastLoginAt', async () => {
      const res = await get(`${LEGACY_PATH}/${invited.accountUserId}`)
      expect(res.statusCode).toBe(200)
      const body = res.json()
      expect(body).toMatchObject({
        id: invited.accountUserId,
        user: {
          id: invited.userId,
          email: invited.email,
          firstName: 'Ada',
          lastName: 'Lovelace',
          status: 'Invited',
        },
        account: { id: invited.accountId },
        invitation: { status: 'Invited', url: invited.body.invitation.url },
        lastLoginAt: null,
      })
      expect(body).not.toHaveProperty('accountUserId')
      expect(body).not.toHaveProperty('email')
    })

    it('does not accept a USR id', async () => {
      expect((await get(`${LEGACY_PATH}/${invited.userId}`)).statusCode).toBe(404)
    })

    it('creates with account.id from the body', async () => {
      const other = await createAccount(t.db.db)
      const group = await createUserGroup(t.db.db, other)
      const res = await t.request({
        method: 'POST',
        url: LEGACY_PATH,
        payload: inviteBody(uniqueEmail(), [group], other),
      })
      expect(res.statusCode).toBe(201)
      expect(res.json().id).toMatch(/^AUSR-\d{4}-\d{4}-\d{4}$/)
      expect(res.json().account.id).toBe(other)
      expect((await get(`${LEGACY_PATH}/${res.json().id}`)).statusCode).toBe(200)
    })

    it('refuses a create without account.id, naming the field', async () => {
      const res = await t.request({
        method: 'POST',
        url: LEGACY_PATH,
        payload: inviteBody(uniqueEmail(), [t.operations.groupId]),
      })
      expect(res.statusCode).toBe(400)
      expect(Object.keys(res.json().errors)).toEqual(['account.id'])
    })

    it('answers 404 for a create into an unknown account', async () => {
      const res = await t.request({
        method: 'POST',
        url: LEGACY_PATH,
        payload: inviteBody(uniqueEmail(), [t.operations.groupId], 'ACC-0000-0000'),
      })
      expect(res.statusCode).toBe(404)
    })

    it('lists memberships of every account with the legacy pagination', async () => {
      const res = await get(LEGACY_PATH)
      expect(res.statusCode).toBe(200)
      expect(Object.keys(res.json().$meta.pagination).sort()).toEqual(['limit', 'offset', 'total'])
      expect(res.json().data.map((u: { id: string }) => u.id)).toEqual([invited.accountUserId])
    })
  })

  describe('v5 PUT …/accounts/accounts/{acc}/users/{userId}', () => {
    it('replaces the groups and names a foreign group by its place in the body', async () => {
      const group = await createUserGroup(t.db.db, t.operations.accountId)
      const ok = await t.request({
        method: 'PUT',
        url: invited.path,
        payload: { groups: [{ id: group }] },
      })
      expect(ok.statusCode).toBe(200)
      expect(ok.json().groups.map((g: { id: string }) => g.id)).toEqual([group])
      const foreign = await createUserGroup(t.db.db, await createAccount(t.db.db))
      const bad = await t.request({
        method: 'PUT',
        url: invited.path,
        payload: { groups: [{ id: group }, { id: foreign }] },
      })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().errors[0].properties).toEqual(['groups[1].id'])
    })
  })
})
