import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmailDispatcher } from '../../src/email/email-dispatcher.js'
import { createDevMailbox } from '../../src/email/mailer.js'
import { emailedCodeFor } from '../support/account-users.js'
import { inviteBody } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

/** Issue #4: a secret appears only in the response that creates it, never in logs. */
describe('secrets in logs', () => {
  let t: TestApp
  let logs = ''
  beforeAll(async () => {
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')))
    t = await buildTestApp({}, { logStream: stream })
  })
  afterAll(async () => t.close())

  it('never logs token secrets, invitation codes or passwords, at trace level', async () => {
    const created = (
      await t.request({
        method: 'POST',
        url: '/public/v1/accounts/api-tokens',
        payload: { name: 'Logged?' },
      })
    ).json()
    const tokenSecret = created.token.split(':')[2]
    const { accountId, groupId } = t.operations
    const invited = (
      await t.request({
        method: 'POST',
        url: `/public/v1/accounts/${accountId}/users`,
        payload: inviteBody('log@example.com', [groupId]),
        token: created.token,
      })
    ).json()
    const copied = new URL(invited.invitation.url).searchParams.get('code')!
    const code = await emailedCodeFor(t, 'log@example.com')
    const { code: innerSecret, proof } = JSON.parse(Buffer.from(code, 'base64url').toString()) as {
      code: string
      proof: string
    }
    const mailbox = createDevMailbox({
      dir: await mkdtemp(join(tmpdir(), 'mail-')),
      logger: t.app.log,
      clock: t.clock,
    })
    await createEmailDispatcher({
      db: t.db.db,
      box: t.services.box,
      clock: t.clock,
      mailer: mailbox,
      logger: t.app.log,
      config: t.config,
    }).dispatchDue()
    const pageView = await t.request({
      method: 'GET',
      url: `/accept-invite?code=${code}`,
      token: null,
    })
    expect(pageView.statusCode).toBe(200)
    const password = 'Log-Me-Not#1'
    const accepted = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${accountId}/users/${invited.id}/accept-invite`,
      payload: { code, password },
      token: null,
    })
    expect(accepted.statusCode).toBe(200)
    const wrong = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${accountId}/users/${invited.id}/accept-invite`,
      payload: {
        code: Buffer.from(
          JSON.stringify({
            code: `${innerSecret.slice(1)}A`,
            accountUserId: invited.accountUserId,
          }),
        ).toString('base64url'),
        password,
      },
    })
    expect(wrong.statusCode).toBe(400)

    expect(logs).toContain('dev mailbox')
    expect(logs.length).toBeGreaterThan(1000)
    for (const secret of [
      tokenSecret,
      code,
      copied,
      innerSecret,
      proof,
      password,
      t.operations.token.split(':')[2]!,
    ]) {
      expect(logs).not.toContain(secret)
    }
    // Request lines carry the route pattern, never the URL (issue #12).
    expect(logs).toContain('"route":"/accept-invite"')
    expect(logs).not.toContain('?code=')
  })
})
