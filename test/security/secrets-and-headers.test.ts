import { connect } from 'node:net'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialect } from '../support/database.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import { API, adminInvites, createTenant, emailedCode, type Tenant } from './attack-support.js'

interface LogLine {
  level: number
  msg?: string
  [key: string]: unknown
}

/**
 * Issue #12, "the invitation code is logged in full when the query key is percent-encoded",
 * "each aborted request is logged at error level with a stack", "no Cache-Control: no-store",
 * "the accept page can be framed".
 */
describe(`issue #12: secrets stay out of logs and caches; pages cannot be framed (${testDialect})`, () => {
  let t: TestApp
  let a: Tenant
  let raw = ''
  const lines = () =>
    raw
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine)

  beforeAll(async () => {
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
    t = await buildTestApp({}, { logStream: stream })
    a = await createTenant(t, 'Client A')
  })
  afterAll(async () => t.close())

  it('never logs an invitation code, however its query key is encoded', async () => {
    const email = 'logged@example.com'
    const invited = await adminInvites(t, a, email)
    const emailed = await emailedCode(t, email)
    const secrets = [invited.copiedCode, emailed]
    for (const code of [...secrets]) {
      const inner = JSON.parse(Buffer.from(code, 'base64url').toString('utf8')) as Record<
        string,
        string
      >
      secrets.push(...Object.values(inner).filter((v) => !v.startsWith('AUSR-')))
    }
    raw = ''
    for (const url of [
      `/accept-invite?c%6Fde=${invited.copiedCode}`,
      `/accept-invite?%63%6F%64%65=${encodeURIComponent(emailed)}`,
      `/accept-invite?x=1&code=${emailed}&code=${invited.copiedCode}`,
      `/accept-invite/?code=${emailed}`,
      `/accept-invite;code=${emailed}`,
      `/no-such-page?code=${emailed}`,
    ]) {
      await t.app.inject({ method: 'GET', url })
    }
    for (const secret of secrets) expect(raw).not.toContain(secret)
  })

  it('logs one line per request: method, route, status, duration, trace id and actor, no raw URL', async () => {
    raw = ''
    const res = await t.request({
      method: 'GET',
      url: `${API}/accounts/${a.id}?select=-name`,
      token: a.token,
    })
    expect(res.statusCode).toBe(200)
    const requestLines = lines().filter((l) => l.traceId === res.headers['x-trace-id'])
    expect(requestLines).toHaveLength(1)
    const [line] = requestLines
    expect(line).toMatchObject({
      method: 'GET',
      route: '/public/v1/accounts/accounts/:id',
      status: 200,
      actorId: a.tokenId,
    })
    expect(typeof line!.durationMs).toBe('number')
    expect(JSON.stringify(line)).not.toContain('select=')
    expect(JSON.stringify(line)).not.toContain(a.id)
  })

  it('logs an aborted request at debug level, without a stack', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const port = Number(new URL(base).port)
    raw = ''
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `PUT ${API}/users/USR-0000-0000 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${a.token}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"firstName":"',
        )
        setTimeout(() => {
          socket.destroy()
          resolve()
        }, 100)
      })
      socket.on('error', reject)
    })
    await new Promise((resolve) => setTimeout(resolve, 200))
    const errors = lines().filter((l) => l.level >= 50)
    expect(errors).toEqual([])
    expect(raw).not.toMatch(/"stack"/)
    expect(lines().some((l) => l.level === 20 && /abort/i.test(String(l.msg)))).toBe(true)
  })

  it('sends Cache-Control: no-store with every secret or invitation link', async () => {
    const created = await t.request({
      method: 'POST',
      url: `${API}/api-tokens`,
      token: a.token,
      payload: { name: 'cached?' },
    })
    expect(created.statusCode).toBe(201)
    const read = await t.request({
      method: 'GET',
      url: `${API}/api-tokens/${created.json().id}`,
      token: a.token,
    })
    const invited = await adminInvites(t, a, 'no-store@example.com')
    const member = await t.request({ method: 'GET', url: invited.path, token: a.token })
    const list = await t.request({ method: 'GET', url: `${API}/account-users`, token: a.token })
    const page = await t.app.inject({
      method: 'GET',
      url: `/accept-invite?code=${invited.copiedCode}`,
    })
    for (const res of [created, read, member, list, page])
      expect(res.headers['cache-control'], res.body.slice(0, 80)).toContain('no-store')
    const invite = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/accounts/${a.id}/users`,
      token: a.token,
      payload: {
        user: { email: 'no-store-2@example.com', firstName: 'A', lastName: 'B' },
        groups: [{ id: a.groupId }],
      },
    })
    expect(invite.headers['cache-control']).toContain('no-store')
  })

  it('sends the pages with a CSP that forbids framing, nosniff and a referrer policy', async () => {
    const invited = await adminInvites(t, a, 'frame@example.com')
    for (const res of [
      await t.app.inject({ method: 'GET', url: `/accept-invite?code=${invited.copiedCode}` }),
      await t.app.inject({ method: 'GET', url: '/accept-invite?code=nonsense' }),
    ]) {
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['referrer-policy']).toBe('no-referrer')
      expect(res.headers['x-frame-options']).toBe('DENY')
    }
    const api = await t.request({ method: 'GET', url: `${API}/accounts`, token: a.token })
    expect(api.headers['x-content-type-options']).toBe('nosniff')
  })
})
