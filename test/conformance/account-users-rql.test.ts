import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccountUsers, type SeededAccountUser } from '../support/account-user-dataset.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

/**
 * Table-driven RQL conformance over a fixed dataset: each query's result (all pages) must equal
 * what a plain JavaScript predicate over the seeded model selects. The predicates are the oracle.
 */
const COUNT = 300
const CUTOFF = '2026-01-05T06:00:00.000Z'

type Case = [query: string, expected: (au: SeededAccountUser) => boolean]

const lower = (s: string) => s.toLowerCase()
/** Dataset groups are `UGR-9<account>0<n>-0000`; n = 0 is the account's default group. */
const isDefaultGroup = (id: string) => id[7] === '0'

const CASES: Case[] = [
  ['eq(invitation.status,Invited)', (a) => a.status === 'Invited'],
  ['eq(invitation.status,InvitationExpired)', (a) => a.status === 'InvitationExpired'],
  ["eq(invitation.status,'Active')", (a) => a.status === 'Active'],
  ['ne(invitation.status,Active)', (a) => a.status !== 'Active'],
  ['in(invitation.status,(Invited,Active))', (a) => a.status !== 'InvitationExpired'],
  ["out(invitation.status,('Invited'))", (a) => a.status !== 'Invited'],
  ['invitation.status=InvitationExpired', (a) => a.status === 'InvitationExpired'],
  ['ilike(user.email,*@example.com)', (a) => lower(a.email).endsWith('@example.com')],
  ['ilike(user.email,*@EXÄMPLE.NET)', (a) => lower(a.email).endsWith('@exämple.net')],
  ['like(user.email,*@Exämple.net)', (a) => a.email.endsWith('@Exämple.net')],
  ['like(user.email,*@exämple.net)', (a) => a.email.endsWith('@exämple.net')],
  ['ilike(user.firstName,él*)', (a) => lower(a.firstName).startsWith('él')],
  ['ilike(user.name,*müller)', (a) => lower(`${a.firstName} ${a.lastName}`).endsWith('müller')],
  ['ilike(user.email,*.1*)', (a) => a.email.includes('.1')],
  [
    'and(eq(invitation.status,Invited),ilike(user.email,*@example.com))',
    (a) => a.status === 'Invited' && lower(a.email).endsWith('@example.com'),
  ],
  [
    'or(eq(user.firstName,Zoë),eq(user.lastName,Müller))',
    (a) => a.firstName === 'Zoë' || a.lastName === 'Müller',
  ],
  ['not(eq(account.id,ACC-9000-0001))', (a) => a.accountId !== 'ACC-9000-0001'],
  ['eq(account.id,"ACC-9000-0002")', (a) => a.accountId === 'ACC-9000-0002'],
  [
    'account.id=ACC-9000-0002&eq(invitation.status,Active)',
    (a) => a.accountId === 'ACC-9000-0002' && a.status === 'Active',
  ],
  ['any(groups,id=UGR-9100-0000)', (a) => a.groupIds.includes('UGR-9100-0000')],
  ['eq(groups.id,UGR-9101-0000)', (a) => a.groupIds.includes('UGR-9101-0000')],
  ['all(groups,eq(isDefault,true))', (a) => a.groupIds.every(isDefaultGroup)],
  ['any(groups,eq(isDefault,false))', (a) => a.groupIds.some((g) => !isDefaultGroup(g))],
  [`gt(audit.created.at,"${CUTOFF}")`, (a) => a.createdAt > CUTOFF],
  [`le(audit.created.at,'${CUTOFF}')`, (a) => a.createdAt <= CUTOFF],
  ['eq(audit.joined.at,null())', (a) => a.joinedAt === null],
  ['ne(audit.joined.at,null())', (a) => a.joinedAt !== null],
  [
    'in(user.id,(USR-0000-0003,USR-0000-0004,USR-0000-9999))',
    (a) => ['USR-0000-0003', 'USR-0000-0004'].includes(a.userId),
  ],
  ['eq(id,AUSR-0000-0000-0042)', (a) => a.id === 'AUSR-0000-0000-0042'],
]

describe('RQL conformance: account users', () => {
  let t: TestApp
  let model: SeededAccountUser[]

  beforeAll(async () => {
    t = await buildTestApp()
    const dataset = await seedAccountUsers(t.db.db, { count: COUNT, now: t.clock.now() })
    model = dataset.accountUsers
  })
  afterAll(async () => t.close())

  async function fetchAll(query: string): Promise<{ ids: string[]; total: number }> {
    const ids: string[] = []
    let total = 0
    for (let offset = 0; ; offset += 100) {
      const res = await t.request({
        method: 'GET',
        url: `/public/v1/accounts/account-users?limit=100&offset=${offset}&select=-modules&${query}`,
      })
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json()
      total = body.$meta.pagination.total
      ids.push(...body.data.map((d: { id: string }) => d.id))
      if (offset + 100 >= total) return { ids, total }
    }
  }

  it.each(CASES)('%s', async (query, predicate) => {
    const expected = model
      .filter(predicate)
      .map((a) => a.id)
      .sort()
    const { ids, total } = await fetchAll(query)
    expect(total).toBe(expected.length)
    expect([...ids].sort()).toEqual(expected)
  })

  it('has cases that select something and cases that select nothing', () => {
    const sizes = CASES.map(([, p]) => model.filter(p).length)
    // only `like(…exämple.net)` (case-sensitive miss) selects nothing; no case selects everything
    expect(sizes.filter((n) => n === 0)).toHaveLength(1)
    expect(sizes.filter((n) => n === COUNT)).toHaveLength(0)
  })

  it('orders by creation, newest first, with the id as tie-break', async () => {
    const { ids } = await fetchAll('order=-audit.created.at&eq(account.id,ACC-9000-0000)')
    const expected = model
      .filter((a) => a.accountId === 'ACC-9000-0000')
      .sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? 1 : -1,
      )
      .map((a) => a.id)
    expect(ids).toEqual(expected)
  })

  it('orders by several keys (ordering alias, + prefix)', async () => {
    const { ids } = await fetchAll('ordering=+user.lastName,-user.id')
    const expected = [...model]
      .sort((a, b) =>
        a.lastName === b.lastName
          ? a.userId < b.userId
            ? 1
            : -1
          : a.lastName < b.lastName
            ? -1
            : 1,
      )
      .map((a) => a.id)
    expect(ids).toEqual(expected)
  })

  it('pages without gaps or repeats', async () => {
    const seen: string[] = []
    for (let offset = 0; offset < COUNT; offset += 7) {
      const res = await t.request({
        method: 'GET',
        url: `/public/v1/accounts/account-users?order=audit.created.at&limit=7&offset=${offset}&select=-*,+id`,
      })
      seen.push(...res.json().data.map((d: { id: string }) => d.id))
    }
    expect(new Set(seen).size).toBe(COUNT)
  })

  it('answers limit=0 with the total only, caps limit at 100, refuses negatives', async () => {
    const zero = (
      await t.request({
        method: 'GET',
        url: '/public/v1/accounts/account-users?limit=0&eq(invitation.status,Active)',
      })
    ).json()
    expect(zero).toEqual({
      $meta: {
        pagination: {
          offset: 0,
          limit: 0,
          total: model.filter((a) => a.status === 'Active').length,
        },
        omitted: ['audit'],
      },
      data: [],
    })
    const big = (
      await t.request({ method: 'GET', url: '/public/v1/accounts/account-users?limit=1000' })
    ).json()
    expect(big.$meta.pagination.limit).toBe(100)
    expect(big.data).toHaveLength(100)
    const negative = await t.request({
      method: 'GET',
      url: '/public/v1/accounts/account-users?offset=-1',
    })
    expect(negative.statusCode).toBe(400)
    expect(negative.json().code).toBe('RQL_PAGINATION_INVALID')
  })

  it('serves the issue example: filter, select, order, paging', async () => {
    const url =
      '/public/v1/accounts/account-users?and(eq(invitation.status,Invited),ilike(user.email,*@example.com))&select=audit,-modules&order=-audit.created.at&limit=20&offset=5'
    const body = (await t.request({ method: 'GET', url })).json()
    const matching = model
      .filter((a) => a.status === 'Invited' && lower(a.email).endsWith('@example.com'))
      .sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? 1 : -1,
      )
    expect(body.$meta).toEqual({
      pagination: { offset: 5, limit: 20, total: matching.length },
      omitted: ['modules'],
    })
    expect(body.data.map((d: { id: string }) => d.id)).toEqual(
      matching.slice(5, 25).map((a) => a.id),
    )
    expect(body.data[0].audit.created.at).toBeDefined()
    expect(body.data[0].modules).toBeUndefined()
  })

  it.each([
    ['eq(nope,1)', 'RQL_UNKNOWN_FIELD'],
    ['eq(audit.created.at,yesterday)', 'RQL_TYPE_MISMATCH'],
    ['eq(invitation.status,Sleeping)', 'RQL_TYPE_MISMATCH'],
    ['and(eq(id,1)', 'RQL_INVALID'],
    ['rql=eq(id,1)', 'RQL_INVALID'],
    ['order=groups', 'RQL_INVALID'],
  ])('refuses %s with %s', async (query, code) => {
    const res = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/account-users?${query}`,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ status: 400, title: 'Bad Request', code })
  })

  it('serves the same filters on the account-scoped families, keyed by the user id', async () => {
    const res = await t.request({
      method: 'GET',
      url: "/public/v1/accounts/accounts/ACC-9000-0001/users?limit=100&eq(id,'USR-0000-0004')&select=-name",
    })
    const body = res.json()
    expect(body.data.map((d: { id: string }) => d.id)).toEqual(['USR-0000-0004'])
    expect(body.data[0].name).toBeUndefined()
  })
})
