import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountType } from '../../src/access/actor.js'
import { can } from '../../src/access/permissions.js'
import { STRONG_PASSWORD, emailedCodeFor } from '../support/account-users.js'
import {
  createAccount,
  createApiToken,
  createBuyer,
  createCloudTenant,
  createErpLink,
  createLicensee,
  createSeller,
  createUserGroup,
} from '../support/factories.js'
import { testDialect } from '../support/database.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import { API, offeredModules } from './access-fixture.js'
import { changedRows, idOwners, rowsOwnedBy, takeSnapshot } from './ownership.js'
import { randomRequest, seededRandom, type RandomRequest, type Scene } from './random-requests.js'

/**
 * Issue #4: several accounts call the API at random, on their own objects and on each other's.
 * No response to a Client or Vendor may carry an id owned only by another account, every request
 * on another account's object is refused as if it did not exist, and no write changes a row
 * owned by an account other than the caller's. The seed is printed with every violation.
 */
const SEED = Number(process.env.ISOLATION_SEED ?? 20260104)
const REQUESTS_PER_PHASE = 1000
const ID_PATTERN =
  /\b(?:ACC-\d{4}-\d{4}|AUSR-\d{4}-\d{4}-\d{4}|USR-\d{4}-\d{4}|UGR-\d{4}-\d{4}|BUY-\d{4}-\d{4}|TKN-\d{4}-\d{4}|SEL-\d{4}-\d{4}|LCE-\d{4}-\d{4}-\d{4}|ERP-\d{4}-\d{4}-\d{4}|CLT-\d{4}-\d{4})\b/g

interface Tenant {
  id: string
  type: AccountType
  token: string
  tokenId: string
}

describe(`tenant isolation under random requests (${testDialect}, seed ${SEED})`, () => {
  let t: TestApp
  let tenants: Tenant[]
  const owners = new Map<string, Set<string>>()
  const violations: string[] = []
  const statusCounts = { own2xx: 0, foreign: 0, total: 0 }

  beforeAll(async () => {
    t = await buildTestApp()
    tenants = []
    // One seller every Client's buyers are linked to (seen by all of them), besides their own.
    const shared = await createSeller(t.db.db, { name: 'Shared seller' })
    for (const type of ['Client', 'Client', 'Vendor', 'Client'] as const)
      tenants.push(await createTenant(t, type, shared))
    idOwners(await takeSnapshot(t.db.db), owners)
  })
  afterAll(async () => t.close())

  /** Calls at random as `callers` only; the other accounts must come out byte-identical. */
  async function runPhase(callers: Tenant[], random: ReturnType<typeof seededRandom>) {
    const idle = [
      t.operations.accountId,
      ...tenants.filter((x) => !callers.includes(x)).map((x) => x.id),
    ]
    const accounts = [t.operations.accountId, ...tenants.map((x) => x.id)]
    let snapshot = await takeSnapshot(t.db.db)
    const idleBefore = rowsOwnedBy(snapshot, idle)
    const scene: Scene = {
      snapshot,
      caller: '',
      accounts,
      callers: callers.map((x) => x.id),
      callingTokens: new Set(tenants.map((x) => x.tokenId)),
      sequence: 0,
    }
    for (let n = 0; n < REQUESTS_PER_PHASE;) {
      const caller = random.pick(callers)!
      scene.caller = caller.id
      scene.snapshot = snapshot
      const request = randomRequest(random, scene)
      if (!request) continue
      n += 1
      const where = `seed ${SEED}, ${caller.type} ${caller.id}: ${request.method} ${request.url} ${JSON.stringify(request.payload ?? '')}`
      const res = await t.request({
        method: request.method,
        url: request.url,
        token: caller.token,
        ...(request.payload ? { payload: request.payload } : {}),
      })
      checkStatus(
        caller,
        request,
        res.statusCode,
        `${where} → ${res.statusCode} ${res.body.slice(0, 300)}`,
      )
      if (request.method !== 'GET') {
        const after = await takeSnapshot(t.db.db)
        idOwners(after, owners)
        for (const change of changedRows(snapshot, after)) {
          if (change.owners.length > 0 && !change.owners.includes(caller.id)) {
            violations.push(
              `${where}: changed ${change.table} ${change.key} of ${change.owners.join(',')}`,
            )
          }
        }
        snapshot = after
      }
      await checkIds(caller, request, res.body, where)
    }
    const idleAfter = rowsOwnedBy(await takeSnapshot(t.db.db), idle)
    if (JSON.stringify(idleAfter) !== JSON.stringify(idleBefore))
      violations.push(`seed ${SEED}: rows of idle accounts ${idle.join(',')} changed`)
  }

  function checkStatus(caller: Tenant, request: RandomRequest, status: number, where: string) {
    statusCounts.total += 1
    if (status >= 500) violations.push(`5xx: ${where}`)
    else if (
      !can({ accountType: caller.type, modules: offeredModules(caller.type) }, request.operation)
    ) {
      if (status !== 403) violations.push(`expected 403: ${where}`)
    } else if (request.foreign) {
      statusCounts.foreign += 1
      if (status !== 404) violations.push(`expected 404: ${where}`)
    } else if (request.bodyForeign) {
      if (status !== 400 && status !== 404) violations.push(`expected 400/404: ${where}`)
    } else if (status < 300) statusCounts.own2xx += 1
  }

  /** Ids in the body that the caller did not send and that belong only to other accounts. */
  async function checkIds(caller: Tenant, request: RandomRequest, body: string, where: string) {
    const sent = `${request.url} ${JSON.stringify(request.payload ?? '')}`
    for (const id of new Set(body.match(ID_PATTERN) ?? [])) {
      if (sent.includes(id)) continue
      if (!owners.has(id)) idOwners(await takeSnapshot(t.db.db), owners)
      const owning = owners.get(id)
      if (!owning) violations.push(`unknown id ${id}: ${where}`)
      else if (!owning.has(caller.id) && !isOperationsInAudit(owning, body, id)) {
        violations.push(
          `leaked ${id} of ${[...owning].join(',')}: ${where} → ${body.slice(0, 300)}`,
        )
      }
    }
  }

  /** Operations acting on an account's objects is recorded in their audit; that is not another tenant. */
  function isOperationsInAudit(owning: Set<string>, body: string, id: string): boolean {
    if (![...owning].every((a) => a === t.operations.accountId)) return false
    const outsideAudit = JSON.stringify(
      JSON.parse(body, (key, value) => (key === 'audit' ? undefined : value)),
    )
    return !outsideAudit.includes(id)
  }

  it(
    `sends ${2 * REQUESTS_PER_PHASE} random requests without a leak, a foreign write or a 5xx`,
    { timeout: 120_000 },
    async () => {
      const random = seededRandom(SEED)
      const [a, b, c, d] = tenants as [Tenant, Tenant, Tenant, Tenant]
      await runPhase([a, b], random)
      await runPhase([c, d], random)
      expect(violations.slice(0, 20), `seed ${SEED}: ${violations.length} violations`).toEqual([])
      expect(statusCounts.total).toBe(2 * REQUESTS_PER_PHASE)
      // The run must have done real work, not only been refused.
      expect(statusCounts.own2xx).toBeGreaterThan(REQUESTS_PER_PHASE / 2)
      expect(statusCounts.foreign).toBeGreaterThan(REQUESTS_PER_PHASE / 4)
    },
  )

  it('does not show which token of another account created a shared user (issue #4)', async () => {
    const [a, b] = tenants as [Tenant, Tenant]
    const groups = [...(await takeSnapshot(t.db.db)).user_groups.values()]
    const groupOf = (tenant: Tenant) => String(groups.find((g) => g.account_id === tenant.id)!.id)
    const invite = (tenant: Tenant) =>
      t.request({
        method: 'POST',
        url: `${API}/accounts/${tenant.id}/users`,
        token: tenant.token,
        payload: {
          user: { email: 'shared-user@example.com', firstName: 'Sha', lastName: 'Red' },
          groups: [{ id: groupOf(tenant) }],
        },
      })
    expect((await invite(b)).statusCode).toBe(201)
    const shared = await invite(a)
    expect(shared.statusCode).toBe(201)
    const asA = await t.request({
      method: 'GET',
      url: `${API}/users/${shared.json().id}?select=audit`,
      token: a.token,
    })
    expect(asA.json().audit.created).toEqual({ at: expect.any(String) })
    expect(asA.body).not.toContain(b.tokenId)
    expect(asA.body).not.toContain(b.id)
    const asOperations = await t.request({
      method: 'GET',
      url: `${API}/users/${shared.json().id}?select=audit`,
    })
    expect(asOperations.json().audit.created).toMatchObject({
      by: { id: b.tokenId },
      of: { id: b.id },
    })
  })

  it('does not let one account rename or set the password of a user it shares with another (issue #4)', async () => {
    const [a, b] = tenants as [Tenant, Tenant]
    const groups = [...(await takeSnapshot(t.db.db)).user_groups.values()]
    const groupOf = (tenant: Tenant) => String(groups.find((g) => g.account_id === tenant.id)!.id)
    const payload = (tenant: Tenant) => ({
      user: { email: 'taken-over@example.com', firstName: 'Vic', lastName: 'Tim' },
      groups: [{ id: groupOf(tenant) }],
    })
    const first = await t.request({
      method: 'POST',
      url: `${API}/accounts/${b.id}/users`,
      token: b.token,
      payload: payload(b),
    })
    const userId = first.json().id as string
    await t.request({
      method: 'POST',
      url: `${API}/accounts/${a.id}/users`,
      token: a.token,
      payload: payload(a),
    })
    const password = await t.request({
      method: 'POST',
      url: `${API}/users/${userId}/set-password`,
      token: a.token,
      payload: { password: 'Hijack#2026x' },
    })
    expect(password.statusCode).toBe(403)
    // Nobody but the user sets their password (issue #12), whatever accounts the caller manages.
    expect(password.json().code).toBe('USER_PASSWORD_SELF_ONLY')
    const rename = await t.request({
      method: 'PUT',
      url: `${API}/users/${userId}`,
      token: a.token,
      payload: { firstName: 'Mallory' },
    })
    expect(rename.statusCode).toBe(403)
    const row = await t.db.db
      .selectFrom('users')
      .select(['first_name', 'password_hash'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ first_name: 'Vic', password_hash: null })
    expect(
      (
        await t.request({
          method: 'PUT',
          url: `${API}/users/${userId}`,
          payload: { firstName: 'Victoria' },
        })
      ).statusCode,
    ).toBe(200)
  })
})

/**
 * An account with a calling token, spare tokens, groups, invited and active users, and (Clients)
 * buyers linked to the shared seller and a seller of their own, licensees and a cloud tenant.
 */
async function createTenant(t: TestApp, type: AccountType, sharedSeller: string): Promise<Tenant> {
  const db = t.db.db
  const id = await createAccount(db, { type })
  const token = await createApiToken(db, id, { name: 'Caller' })
  for (let i = 0; i < 2; i++) await createApiToken(db, id, { name: `Spare ${i}` })
  const groups = [await createUserGroup(db, id, { isDefault: true }), await createUserGroup(db, id)]
  if (type === 'Client') {
    const own = await createSeller(db, { name: `Seller of ${id}` })
    for (let i = 0; i < 2; i++) {
      const buyer = await createBuyer(db, id, `Buyer ${i}`)
      await createErpLink(db, buyer, sharedSeller)
      await createErpLink(db, buyer, own, { status: i === 0 ? 'Active' : 'Blocked' })
      await createLicensee(db, buyer, i === 0 ? own : sharedSeller, { status: 'Active' })
    }
    await createCloudTenant(db, id)
  }
  for (let i = 0; i < 3; i++) {
    const email = `tenant-${id.toLowerCase()}-${i}@example.com`
    const res = await t.request({
      method: 'POST',
      url: `${API}/accounts/${id}/users`,
      token: token.credential,
      payload: {
        user: { email, firstName: 'Ten', lastName: `Ant ${i}` },
        groups: [{ id: groups[i % 2]! }],
      },
    })
    if (res.statusCode !== 201) throw new Error(`invite failed: ${res.statusCode} ${res.body}`)
    if (i === 0) {
      const accepted = await t.request({
        method: 'POST',
        url: `${API}/accounts/${id}/users/${res.json().id}/accept-invite`,
        token: null,
        payload: { code: await emailedCodeFor(t, email), password: STRONG_PASSWORD },
      })
      if (accepted.statusCode !== 200)
        throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`)
    }
  }
  return { id, type, token: token.credential, tokenId: token.id }
}
