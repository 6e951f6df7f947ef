import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteUser } from '../../test/support/account-users.js'
import { createAccount, createBuyer } from '../../test/support/factories.js'
import { TINY_PNG } from '../../test/support/multipart.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import {
  BOUNDARIES,
  IMAGE_PART_SHAPES,
  JSON_PART_SHAPES,
  wireMultipart,
} from '../../test/support/wire-multipart.js'

const address = {
  addressLine1: 'Bahnhofstrasse 1',
  postCode: '8001',
  city: 'Zürich',
  state: 'ZH',
  country: 'CH',
}

interface Endpoint {
  name: string
  method: 'POST' | 'PUT'
  jsonPart: string
  filePart: string
  /** the path, given a fresh app (one per endpoint) */
  url: (t: TestApp) => Promise<string>
  /** the object to send; `name` is what the response must echo */
  value: (t: TestApp, name: string) => Record<string, unknown>
  status: number
  /** where the response carries the sent name */
  nameOf: (body: Record<string, unknown>) => unknown
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /accounts/accounts',
    method: 'POST',
    jsonPart: 'account',
    filePart: 'logo',
    url: async () => '/public/v1/accounts/accounts',
    value: (_t, name) => ({ name, type: 'Vendor', address }),
    status: 201,
    nameOf: (body) => body.name,
  },
  {
    name: 'PUT /accounts/accounts/{id}',
    method: 'PUT',
    jsonPart: 'account',
    filePart: 'logo',
    url: async (t) =>
      `/public/v1/accounts/accounts/${await createAccount(t.db.db, { type: 'Vendor' })}`,
    value: (_t, name) => ({ name, address }),
    status: 200,
    nameOf: (body) => body.name,
  },
  {
    name: 'POST /accounts/buyers',
    method: 'POST',
    jsonPart: 'buyer',
    filePart: 'logo',
    url: async () => '/public/v1/accounts/buyers',
    value: (t, name) => ({ name, address, account: { id: clientOf.get(t) } }),
    status: 201,
    nameOf: (body) => body.name,
  },
  {
    name: 'PUT /accounts/buyers/{id}',
    method: 'PUT',
    jsonPart: 'buyer',
    filePart: 'logo',
    url: async (t) => `/public/v1/accounts/buyers/${await createBuyer(t.db.db, clientOf.get(t)!)}`,
    value: (_t, name) => ({ name, address }),
    status: 200,
    nameOf: (body) => body.name,
  },
  {
    name: 'PUT /accounts/users/{id}',
    method: 'PUT',
    jsonPart: 'user',
    filePart: 'icon',
    url: async (t) => `/public/v1/accounts/users/${(await inviteUser(t)).userId}`,
    value: (_t, name) => ({ firstName: name, lastName: 'Lovelace' }),
    status: 200,
    nameOf: (body) => body.firstName,
  },
]

/** The Client account buyers are created in, per app. */
const clientOf = new WeakMap<TestApp, string>()

let sequence = 0
const uniqueName = () => `Café Zürich ✓ ${(sequence += 1)}`

describe.each(ENDPOINTS)('multipart on $name (issue #11)', (endpoint) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
    clientOf.set(t, await createAccount(t.db.db, { type: 'Client' }))
  })
  afterAll(async () => t.close())

  async function send(body: { headers: Record<string, string>; payload: Buffer }) {
    return t.request({ method: endpoint.method, url: await endpoint.url(t), ...body })
  }

  /** The stored image's bytes, read back from the path the response gives. */
  async function storedImage(body: Record<string, unknown>): Promise<Buffer> {
    const path = body.icon as string
    expect(path).toMatch(/^\/public\/v1\/accounts\/icons\/[0-9a-f]{32}$/)
    return (await t.request({ method: 'GET', url: path, token: null })).rawPayload
  }

  it.each(Object.entries(JSON_PART_SHAPES))(
    'reads the JSON part sent as %s',
    async (_shape, build) => {
      const name = uniqueName()
      const { part, boundary } = build(endpoint.jsonPart, JSON.stringify(endpoint.value(t, name)))
      const res = await send(wireMultipart([part], boundary))
      expect(res.statusCode, res.body).toBe(endpoint.status)
      expect(endpoint.nameOf(res.json())).toBe(name)
    },
  )

  it.each(Object.entries(IMAGE_PART_SHAPES))(
    'stores the image sent as %s, byte for byte',
    async (_shape, build) => {
      const name = uniqueName()
      const json = {
        name: endpoint.jsonPart,
        type: 'application/json',
        body: JSON.stringify(endpoint.value(t, name)),
      }
      const res = await send(
        wireMultipart([build(endpoint.filePart, TINY_PNG), json], BOUNDARIES.httpx),
      )
      expect(res.statusCode, res.body).toBe(endpoint.status)
      expect(endpoint.nameOf(res.json())).toBe(name)
      expect((await storedImage(res.json())).equals(TINY_PNG)).toBe(true)
    },
  )

  it('names the JSON part when a field typed application/json is not JSON', async () => {
    const res = await send(
      wireMultipart(
        [{ name: endpoint.jsonPart, type: 'application/json', body: '{"name": "unterminated' }],
        BOUNDARIES.httpx,
      ),
    )
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json()).toMatchObject({
      status: 400,
      title: 'Bad Request',
      code: 'VALIDATION_FAILED',
      errors: { [endpoint.jsonPart]: ['The part is not valid JSON.'] },
    })
    expect(res.json().traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/)
  })
})
