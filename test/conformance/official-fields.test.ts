import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordAccountAccess } from '../../src/account-users/account-user-repository.js'
import {
  acceptInvite,
  inviteAndAccept,
  inviteUser,
  STRONG_PASSWORD,
  type Invited,
} from '../support/account-users.js'
import { testDialect } from '../support/database.js'
import { createAccount, createApiToken, createUserGroup } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

/** Issue #11 item 5: members the official objects have that the service never returned. */
const API = '/public/v1/accounts'

describe(`user.currentAccount, userGroup.users, buyer contact.user (${testDialect})`, () => {
  let t: TestApp
  let clientA: string
  let clientB: string
  beforeEach(async () => {
    t = await buildTestApp()
    clientA = await createAccount(t.db.db, { type: 'Client', name: 'Alpha' })
    clientB = await createAccount(t.db.db, { type: 'Client', name: 'Beta' })
  })
  afterEach(async () => t.close())

  const get = async (url: string, token?: string) => {
    const res = await t.request({ method: 'GET', url, ...(token ? { token } : {}) })
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  describe('user.currentAccount', () => {
    it('is the joined account used last, else the one joined first, and null before joining', async () => {
      const invited = await inviteUser(t, { accountId: clientA })
      expect((await get(`${API}/users/${invited.userId}`)).currentAccount).toBeNull()
      const accepted = await acceptInvite(t, invited.path, {
        code: invited.code,
        password: STRONG_PASSWORD,
      })
      expect(accepted.statusCode).toBe(200)
      t.clock.advance(1000)
      const inB = await inviteAndAccept(t, { accountId: clientB, email: invited.email })
      const read = await get(`${API}/users/${invited.userId}`)
      expect(read.currentAccount).toEqual({
        id: clientA,
        name: 'Alpha',
        type: 'Client',
        status: 'Active',
        icon: null,
      })
      t.clock.advance(1000)
      await recordAccountAccess(t.db.db, inB.accountUserId, t.clock.now())
      expect((await get(`${API}/users/${invited.userId}`)).currentAccount.id).toBe(clientB)
      t.clock.advance(1000)
      await recordAccountAccess(t.db.db, invited.accountUserId, t.clock.now())
      expect((await get(`${API}/users/${invited.userId}`)).currentAccount.id).toBe(clientA)
    })

    it('shows an account its own account only, and expands with a nested select', async () => {
      const ada = await inviteAndAccept(t, { accountId: clientA })
      const inB = await inviteAndAccept(t, { accountId: clientB, email: ada.email })
      t.clock.advance(1000)
      await recordAccountAccess(t.db.db, inB.accountUserId, t.clock.now())
      const tokenA = (await createApiToken(t.db.db, clientA)).credential
      const tokenB = (await createApiToken(t.db.db, clientB)).credential
      expect((await get(`${API}/users/${ada.userId}`, tokenA)).currentAccount).toBeNull()
      expect((await get(`${API}/users/${ada.userId}`, tokenB)).currentAccount.id).toBe(clientB)
      const listed = await get(`${API}/users?select=currentAccount.serviceLevel`, tokenB)
      expect(listed.data[0].currentAccount).toMatchObject({
        id: clientB,
        serviceLevel: 'Express',
      })
    })
  })

  describe('userGroup.users', () => {
    let group: string
    let members: Invited[]
    beforeEach(async () => {
      group = await createUserGroup(t.db.db, clientA)
      members = [
        await inviteUser(t, { accountId: clientA, groupIds: [group] }),
        await inviteAndAccept(t, { accountId: clientA, groupIds: [group] }),
      ]
      await t.db.db
        .updateTable('users')
        .set({ first_name: 'Zoe' })
        .where('id', '=', members[0]!.userId)
        .execute()
    })

    it('is omitted by default and listed in $meta.omitted', async () => {
      const body = await get(`${API}/user-groups/${group}`)
      expect(body.users).toBeUndefined()
      expect(body.$meta).toEqual({ omitted: ['users', 'audit'] })
      const list = await get(`${API}/user-groups?eq(id,${group})`)
      expect(list.$meta.omitted).toEqual(['users', 'audit'])
    })

    it('returns the group’s account users when selected, in name order', async () => {
      const body = await get(`${API}/user-groups/${group}?select=users`)
      expect(body.users).toEqual([
        {
          id: members[1]!.userId,
          name: 'Ada Lovelace',
          icon: null,
          email: members[1]!.email,
        },
        { id: members[0]!.userId, name: 'Zoe Lovelace', icon: null, email: members[0]!.email },
      ])
      expect(body.$meta).toEqual({ omitted: ['audit'] })
      const empty = await createUserGroup(t.db.db, clientA)
      const list = await get(`${API}/user-groups?in(id,(${group},${empty}))&select=+users&order=id`)
      const byId = Object.fromEntries(
        list.data.map((g: { id: string; users: unknown[] }) => [g.id, g.users.length]),
      )
      expect(byId).toEqual({ [group]: 2, [empty]: 0 })
    })

    it('filters by member and expands members with a nested select', async () => {
      const filtered = await get(`${API}/user-groups?any(users,id=${members[0]!.userId})`)
      expect(filtered.data.map((g: { id: string }) => g.id)).toEqual([group])
      const body = await get(`${API}/user-groups/${group}?select=users.firstName`)
      expect(body.users.map((u: { firstName: string }) => u.firstName)).toEqual(['Ada', 'Zoe'])
    })
  })

  describe('buyer contact.user', () => {
    const createBuyer = async (accountId: string, email?: string) =>
      (
        await t.request({
          method: 'POST',
          url: `${API}/buyers`,
          payload: {
            name: 'Buyer',
            account: { id: accountId },
            address: {
              addressLine1: 'x',
              postCode: '1',
              city: 'c',
              state: 's',
              country: 'ES',
            },
            ...(email ? { contact: { firstName: 'Ada', lastName: 'L', email } } : {}),
          },
        })
      ).json()

    it('is the account user whose email the contact has, else null', async () => {
      const ada = await inviteAndAccept(t, { accountId: clientA })
      const buyer = await createBuyer(clientA, ada.email.toUpperCase())
      expect(buyer.contact.user).toEqual({ id: ada.userId, name: 'Ada Lovelace', icon: null })
      expect((await get(`${API}/buyers/${buyer.id}`)).contact.user.id).toBe(ada.userId)
      const list = await get(`${API}/buyers?eq(id,${buyer.id})`)
      expect(list.data[0].contact.user.id).toBe(ada.userId)
      const elsewhere = await createBuyer(clientB, ada.email)
      expect(elsewhere.contact.user).toBeNull()
      const stranger = await createBuyer(clientA, 'nobody@example.com')
      expect(stranger.contact.user).toBeNull()
      expect((await createBuyer(clientA)).contact).toBeNull()
    })
  })
})
