import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEmailDispatcher, type EmailDispatcher } from '../../src/email/email-dispatcher.js'
import { createDevMailbox } from '../../src/email/mailer.js'
import { acceptInvite, scopedUsersPath, STRONG_PASSWORD } from '../support/account-users.js'
import {
  createAccount,
  createUserGroup,
  inviteBody,
  invitationCodeFrom,
} from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

const silentLogger = { info() {}, warn() {}, error() {} }

describe('scenario: invite → email → accept; expire → send a new invitation → accept', () => {
  let t: TestApp
  let dir: string
  let dispatcher: EmailDispatcher
  let seen: Set<string>

  beforeEach(async () => {
    t = await buildTestApp()
    dir = await mkdtemp(join(tmpdir(), 'accounts-mailbox-'))
    const mailer = createDevMailbox({ dir, logger: silentLogger, clock: t.clock })
    dispatcher = createEmailDispatcher({
      db: t.db.db,
      box: t.services.box,
      clock: t.clock,
      mailer,
      logger: silentLogger,
      config: t.config,
    })
    seen = new Set()
  })
  afterEach(async () => {
    await t.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** Delivers the outbox into the dev mailbox and returns the `.eml` files that arrived. */
  async function newMail(): Promise<string[]> {
    while ((await dispatcher.dispatchDue(100)) > 0) {
      // until nothing is due
    }
    const files = (await readdir(dir)).filter((f) => f.endsWith('.eml') && !seen.has(f)).sort()
    for (const f of files) seen.add(f)
    return Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))
  }

  it('takes two invitees through the whole lifecycle', async () => {
    const accountId = await createAccount(t.db.db, { name: 'Contoso' })
    const groupId = await createUserGroup(t.db.db, accountId)
    const users = scopedUsersPath(accountId)

    // 1. invite → the email in the mailbox carries the link → accept → Active
    const ada = await t.request({
      method: 'POST',
      url: users,
      payload: inviteBody('ada@example.com', [groupId]),
    })
    expect(ada.statusCode).toBe(201)
    const [adaMail, ...more] = await newMail()
    expect(more).toEqual([])
    expect(adaMail).toMatch(/^To: ada@example\.com/m)
    const adaCode = invitationCodeFrom(adaMail!)
    const adaPath = `${users}/${ada.json().id}`
    const accepted = await acceptInvite(t, adaPath, { code: adaCode, password: STRONG_PASSWORD })
    expect(accepted.statusCode).toBe(200)
    expect(accepted.json()).toMatchObject({
      id: ada.json().id,
      status: 'Active',
      invitation: { status: 'Active', url: null },
    })

    // 2. a second invitee lets the window pass → InvitationExpired
    const bob = await t.request({
      method: 'POST',
      url: users,
      payload: inviteBody('bob@example.com', [groupId]),
    })
    const bobPath = `${users}/${bob.json().id}`
    const oldCode = invitationCodeFrom((await newMail())[0]!)
    t.clock.advance(t.config.invitationTtlMs + 1)
    expect((await t.request({ method: 'GET', url: bobPath })).json().invitation.status).toBe(
      'InvitationExpired',
    )
    const tooLate = await acceptInvite(t, bobPath, { code: oldCode, password: STRONG_PASSWORD })
    expect(tooLate.json().code).toBe('INVITATION_EXPIRED')

    // 3. send-new-invite → a new email; the old code is refused, the new one accepted
    const renewed = await t.request({ method: 'POST', url: `${bobPath}/send-new-invite` })
    expect(renewed.statusCode).toBe(200)
    expect(renewed.json().invitation.status).toBe('Invited')
    const renewalMails = await newMail()
    expect(renewalMails).toHaveLength(1)
    const newCode = invitationCodeFrom(renewalMails[0]!)
    expect(newCode).not.toBe(oldCode)
    const refused = await acceptInvite(t, bobPath, { code: oldCode, password: STRONG_PASSWORD })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().code).toBe('INVITATION_CODE_INVALID')
    const bobAccepted = await acceptInvite(t, bobPath, { code: newCode, password: STRONG_PASSWORD })
    expect(bobAccepted.statusCode).toBe(200)
    expect(bobAccepted.json().invitation.status).toBe('Active')

    // Ada's membership was untouched by the passing of time.
    expect((await t.request({ method: 'GET', url: adaPath })).json().invitation.status).toBe(
      'Active',
    )
  })
})
