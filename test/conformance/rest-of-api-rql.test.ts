import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiToken } from '../support/factories.js'
import { seedRestOfTheApi } from '../support/rest-of-api-dataset.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

/**
 * RQL conformance for the lists of issue #13: each query's result (all pages) must equal what a
 * plain JavaScript predicate over the seeded model selects, for Operations and, where the list is
 * scoped, for a Client (its own objects, never deleted ones). The predicates are the oracle.
 */
type Dataset = Awaited<ReturnType<typeof seedRestOfTheApi>>
type Case<T> = [query: string, expected: (item: T) => boolean]

const lower = (s: string | null) => (s ?? '').toLowerCase()
const CUTOFF = '2026-01-05T00:00:00.000Z'

let t: TestApp
let data: Dataset
let clientToken: string
/** the Client account whose view is checked */
const CLIENT = 'ACC-9300-0001'

beforeAll(async () => {
  t = await buildTestApp()
  data = await seedRestOfTheApi(t.db.db)
  clientToken = (await createApiToken(t.db.db, CLIENT)).credential
})
afterAll(async () => t.close())

async function fetchAll(path: string, query: string, token?: string) {
  const ids: string[] = []
  for (let offset = 0; ; offset += 100) {
    const res = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/${path}?limit=100&offset=${offset}&${query}`,
      token,
    })
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    ids.push(...body.data.map((d: { id: string }) => d.id))
    if (offset + 100 >= body.$meta.pagination.total) {
      expect(ids).toHaveLength(body.$meta.pagination.total)
      return ids
    }
  }
}

async function expectMatches<T extends { id: string }>(
  path: string,
  items: T[],
  [query, predicate]: Case<T>,
  token?: string,
) {
  const expected = items
    .filter(predicate)
    .map((i) => i.id)
    .sort()
  expect([...(await fetchAll(path, query, token))].sort()).toEqual(expected)
  return expected.length
}

type Seller = Dataset['sellers'][number]
const SELLER_CASES: Case<Seller>[] = [
  ['eq(status,Offline)', (s) => s.status === 'Offline'],
  ['ne(status,Active)', (s) => s.status !== 'Active'],
  ['in(status,(Offline,Disabled))', (s) => ['Offline', 'Disabled'].includes(s.status)],
  ['ilike(name,*élan*)', (s) => lower(s.name).includes('élan')],
  ['ilike(name,société*)', (s) => lower(s.name).startsWith('société')],
  ['like(name,SoftwareOne*)', (s) => s.name.startsWith('SoftwareOne')],
  ['eq(externalId,null())', (s) => s.externalId === null],
  ["eq(externalId,'SWO_0007')", (s) => s.externalId === 'SWO_0007'],
  ['eq(address.country,CH)', (s) => s.country === 'CH'],
  [
    'and(eq(status,Active),ilike(name,*one*))',
    (s) => s.status === 'Active' && lower(s.name).includes('one'),
  ],
  [
    'or(eq(address.country,ES),eq(address.country,FR))',
    (s) => s.country === 'ES' || s.country === 'FR',
  ],
  ['not(eq(status,Deleted))', (s) => s.status !== 'Deleted'],
  [`gt(audit.created.at,${CUTOFF})`, (s) => s.createdAt > CUTOFF],
]

type Licensee = Dataset['licensees'][number]
const LICENSEE_CASES: Case<Licensee>[] = [
  ['eq(status,Active)', (l) => l.status === 'Active'],
  ['eq(buyer.id,BUY-9300-0005)', (l) => l.buyerId === 'BUY-9300-0005'],
  ['eq(seller.externalId,null())', (l) => l.sellerExternalId === null],
  ['eq(eligibility.partner,true)', (l) => l.partner],
  ['eq(useBuyerAddress,false)', (l) => !l.useBuyerAddress],
  ['ilike(contact.name,*müller)', (l) => lower(l.contactName).endsWith('müller')],
  ['eq(contact.name,null())', (l) => l.contactName === null],
  ['eq(contact.name,Zoë)', (l) => l.contactName === 'Zoë'],
  ['ne(contact.email,null())', (l) => l.contactEmail !== null],
  ["eq(account.name,'Org 2')", (l) => l.accountName === 'Org 2'],
  ['eq(name,null())', (l) => l.name === null],
  ['ilike(name,*1?)', () => false],
  ['ilike(name,department 1*)', (l) => lower(l.name).startsWith('department 1')],
  [
    'and(ne(description,null()),eq(status,Enabled))',
    (l) => l.description !== null && l.status === 'Enabled',
  ],
  [`le(audit.created.at,'${CUTOFF}')`, (l) => l.createdAt <= CUTOFF],
]

type Link = Dataset['links'][number]
const LINK_CASES: Case<Link>[] = [
  ['eq(status,Blocked)', (l) => l.status === 'Blocked'],
  [
    'ilike(name,stark corp*société*)',
    (l) =>
      lower(`${l.buyerName} - ${l.sellerName}`).startsWith('stark corp') &&
      lower(l.sellerName).includes('société'),
  ],
  ['eq(seller.id,SEL-9300-0007)', (l) => l.sellerId === 'SEL-9300-0007'],
  ["eq(buyer.name,'Wayne Holdings 4')", (l) => l.buyerName === 'Wayne Holdings 4'],
  ['ne(externalIds.erpCustomer,null())', (l) => l.erpCustomer !== null],
  ['ilike(address.city,zür*)', (l) => lower(l.city).startsWith('zür')],
  [
    'and(eq(status,Active),eq(seller.externalId,null()))',
    (l) => l.status === 'Active' && l.sellerExternalId === null,
  ],
]
const LINK_NOTE_CASES: Case<Link>[] = [['eq(note,credit hold)', (l) => l.note === 'credit hold']]

type Tenant = Dataset['tenants'][number]
const TENANT_CASES: Case<Tenant>[] = [
  ['eq(type,Csp365)', (c) => c.type === 'Csp365'],
  ['in(status,(Active,Disabled))', (c) => c.status !== 'Deleted'],
  ['ilike(name,aws*)', (c) => lower(c.name).startsWith('aws')],
  [
    'eq(account.id,ACC-9300-0003)&ne(status,Deleted)',
    (c) => c.accountId === 'ACC-9300-0003' && c.status !== 'Deleted',
  ],
]

describe('RQL conformance: sellers, licensees, ERP links, cloud tenants (issue #13)', () => {
  it.each(SELLER_CASES)('sellers: %s', async (...c) => {
    await expectMatches('sellers', data.sellers, c)
  })

  it.each(SELLER_CASES)(
    "sellers as a Client (those of its buyers' links and licensees): %s",
    async (query, predicate) => {
      const visible = new Set([
        ...data.links
          .filter((l) => data.buyers.find((b) => b.id === l.buyerId)!.account.id === CLIENT)
          .map((l) => l.sellerId),
        ...data.licensees
          .filter((l) => l.accountId === CLIENT && l.status !== 'Deleted')
          .map((l) => l.sellerId),
      ])
      await expectMatches(
        'sellers',
        data.sellers,
        [query, (s) => visible.has(s.id) && s.status !== 'Deleted' && predicate(s)],
        clientToken,
      )
    },
  )

  it.each(LICENSEE_CASES)('licensees: %s', async (...c) => {
    await expectMatches('licensees', data.licensees, c)
  })

  it.each(LICENSEE_CASES)(
    "licensees as a Client (its account's, not deleted): %s",
    async (query, predicate) => {
      await expectMatches(
        'licensees',
        data.licensees,
        [query, (l) => l.accountId === CLIENT && l.status !== 'Deleted' && predicate(l)],
        clientToken,
      )
    },
  )

  it.each([...LINK_CASES, ...LINK_NOTE_CASES])('ERP links: %s', async (...c) => {
    await expectMatches('erp-links', data.links, c)
  })

  it.each(LINK_CASES)("ERP links as a Client (its buyers'): %s", async (query, predicate) => {
    const mine = new Set(data.buyers.filter((b) => b.account.id === CLIENT).map((b) => b.id))
    await expectMatches(
      'erp-links',
      data.links,
      [query, (l) => mine.has(l.buyerId) && predicate(l)],
      clientToken,
    )
  })

  it('does not let a Client filter or select the Operations-only note', async () => {
    for (const query of ['eq(note,credit hold)', 'select=+note', 'order=note']) {
      const res = await t.request({
        method: 'GET',
        url: `/public/v1/accounts/erp-links?${query}`,
        token: clientToken,
      })
      expect(res.statusCode, query).toBe(400)
    }
  })

  it.each(TENANT_CASES)('cloud tenants: %s', async (...c) => {
    await expectMatches('cloud-tenants', data.tenants, c)
  })

  it('has cases that select something and cases that leave something out', () => {
    const sizes = [
      ...SELLER_CASES.map(([, p]) => [data.sellers.filter(p).length, data.sellers.length]),
      ...LICENSEE_CASES.map(([, p]) => [data.licensees.filter(p).length, data.licensees.length]),
      ...LINK_CASES.map(([, p]) => [data.links.filter(p).length, data.links.length]),
      ...TENANT_CASES.map(([, p]) => [data.tenants.filter(p).length, data.tenants.length]),
    ]
    // only `ilike(name,*1?)` (a literal `?`, no match) selects nothing; none selects everything
    expect(sizes.filter(([n]) => n === 0)).toHaveLength(1)
    expect(sizes.filter(([n, all]) => n === all)).toHaveLength(0)
  })

  it('orders by several keys with the id as tie-break, and pages without gaps', async () => {
    const ids = await fetchAll('licensees', 'order=-status,seller.id')
    const expected = [...data.licensees]
      .sort((a, b) =>
        a.status !== b.status
          ? a.status < b.status
            ? 1
            : -1
          : a.sellerId !== b.sellerId
            ? a.sellerId < b.sellerId
              ? -1
              : 1
            : a.id < b.id
              ? -1
              : 1,
      )
      .map((l) => l.id)
    expect(ids).toEqual(expected)
    const seen: string[] = []
    for (let offset = 0; offset < data.sellers.length; offset += 7) {
      const res = await t.request({
        method: 'GET',
        url: `/public/v1/accounts/sellers?order=name&limit=7&offset=${offset}&select=-*,+id`,
      })
      seen.push(...res.json().data.map((d: { id: string }) => d.id))
    }
    expect(new Set(seen).size).toBe(data.sellers.length)
  })

  it.each([
    ['sellers', 'eq(currencies,EUR)', 'RQL_UNKNOWN_FIELD'],
    ['licensees', 'eq(status,Sleeping)', 'RQL_TYPE_MISMATCH'],
    ['erp-links', 'eq(audit.blocked.at,yesterday)', 'RQL_TYPE_MISMATCH'],
    ['cloud-tenants', 'and(eq(id,1)', 'RQL_INVALID'],
    ['licensees', 'limit=-1', 'RQL_PAGINATION_INVALID'],
  ])('refuses on %s: %s with %s', async (path, query, code) => {
    const res = await t.request({ method: 'GET', url: `/public/v1/accounts/${path}?${query}` })
    expect(res.json()).toMatchObject({ status: 400, title: 'Bad Request', code })
  })
})
