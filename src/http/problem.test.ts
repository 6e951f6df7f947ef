import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteUser } from '../../test/support/account-users.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { BOUNDARIES, wireMultipart } from '../../test/support/wire-multipart.js'
import { TINY_PNG } from '../../test/support/multipart.js'
import type { LightMyRequestResponse } from 'fastify'

const API = '/public/v1/accounts'
const TRACE_ID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/

/** An RFC 7807 problem at the top level of the body, with the status, its reason and a traceId. */
function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  code: string,
) {
  expect(res.statusCode, res.body).toBe(status)
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/)
  const body = JSON.parse(res.body) as Record<string, unknown>
  expect(body).toMatchObject({ status, code })
  expect(body.type).toMatch(/^https:\/\/tools\.ietf\.org\/html\/rfc(9110|6585)#section-/)
  expect(typeof body.title).toBe('string')
  expect(typeof body.detail).toBe('string')
  expect(body.traceId).toMatch(TRACE_ID)
  return body
}

describe('every error is an RFC 7807 problem with a traceId (issue #11)', () => {
  let t: TestApp
  let accountUserPath: string
  beforeAll(async () => {
    t = await buildTestApp()
    accountUserPath = (await inviteUser(t)).path
  })
  afterAll(async () => t.close())

  const traceHeaderMatches = (res: LightMyRequestResponse) =>
    expect(res.headers['x-trace-id']).toBe(res.json().traceId)

  describe('multipart bodies that cannot be read: 400, never 500', () => {
    const valid = () =>
      wireMultipart(
        [{ name: 'account', type: 'application/json', body: '{"name":"X","type":"Vendor"}' }],
        BOUNDARIES.httpx,
      )

    it('answers a truncated body (no closing delimiter) with MULTIPART_INVALID', async () => {
      const { headers, payload } = valid()
      const res = await t.request({
        method: 'POST',
        url: `${API}/accounts`,
        headers,
        payload: payload.subarray(0, payload.length - 20),
      })
      expectProblem(res, 400, 'MULTIPART_INVALID')
      expect(res.json().errors.body[0]).toMatch(/Unexpected end of/)
      traceHeaderMatches(res)
    })

    it('answers a multipart content type without a boundary with MULTIPART_INVALID', async () => {
      const res = await t.request({
        method: 'PUT',
        url: `${API}/accounts/${t.operations.accountId}`,
        headers: { 'content-type': 'multipart/form-data' },
        payload: valid().payload,
      })
      expectProblem(res, 400, 'MULTIPART_INVALID')
    })

    it('answers a malformed part header with MULTIPART_INVALID', async () => {
      const boundary = BOUNDARIES.curl
      const res = await t.request({
        method: 'POST',
        url: `${API}/buyers`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `--${boundary}\r\nContent-Disposition form-data name=buyer\r\n${'x'.repeat(100_000)}`,
      })
      expectProblem(res, 400, 'MULTIPART_INVALID')
    })

    it('answers a file part over the file limit with 413 BODY_TOO_LARGE', async () => {
      const big = Buffer.concat([TINY_PNG, Buffer.alloc(10 * 1024 * 1024 + 1)])
      const res = await t.request({
        method: 'POST',
        url: `${API}/accounts`,
        ...wireMultipart(
          [{ name: 'logo', filename: 'logo.png', type: 'image/png', body: big }],
          BOUNDARIES.httpx,
        ),
      })
      expectProblem(res, 413, 'BODY_TOO_LARGE')
    })
  })

  describe('ids the router refuses before any route: 404 of the resource', () => {
    it.each([
      ['an account', `/accounts/${'A'.repeat(101)}`, 'ACCOUNT_NOT_FOUND'],
      ['an account in the v4 family', `/${'ACC-1'.repeat(40)}/users`, 'ACCOUNT_NOT_FOUND'],
      ['a buyer', `/buyers/BUY-${'9'.repeat(300)}`, 'BUYER_NOT_FOUND'],
      ['a user group', `/user-groups/${'x'.repeat(5000)}`, 'USER_GROUP_NOT_FOUND'],
      ['a user', `/users/${'%41'.repeat(200)}`, 'USER_NOT_FOUND'],
      ['an API token', `/api-tokens/${'T'.repeat(101)}/enable`, 'API_TOKEN_NOT_FOUND'],
      ['a legacy account user', `/account-users/${'9'.repeat(101)}`, 'ACCOUNT_USER_NOT_FOUND'],
      ['a module', `/modules/${'M'.repeat(101)}`, 'MODULE_NOT_FOUND'],
    ])('answers an over-long id of %s with 404 (was 414)', async (_what, path, code) => {
      const res = await t.request({ method: 'GET', url: `${API}${path}` })
      const body = expectProblem(res, 404, code)
      expect(body.title).toBe('Not Found')
      traceHeaderMatches(res)
    })

    it('answers an over-long user id in an account with ACCOUNT_USER_NOT_FOUND', async () => {
      const res = await t.request({
        method: 'GET',
        url: `${API}/accounts/${t.operations.accountId}/users/USR-${'1'.repeat(120)}`,
      })
      expectProblem(res, 404, 'ACCOUNT_USER_NOT_FOUND')
    })

    it('answers an id whose percent-encoding is broken with 404', async () => {
      const res = await t.request({ method: 'GET', url: `${API}/buyers/BUY-%E0%A4%A` })
      expectProblem(res, 404, 'BUYER_NOT_FOUND')
    })
  })

  it('answers a body over the body limit with 413 BODY_TOO_LARGE', async () => {
    const res = await t.request({
      method: 'POST',
      url: `${API}/user-groups`,
      headers: { 'content-type': 'application/json' },
      payload: `{"name":"${'x'.repeat(t.app.initialConfig.bodyLimit!)}"}`,
    })
    expectProblem(res, 413, 'BODY_TOO_LARGE')
    traceHeaderMatches(res)
  })

  it('answers a media type the endpoint does not read with 415', async () => {
    const res = await t.request({
      method: 'POST',
      url: `${API}/user-groups`,
      headers: { 'content-type': 'application/xml' },
      payload: '<group/>',
    })
    expectProblem(res, 415, 'CONTENT_TYPE_UNSUPPORTED')
  })

  describe('406 for an Accept header that admits no JSON', () => {
    it.each(['text/html', 'application/xml, text/plain;q=0.5', 'application/json;q=0'])(
      'refuses Accept: %s',
      async (accept) => {
        const res = await t.request({
          method: 'GET',
          url: `${API}/accounts/${t.operations.accountId}`,
          headers: { accept },
        })
        expectProblem(res, 406, 'MEDIA_TYPE_NOT_ACCEPTABLE')
        traceHeaderMatches(res)
      },
    )

    it.each([
      'application/json',
      '*/*',
      'application/*',
      'text/html, application/json;q=0.1',
      'application/problem+json',
    ])('answers Accept: %s', async (accept) => {
      const res = await t.request({ method: 'GET', url: accountUserPath, headers: { accept } })
      expect(res.statusCode, res.body).toBe(200)
    })

    it('leaves images and redirects alone', async () => {
      const res = await t.request({
        method: 'GET',
        url: `${API}/accounts/${t.operations.accountId}/icon`,
        headers: { accept: 'image/png' },
        token: null,
      })
      expectProblem(res, 404, 'ACCOUNT_NOT_FOUND')
    })
  })

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.request({ method: 'GET', url: `${API}/nothing-here/at-all?limit=1` })
    const body = expectProblem(res, 404, 'ROUTE_NOT_FOUND')
    expect(body.detail).toBe(`No endpoint GET ${API}/nothing-here/at-all.`)
    traceHeaderMatches(res)
  })

  describe('405 with Allow for a method the path does not have', () => {
    it.each([
      ['DELETE', `${API}/modules`, 'GET, HEAD'],
      ['PATCH', `${API}/accounts/ACC-1234-5678`, 'GET, HEAD, PUT'],
      ['GET', `${API}/accounts/ACC-1234-5678/enable`, 'POST'],
      ['PUT', `${API}/account-users/AUSR-1234-5678-9012/resend-invite/`, 'POST'],
      ['POST', `${API}/user-groups/UGR-1234-5678?select=audit`, 'DELETE, GET, HEAD, PUT'],
    ])('answers %s %s with Allow: %s', async (method, url, allow) => {
      const res = await t.request({ method: method as 'GET', url })
      const body = expectProblem(res, 405, 'METHOD_NOT_ALLOWED')
      expect(body.title).toBe('Method Not Allowed')
      expect(res.headers.allow).toBe(allow)
      traceHeaderMatches(res)
    })
  })
})

/** A request over a real socket: what Node's HTTP parser refuses never reaches `inject`. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.on('data', (chunk) => (received += chunk.toString('utf8')))
    socket.on('end', () => resolve(received))
    socket.on('close', () => resolve(received))
    socket.on('error', reject)
    socket.write(request)
  })
}

describe('errors the HTTP parser raises, over a real socket (issue #11)', () => {
  let t: TestApp
  const port = 18111
  beforeAll(async () => {
    t = await buildTestApp()
    await t.app.listen({ port, host: '127.0.0.1' })
  })
  afterAll(async () => t.close())

  function parse(raw: string) {
    const [head = '', body = ''] = raw.split('\r\n\r\n')
    const [statusLine = '', ...lines] = head.split('\r\n')
    const headers = Object.fromEntries(
      lines.map((l) => [
        l.slice(0, l.indexOf(':')).toLowerCase(),
        l.slice(l.indexOf(':') + 1).trim(),
      ]),
    )
    return { statusCode: Number(statusLine.split(' ')[1]), headers, body }
  }

  it('answers headers over the limit with a 431 problem', async () => {
    const raw = await rawExchange(
      port,
      `GET ${API}/modules HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
    )
    expectProblem(parse(raw), 431, 'HEADERS_TOO_LARGE')
  })

  it('answers bytes that are not HTTP with a 400 problem', async () => {
    const raw = await rawExchange(port, 'HELLO THERE\r\n\r\n')
    expectProblem(parse(raw), 400, 'REQUEST_MALFORMED')
  })
})
