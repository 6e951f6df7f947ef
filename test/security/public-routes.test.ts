import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialect } from '../support/database.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import {
  API,
  OWN_PASSWORD,
  adminInvites,
  createTenant,
  emailedCode,
  postAccept,
  postAcceptForm,
  type Tenant,
} from './attack-support.js'

const bogusCode = (accountUserId: string, n: number) =>
  Buffer.from(JSON.stringify({ code: `${'x'.repeat(40)}${n}`, accountUserId }), 'utf8').toString(
    'base64url',
  )

function expectRateLimited(res: { statusCode: number; headers: any; json(): any }) {
  expect(res.statusCode).toBe(429)
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
  expect(res.headers['content-type']).toContain('application/problem+json')
  expect(res.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' })
}

/**
 * Issue #12, "Unauthenticated resource abuse": the public routes refuse big bodies before reading
 * them, and bogus accepts and credentials are rate limited per client address and per target.
 */
describe(`issue #12: public routes are cheap to refuse (${testDialect})`, () => {
  let t: TestApp
  let a: Tenant

  beforeAll(async () => {
    t = await buildTestApp()
    a = await createTenant(t, 'Client A')
  })
  afterAll(async () => t.close())

  it('refuses an accept-invite body of more than a few KB with 413 (JSON and form)', async () => {
    const invited = await adminInvites(t, a, 'big-body@example.com')
    const big = 'x'.repeat(64 * 1024)
    const json = await postAccept(
      t,
      invited.path,
      { code: invited.copiedCode, password: big },
      { remoteAddress: '10.0.0.1' },
    )
    expect(json.statusCode).toBe(413)
    expect(json.json().code).toBe('BODY_TOO_LARGE')
    const form = await postAcceptForm(
      t,
      { code: invited.copiedCode, password: big },
      { remoteAddress: '10.0.0.1' },
    )
    expect(form.statusCode).toBe(413)
  })

  it('limits accept attempts per client address: 429 with Retry-After as a problem', async () => {
    const invited = await adminInvites(t, a, 'flooded@example.com')
    const answers: number[] = []
    let last
    for (let i = 0; i < 100; i++) {
      last = await postAccept(
        t,
        invited.path,
        { code: bogusCode(invited.body.accountUserId, i), password: OWN_PASSWORD },
        { remoteAddress: '10.0.1.1' },
      )
      answers.push(last.statusCode)
      if (last.statusCode === 429) break
    }
    expect(answers[0]).toBe(400)
    expectRateLimited(last!)
    // Another client is not affected.
    const other = await postAccept(
      t,
      invited.path,
      { code: bogusCode(invited.body.accountUserId, 999) },
      { remoteAddress: '10.0.1.2' },
    )
    expect(other.statusCode).toBe(400)
  })

  it('limits password guesses against one account user from many addresses', async () => {
    const email = 'guessed@example.com'
    const inB = await adminInvites(t, await createTenant(t, 'Client B'), email)
    const joined = await postAccept(t, inB.path, {
      code: await emailedCode(t, email),
      password: OWN_PASSWORD,
    })
    expect(joined.statusCode, joined.body).toBe(200)
    const inA = await adminInvites(t, a, email)
    let last
    for (let i = 0; i < 100; i++) {
      last = await postAccept(
        t,
        inA.path,
        { code: inA.copiedCode, password: `Guess-${i}-Aa1!` },
        { remoteAddress: `10.0.2.${i + 1}` },
      )
      if (last.statusCode === 429) break
      expect(last.statusCode).toBe(400)
    }
    expectRateLimited(last!)
  })

  it('limits failed authentication per client address and per token id', async () => {
    let last
    for (let i = 0; i < 200; i++) {
      last = await t.app.inject({
        method: 'GET',
        url: `${API}/accounts`,
        headers: { authorization: `Bearer idt:TKN-${String(1000 + i)}-0000:wrong-secret-${i}` },
        remoteAddress: '10.0.3.1',
      })
      if (last.statusCode === 429) break
      expect(last.statusCode).toBe(401)
    }
    expectRateLimited(last!)

    const tokenId = a.tokenId
    for (let i = 0; i < 200; i++) {
      last = await t.app.inject({
        method: 'GET',
        url: `${API}/accounts`,
        headers: { authorization: `Bearer idt:${tokenId}:wrong-secret-${i}` },
        remoteAddress: `10.0.4.${(i % 250) + 1}`,
      })
      if (last.statusCode === 429) break
      expect(last.statusCode).toBe(401)
    }
    expectRateLimited(last!)
    // The holder of the real secret is not locked out by someone guessing at its token.
    const owner = await t.app.inject({
      method: 'GET',
      url: `${API}/accounts`,
      headers: { authorization: `Bearer ${a.token}` },
      remoteAddress: '10.0.4.251',
    })
    expect(owner.statusCode).toBe(200)
  })

  it('answers the failures an attacker produces late (FAILURE_DELAY_MS), and nothing else', async () => {
    // FAILURE_DELAY_MS 1000, jittered to 500–1500 ms; the recorder stands in for the wait.
    const waits: Array<string | number> = []
    const slow = await buildTestApp(
      { failureDelayMs: 1000 },
      { sleep: async (ms) => void waits.push(ms >= 500 && ms <= 1500 ? 'about 1 s' : ms) },
    )
    try {
      const tenant = await createTenant(slow, 'Slowed')
      const invited = await adminInvites(slow, tenant, 'slowed@example.com')
      const answered = async (response: Promise<{ statusCode: number }>) => {
        const before = waits.length
        const res = await response
        return { status: res.statusCode, waited: waits.slice(before) }
      }
      expect(
        await answered(
          postAccept(slow, invited.path, { code: bogusCode(invited.body.accountUserId, 1) }),
        ),
      ).toEqual({ status: 400, waited: ['about 1 s'] })
      expect(
        await answered(
          slow.app.inject({
            method: 'GET',
            url: `${API}/accounts`,
            headers: { authorization: 'Bearer idt:TKN-0000-0009:wrong-secret' },
          }),
        ),
      ).toEqual({ status: 401, waited: ['about 1 s'] })
      expect(
        await answered(slow.app.inject({ method: 'GET', url: '/accept-invite?code=nonsense' })),
      ).toEqual({ status: 400, waited: ['about 1 s'] })
      // A request without a credential, a success, and an ordinary 4xx of the API are not slowed.
      expect(await answered(slow.app.inject({ method: 'GET', url: `${API}/accounts` }))).toEqual({
        status: 401,
        waited: [],
      })
      expect(await answered(slow.app.inject({ method: 'GET', url: '/healthz' }))).toEqual({
        status: 200,
        waited: [],
      })
      expect(
        await answered(
          slow.request({
            method: 'GET',
            url: `${API}/accounts/ACC-0000-0000`,
            token: tenant.token,
          }),
        ),
      ).toEqual({ status: 404, waited: [] })
      expect(
        await answered(
          postAccept(slow, invited.path, {
            code: await emailedCode(slow, 'slowed@example.com'),
            password: OWN_PASSWORD,
          }),
        ),
      ).toEqual({ status: 200, waited: [] })
    } finally {
      await slow.close()
    }
  })

  it('limits the accept page per client address', async () => {
    let last
    for (let i = 0; i < 300; i++) {
      last = await t.app.inject({
        method: 'GET',
        url: `/accept-invite?code=${bogusCode('AUSR-0000-0000-0000', i)}`,
        remoteAddress: '10.0.5.1',
      })
      if (last.statusCode === 429) break
      expect(last.statusCode).toBe(400)
    }
    expectRateLimited(last!)
  })
})
