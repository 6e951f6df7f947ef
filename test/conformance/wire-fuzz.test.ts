import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialect } from '../support/database.js'
import { TINY_PNG } from '../support/multipart.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import { wireMultipart, type WirePart } from '../support/wire-multipart.js'
import { API } from '../access/access-fixture.js'
import { ENDPOINTS } from '../access/endpoints.js'
import { seededRandom, type Random } from '../access/random-requests.js'

/**
 * Issue #11: whatever arrives on the wire, the answer is never a 5xx and every error is an RFC
 * 7807 problem with a traceId. Random and truncated multipart bodies, over-long and mangled ids,
 * and unknown routes, on every route family (the access matrix's endpoint list). Seeded, so a
 * failure names the case that replays it.
 */
const SEED = 110_311
const CASES_PER_KIND = 250

const TRACE_ID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/

interface WireCase {
  name: string
  method: string
  url: string
  headers?: Record<string, string>
  payload?: Buffer | string
  token?: string | null
}

const ROUTES = ENDPOINTS.map((e) => ({ method: e.method, path: e.path, prefix: e.prefix ?? API }))

/** A placeholder filled with a plausible id of the right shape (mostly one that does not exist). */
function plausibleId(name: string, accountId: string, random: Random): string {
  const digits = (n: number) => Array.from({ length: n }, () => random.int(10)).join('')
  switch (name) {
    case 'accountId':
      return accountId
    case 'userId':
      return `USR-${digits(4)}-${digits(4)}`
    case 'groupId':
    case 'userGroupId':
      return `UGR-${digits(4)}-${digits(4)}`
    case 'iconId':
      return 'f'.repeat(32)
    case 'code':
      return 'bm90LWEtY29kZQ'
    default:
      return random.pick([`ACC-${digits(4)}-${digits(4)}`, `BUY-${digits(4)}-${digits(4)}`])!
  }
}

const ALPHABET = "abcXYZ019-_.~!$&'()*+,;=:@"
const MANGLED = ['%', '%2', '%ZZ', '%E0%A4%A', '%00', '%F0%9F%98%80', '..', '%2F', '\u00e9', ' ']

function randomText(random: Random, length: number): string {
  let text = ''
  while (text.length < length) {
    text += random.chance(0.1) ? random.pick(MANGLED)! : ALPHABET[random.int(ALPHABET.length)]!
  }
  return text
}

function fillPath(
  path: string,
  accountId: string,
  random: Random,
  id: (name: string) => string = (name) => plausibleId(name, accountId, random),
) {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => id(name))
}

const JSON_VALUES: unknown[] = [
  { name: 'Fuzz', type: 'Vendor' },
  { firstName: 'Fuzz' },
  { name: 'Fuzz', address: { addressLine1: 'x' }, account: { id: 'ACC-0000-0000' } },
  [],
  null,
  42,
  'text',
  { name: { nested: true }, __proto__: { polluted: true } },
]
const PART_NAMES = ['account', 'buyer', 'user', 'logo', 'icon', 'other', '__proto__', '']
const PART_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'image/png',
  'text/plain',
  'application/octet-stream',
  '???',
]

function randomPart(random: Random): WirePart {
  const body = random.pick<() => Buffer | string>([
    () => JSON.stringify(random.pick(JSON_VALUES)),
    () => TINY_PNG,
    () => Buffer.from(Array.from({ length: random.int(300) }, () => random.int(256))),
    () => '',
    () => '{"name":',
  ])!()
  const type = random.pick(PART_TYPES)
  return {
    name: random.pick(PART_NAMES)!,
    ...(random.chance(0.4) ? { filename: random.pick(['blob', 'logo.png', 'a"b.json', ''])! } : {}),
    ...(type !== undefined ? { type } : {}),
    body,
  }
}

/** A multipart body, often cut short or with its framing damaged. */
function randomMultipart(random: Random): { headers: Record<string, string>; payload: Buffer } {
  const boundary = random.chance(0.9) ? `fz${random.int(1e9)}` : '-'
  const parts = Array.from({ length: random.int(4) }, () => randomPart(random))
  const built = wireMultipart(parts, boundary)
  let payload = built.payload
  if (random.chance(0.5)) payload = payload.subarray(0, random.int(payload.length + 1))
  if (random.chance(0.15)) payload = Buffer.from(payload.toString('latin1').replace(/\r\n/g, '\n'))
  const contentType = random.pick([
    built.headers['content-type']!,
    built.headers['content-type']!,
    'multipart/form-data',
    `multipart/form-data; boundary=${boundary}x`,
    `multipart/form-data; boundary="${boundary}"; charset=utf-8`,
    'multipart/mixed; boundary=x',
  ])!
  return { headers: { 'content-type': contentType }, payload }
}

function multipartCases(random: Random, accountId: string): WireCase[] {
  const writes = ROUTES.filter((r) => r.method === 'POST' || r.method === 'PUT')
  // Most cases go to the five endpoints that read multipart; the rest anywhere a body goes.
  const multipart = writes.filter((r) => /^\/(accounts|buyers|users)(\/\{id\})?$/.test(r.path))
  return Array.from({ length: CASES_PER_KIND }, (_, i) => {
    const route = random.pick(random.chance(0.6) ? multipart : writes)!
    return {
      name: `multipart #${i}`,
      method: route.method,
      url: `${route.prefix}${fillPath(route.path, accountId, random)}`,
      ...randomMultipart(random),
    }
  })
}

function longIdCases(random: Random, accountId: string): WireCase[] {
  const withIds = ROUTES.filter((r) => r.path.includes('{'))
  return Array.from({ length: CASES_PER_KIND }, (_, i) => {
    const route = random.pick(withIds)!
    const mangle = random.int(3)
    const url = fillPath(route.path, accountId, random, (name) =>
      mangle === 0 || random.chance(0.5)
        ? randomText(random, 90 + random.int(random.chance(0.2) ? 6000 : 400))
        : plausibleId(name, accountId, random),
    )
    return {
      name: `long id #${i}`,
      method: route.method,
      url: `${route.prefix}${url}`,
      ...(route.method === 'POST' || route.method === 'PUT'
        ? { headers: { 'content-type': 'application/json' }, payload: '{}' }
        : {}),
      token: random.chance(0.1) ? null : undefined,
    }
  })
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']

function unknownRouteCases(random: Random, accountId: string): WireCase[] {
  return Array.from({ length: CASES_PER_KIND }, (_, i) => {
    const route = random.pick(ROUTES)!
    const known = fillPath(route.path.split('?')[0]!, accountId, random)
    const extra = Array.from({ length: 1 + random.int(3) }, () =>
      randomText(random, 1 + random.int(12)),
    ).join('/')
    const url = random.pick([
      `${route.prefix}${known}/${extra}`,
      `${route.prefix}/${extra}${known}`,
      `${route.prefix}${known}`,
      `/${extra}`,
    ])!
    return {
      name: `unknown route #${i}`,
      method: random.pick(METHODS)!,
      url,
      token: random.chance(0.2) ? null : undefined,
    }
  })
}

describe(`wire fuzz: no 5xx, a problem for every error (${testDialect}, seed ${SEED})`, () => {
  let t: TestApp
  let cases: WireCase[]
  beforeAll(async () => {
    t = await buildTestApp()
    const random = seededRandom(SEED)
    const accountId = t.operations.accountId
    cases = [
      ...multipartCases(random, accountId),
      ...longIdCases(random, accountId),
      ...unknownRouteCases(random, accountId),
    ]
  })
  afterAll(async () => t.close())

  it('answers every case without a 5xx, errors as RFC 7807 problems with a traceId', async () => {
    const failures: string[] = []
    for (const c of cases) {
      const res = await t.request({
        method: c.method as 'GET',
        url: c.url,
        ...(c.headers ? { headers: c.headers } : {}),
        ...(c.payload !== undefined ? { payload: c.payload } : {}),
        ...(c.token !== undefined ? { token: c.token } : {}),
      })
      const where = `${c.name}: ${c.method} ${c.url.slice(0, 160)} → ${res.statusCode}`
      if (res.statusCode >= 500) {
        failures.push(`${where} ${res.body.slice(0, 300)}`)
        continue
      }
      // Server-rendered pages (the accept-invite page) answer their errors as HTML for people.
      if (res.statusCode < 400 || c.method === 'HEAD' || !c.url.startsWith('/public/')) continue
      const problem = (() => {
        try {
          return JSON.parse(res.body) as Record<string, unknown>
        } catch {
          return undefined
        }
      })()
      const ok =
        String(res.headers['content-type']).startsWith('application/problem+json') &&
        problem?.status === res.statusCode &&
        typeof problem.title === 'string' &&
        typeof problem.type === 'string' &&
        TRACE_ID.test(String(problem.traceId))
      if (!ok) failures.push(`${where} not a problem: ${res.body.slice(0, 300)}`)
    }
    expect(failures).toEqual([])
    expect(cases).toHaveLength(3 * CASES_PER_KIND)
  })
})
