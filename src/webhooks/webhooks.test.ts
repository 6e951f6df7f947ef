import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MODULES } from '../access/permissions.js'
import { testDialect } from '../../test/support/database.js'
import { createAccount, createApiToken } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { startReceiver } from '../../test/support/webhook-receiver.js'
import { createAddressPolicy, refusalOfWebhookUrl } from './webhook-address-policy.js'
import { createWebhookSender } from './webhook-sender.js'

const WEBHOOKS = '/public/v1/notifications/webhooks'
const PUBLIC = 'https://hooks.example.com/accounts'

describe(`webhooks API (issue #15, ${testDialect})`, () => {
  let t: TestApp
  let client: string
  let clientToken: string
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client', name: 'Contoso' })
    clientToken = (await createApiToken(t.db.db, client)).credential
  })
  afterEach(async () => t.close())

  const create = (payload: unknown, token?: string | null) =>
    t.request({ method: 'POST', url: WEBHOOKS, payload: payload as object, token })

  it('creates a webhook of the caller’s account, shows the secret once, and reads it back without it', async () => {
    const res = await create(
      {
        url: 'https://127.0.0.1.nip.example/x'.replace(
          '127.0.0.1.nip.example',
          'hooks.example.com',
        ),
        events: ['account-user.invited', 'account-user.invited', 'user-group.*'],
      },
      clientToken,
    )
    expect(res.statusCode, res.body).toBe(201)
    const created = res.json()
    expect(created).toMatchObject({
      url: 'https://hooks.example.com/x',
      events: ['account-user.invited', 'user-group.*'],
      status: 'Enabled',
      account: { id: client, name: 'Contoso' },
      disabledReason: null,
    })
    expect(created.id).toMatch(/^WHK-\d{4}-\d{4}$/)
    expect(created.secret).toMatch(/^whsec_/)
    const stored = await t.db.db.selectFrom('webhooks').select('secret').executeTakeFirstOrThrow()
    expect(stored.secret).toMatch(/^v1\./)
    expect(stored.secret).not.toContain(created.secret.slice(6))

    const read = await t.request({
      method: 'GET',
      url: `${WEBHOOKS}/${created.id}`,
      token: clientToken,
    })
    expect(read.statusCode).toBe(200)
    expect(read.json()).not.toHaveProperty('secret')
    expect(read.json().$meta).toEqual({ omitted: ['audit'] })
    const list = await t.request({ method: 'GET', url: WEBHOOKS, token: clientToken })
    expect(list.json().data.map((w: { id: string }) => w.id)).toEqual([created.id])
    expect(JSON.stringify(list.json())).not.toContain('whsec_')
  })

  it('updates, disables, enables and deletes', async () => {
    const { id } = (await create({ url: PUBLIC, events: ['account.*'] }, clientToken)).json()
    const put = await t.request({
      method: 'PUT',
      url: `${WEBHOOKS}/${id}`,
      token: clientToken,
      payload: { events: ['api-token.created'], description: 'tokens' },
    })
    expect(put.statusCode, put.body).toBe(200)
    expect(put.json()).toMatchObject({
      url: PUBLIC,
      events: ['api-token.created'],
      description: 'tokens',
    })
    const disable = await t.request({
      method: 'POST',
      url: `${WEBHOOKS}/${id}/disable`,
      token: clientToken,
    })
    expect(disable.json().status).toBe('Disabled')
    const again = await t.request({
      method: 'POST',
      url: `${WEBHOOKS}/${id}/disable`,
      token: clientToken,
    })
    expect(again.statusCode).toBe(400)
    expect(again.json().code).toBe('WEBHOOK_STATUS_INVALID')
    const enable = await t.request({
      method: 'POST',
      url: `${WEBHOOKS}/${id}/enable`,
      token: clientToken,
    })
    expect(enable.json().status).toBe('Enabled')
    const del = await t.request({ method: 'DELETE', url: `${WEBHOOKS}/${id}`, token: clientToken })
    expect(del.statusCode).toBe(204)
    const gone = await t.request({ method: 'GET', url: `${WEBHOOKS}/${id}`, token: clientToken })
    expect(gone.statusCode).toBe(404)
    expect(gone.json().code).toBe('WEBHOOK_NOT_FOUND')
  })

  it('refuses unknown event types, naming the entry', async () => {
    const res = await create(
      { url: PUBLIC, events: ['account-user.invited', 'user.created'] },
      clientToken,
    )
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'WEBHOOK_EVENTS_INVALID',
      errors: [{ properties: ['events[1]'] }],
    })
    const empty = await create({ url: PUBLIC, events: [] }, clientToken)
    expect(empty.statusCode).toBe(400)
    expect(Object.keys(empty.json().errors)).toEqual(['events'])
  })

  it.each([
    ['a private address', 'https://10.0.0.5/hook'],
    ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['loopback', 'https://127.0.0.1:8443/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['an IPv4-mapped private address', 'https://[::ffff:192.168.1.10]/hook'],
    ['the service itself (PUBLIC_URL)', 'https://portal.test/hook'],
    ['plain http', 'http://hooks.example.com/x'],
    ['credentials in the URL', 'https://user:pass@hooks.example.com/x'],
    ['not a URL', 'hooks.example.com/x'],
  ])('refuses %s as the URL (SSRF)', async (_name, url) => {
    const res = await create({ url, events: ['account.*'] }, clientToken)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'WEBHOOK_URL_NOT_ALLOWED',
      errors: [{ properties: ['url'] }],
    })
  })

  it('keeps each account to its own webhooks; Operations manages any', async () => {
    const other = await createAccount(t.db.db, { type: 'Client' })
    const foreign = await create(
      { url: PUBLIC, events: ['account.*'], account: { id: other } },
      clientToken,
    )
    expect(foreign.statusCode).toBe(404)
    expect(foreign.json().code).toBe('ACCOUNT_NOT_FOUND')
    const byOperations = await create({
      url: PUBLIC,
      events: ['account.*'],
      account: { id: other },
    })
    expect(byOperations.statusCode).toBe(201)
    const id = byOperations.json().id
    for (const [method, url] of [
      ['GET', `${WEBHOOKS}/${id}`],
      ['POST', `${WEBHOOKS}/${id}/disable`],
      ['GET', `${WEBHOOKS}/${id}/deliveries`],
      ['DELETE', `${WEBHOOKS}/${id}`],
    ] as const) {
      const res = await t.request({ method, url, token: clientToken })
      expect(res.statusCode, `${method} ${url}`).toBe(404)
    }
    expect(
      (await t.request({ method: 'GET', url: WEBHOOKS, token: clientToken })).json().data,
    ).toEqual([])
    const withoutAccess = await createApiToken(t.db.db, client, {
      modules: [MODULES.marketplace.id],
    })
    const refused = await create({ url: PUBLIC, events: ['account.*'] }, withoutAccess.credential)
    expect(refused.statusCode).toBe(403)
    expect((await create({ url: PUBLIC, events: ['account.*'] }, null)).statusCode).toBe(401)
  })
})

describe('the address policy and the sender (SSRF)', () => {
  it('refuses private, loopback, link-local and reserved addresses unless allowed', () => {
    const strict = createAddressPolicy({ allowNetworks: [], ownAddresses: ['203.0.114.7'] })
    for (const address of [
      '10.1.2.3',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
      '203.0.114.7',
    ])
      expect(strict.refusalOf(address), address).toBeDefined()
    for (const address of ['93.184.215.14', '2606:4700::6810:84e5'])
      expect(strict.refusalOf(address), address).toBeUndefined()
    const dev = createAddressPolicy({ allowNetworks: ['127.0.0.0/8'] })
    expect(dev.refusalOf('127.0.0.1')).toBeUndefined()
    expect(dev.allowsPlainHttp('127.0.0.1')).toBe(true)
    expect(dev.allowsPlainHttp('93.184.215.14')).toBe(false)
    expect(dev.refusalOf('10.0.0.1')).toBeDefined()
  })

  it('checks what a name resolves to at registration', async () => {
    const strict = createAddressPolicy({ allowNetworks: [] })
    expect(
      await refusalOfWebhookUrl('https://intranet.example/x', strict, async () => ['192.168.0.10']),
    ).toContain('private')
    expect(
      await refusalOfWebhookUrl('https://hooks.example/x', strict, async () => ['93.184.215.14']),
    ).toBeUndefined()
    // Not resolvable now: accepted; the delivery checks again when it connects.
    expect(
      await refusalOfWebhookUrl('https://later.example/x', strict, () =>
        Promise.reject(new Error('ENOTFOUND')),
      ),
    ).toBeUndefined()
  })

  it('connects to no refused address, also when a name resolves to one (localhost)', async () => {
    const receiver = await startReceiver(18520)
    try {
      const send = createWebhookSender({
        policy: createAddressPolicy({ allowNetworks: [] }),
        timeoutMs: 2000,
        userAgent: 'test',
      })
      const direct = await send({ url: receiver.url, headers: {}, body: '{}' })
      expect(direct).toMatchObject({ status: null })
      expect(direct.error).toMatch(/^refused: 127\.0\.0\.1 is /)
      const named = await send({
        url: `https://localhost:${receiver.port}/hooks`,
        headers: {},
        body: '{}',
      })
      expect(named.status).toBeNull()
      expect(named.error).toMatch(/refused/)
      expect(receiver.received).toEqual([])
    } finally {
      await receiver.close()
    }
  })

  it('gives up on an endpoint that does not answer in time, and reads no more than it must', async () => {
    const http = await import('node:http')
    const server = http.createServer((req, res) => {
      if (req.url === '/slow') return // never answers
      res.writeHead(200)
      res.write('x'.repeat(64 * 1024))
      // and never ends the body
    })
    await new Promise<void>((resolve) => server.listen(18521, '127.0.0.1', resolve))
    try {
      const send = createWebhookSender({
        policy: createAddressPolicy({ allowNetworks: ['127.0.0.0/8'] }),
        timeoutMs: 300,
        userAgent: 'test',
      })
      const slow = await send({ url: 'http://127.0.0.1:18521/slow', headers: {}, body: '{}' })
      expect(slow).toMatchObject({ status: null, error: 'no answer within 300 ms' })
      const endless = await send({ url: 'http://127.0.0.1:18521/endless', headers: {}, body: '{}' })
      expect(endless).toMatchObject({ status: 200, error: null })
      expect(endless.durationMs).toBeLessThan(300)
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })
})
