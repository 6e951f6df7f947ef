import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scopedUsersPath } from '../support/account-users.js'
import { testDialect } from '../support/database.js'
import { createAccount, createBuyer, createUserGroup, inviteBody } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import { API } from './attack-support.js'

const ACCESS_MANAGEMENT = 'MOD-1756'
const ACCOUNT_MANAGEMENT = 'MOD-9042'
const MARKETPLACE = 'MOD-0478'

/**
 * Issue #12: "an API token restricted to some modules can still do everything". A token's
 * modules are its permissions (the official access table).
 */
describe(`issue #12: an API token can do what its modules allow, no more (${testDialect})`, () => {
  let t: TestApp
  let accountId: string
  let groupId: string
  let buyerId: string

  /** A token of the Client account with exactly `modules`, created through the API by Operations. */
  async function tokenWith(modules: string[]): Promise<string> {
    const res = await t.request({
      method: 'POST',
      url: `${API}/api-tokens`,
      payload: {
        name: `token ${modules.join('+')}`,
        account: { id: accountId },
        modules: modules.map((id) => ({ id })),
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    return res.json().token as string
  }

  beforeAll(async () => {
    t = await buildTestApp()
    accountId = await createAccount(t.db.db, { type: 'Client', name: 'Client A' })
    groupId = await createUserGroup(t.db.db, accountId)
    buyerId = await createBuyer(t.db.db, accountId)
  })
  afterAll(async () => t.close())

  it('refuses users, account users, groups and tokens to a token without Access Management', async () => {
    const token = await tokenWith([MARKETPLACE, ACCOUNT_MANAGEMENT])
    const refused = [
      { method: 'GET' as const, url: `${API}/users` },
      { method: 'GET' as const, url: scopedUsersPath(accountId) },
      {
        method: 'POST' as const,
        url: scopedUsersPath(accountId),
        payload: inviteBody('no-access@example.com', [groupId]),
      },
      { method: 'GET' as const, url: `${API}/user-groups` },
      { method: 'POST' as const, url: `${API}/user-groups`, payload: { name: 'Sneaky' } },
      { method: 'GET' as const, url: `${API}/api-tokens` },
      { method: 'POST' as const, url: `${API}/api-tokens`, payload: { name: 'Escalate' } },
    ]
    for (const request of refused) {
      const res = await t.request({ ...request, token })
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(403)
      expect(res.json().detail).toContain('Access Management')
    }
    const allowed = await t.request({ method: 'GET', url: `${API}/accounts/${accountId}`, token })
    expect(allowed.statusCode).toBe(200)
  })

  it('refuses changing the account or its buyers to a token without Account Management', async () => {
    const token = await tokenWith([ACCESS_MANAGEMENT, MARKETPLACE])
    const account = await t.request({
      method: 'PUT',
      url: `${API}/accounts/${accountId}`,
      payload: { name: 'Renamed' },
      token,
    })
    expect(account.statusCode).toBe(403)
    expect(account.json().detail).toContain('Account Management')
    const buyer = await t.request({
      method: 'PUT',
      url: `${API}/buyers/${buyerId}`,
      payload: { name: 'Renamed buyer' },
      token,
    })
    expect(buyer.statusCode).toBe(403)
    const buyerRead = await t.request({ method: 'GET', url: `${API}/buyers/${buyerId}`, token })
    expect(buyerRead.statusCode).toBe(200)
    const users = await t.request({ method: 'GET', url: `${API}/users`, token })
    expect(users.statusCode).toBe(200)
  })

  it('refuses everything but public reads to a token with no module at all', async () => {
    const token = await tokenWith([])
    for (const url of [`${API}/users`, `${API}/buyers`, `${API}/api-tokens`]) {
      const res = await t.request({ method: 'GET', url, token })
      expect(res.statusCode, url).toBe(403)
    }
  })

  it('refuses a token granting a module it does not hold (no escalation through a new token)', async () => {
    const token = await tokenWith([ACCESS_MANAGEMENT])
    const res = await t.request({
      method: 'POST',
      url: `${API}/api-tokens`,
      payload: { name: 'Escalate', modules: [{ id: ACCOUNT_MANAGEMENT }] },
      token,
    })
    expect(res.statusCode).toBe(400)
    const implicit = await t.request({
      method: 'POST',
      url: `${API}/api-tokens`,
      payload: { name: 'Implicit' },
      token,
    })
    expect(implicit.statusCode, implicit.body).toBe(201)
    expect(implicit.json().modules.map((m: { id: string }) => m.id)).toEqual([ACCESS_MANAGEMENT])
  })
})
