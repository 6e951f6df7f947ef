import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD_WORK_CONCURRENCY, passwordWorkStats } from '../../src/lib/secrets.js'
import { testDialect } from '../support/database.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import {
  OWN_PASSWORD,
  adminInvites,
  createTenant,
  emailedCode,
  postAccept,
  type Tenant,
} from './attack-support.js'

/**
 * Issue #12: accept ran scrypt on the password before it looked at the code, so 200 bogus
 * accepts starved a real set-password. The code is checked first, and password hashing runs
 * with bounded concurrency.
 */
describe(`issue #12: password hashing is never spent on bogus requests (${testDialect})`, () => {
  let t: TestApp
  let a: Tenant

  beforeAll(async () => {
    t = await buildTestApp()
    a = await createTenant(t, 'Client A')
  })
  afterAll(async () => t.close())

  it('checks the invitation code before hashing any password', async () => {
    const invited = await adminInvites(t, a, 'bogus-target@example.com')
    const before = passwordWorkStats().started
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postAccept(
          t,
          invited.path,
          {
            code: Buffer.from(
              JSON.stringify({ code: `wrong-${i}`, accountUserId: invited.body.accountUserId }),
            ).toString('base64url'),
            password: OWN_PASSWORD,
          },
          { remoteAddress: `10.1.0.${i + 1}` },
        ),
      ),
    )
    expect(answers.map((r) => r.statusCode)).toEqual(Array(20).fill(400))
    expect(passwordWorkStats().started).toBe(before)
    // A copied link without proof of the mailbox is refused before hashing too.
    const copied = await postAccept(
      t,
      invited.path,
      { code: invited.copiedCode, password: OWN_PASSWORD },
      { remoteAddress: '10.1.1.1' },
    )
    expect(copied.statusCode).toBe(400)
    expect(passwordWorkStats().started).toBe(before)
  })

  it('hashes at most a few passwords at once, however many real accepts arrive together', async () => {
    const invites = []
    for (let i = 0; i < 12; i++) invites.push(await adminInvites(t, a, `burst-${i}@example.com`))
    const codes: string[] = []
    for (let i = 0; i < 12; i++) codes.push(await emailedCode(t, `burst-${i}@example.com`))
    const before = passwordWorkStats()
    const answers = await Promise.all(
      invites.map((invited, i) =>
        postAccept(
          t,
          invited.path,
          { code: codes[i], password: OWN_PASSWORD },
          { remoteAddress: `10.1.2.${i + 1}` },
        ),
      ),
    )
    expect(answers.map((r) => r.statusCode)).toEqual(Array(12).fill(200))
    const after = passwordWorkStats()
    expect(after.started - before.started).toBe(12)
    expect(after.peakRunning).toBeLessThanOrEqual(PASSWORD_WORK_CONCURRENCY)
  })
})
