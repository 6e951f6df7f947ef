import { afterEach, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  inviteAndAccept,
  inviteUser,
  STRONG_PASSWORD,
} from '../../test/support/account-users.js'
import { testDialect } from '../../test/support/database.js'
import { createAccount } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const HOUR = 60 * 60_000

describe(`invitation reminders (issue #15, ${testDialect})`, () => {
  let t: TestApp
  afterEach(async () => t?.close())

  const remind = () => t.services.invitations.sendReminders()
  const reminders = async () =>
    (await t.deliverEmails()).filter((m) => m.kind === 'invitation-reminder')

  it('mails one reminder INVITATION_REMINDER before the link lapses, with the emailed link', async () => {
    t = await buildTestApp()
    const invited = await inviteUser(t)
    await t.deliverEmails()

    t.clock.advance(t.config.invitationTtlMs - 24 * HOUR - 1)
    expect(await remind()).toBe(0)
    t.clock.advance(1)
    expect(await remind()).toBe(1)
    expect(await remind()).toBe(0)
    t.clock.advance(HOUR)
    expect(await remind()).toBe(0)

    const [mail, ...more] = await reminders()
    expect(more).toEqual([])
    expect(mail!.to).toBe(invited.email)
    expect(mail!.subject).toContain('expires soon')
    const code = decodeURIComponent(/accept-invite\?code=([^\s]+)/.exec(mail!.text)![1]!)
    expect(code).toBe(invited.code)
    const accepted = await acceptInvite(t, invited.path, { code, password: STRONG_PASSWORD })
    expect(accepted.statusCode).toBe(200)
  })

  it('is due again after a resend, once per link', async () => {
    t = await buildTestApp()
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs - 24 * HOUR)
    expect(await remind()).toBe(1)
    const resent = await t.request({ method: 'POST', url: `${invited.path}/resend-invite` })
    expect(resent.statusCode).toBe(200)
    expect(await remind()).toBe(0)
    t.clock.advance(t.config.invitationTtlMs - 24 * HOUR)
    expect(await remind()).toBe(1)
    expect(await remind()).toBe(0)
  })

  it('is due again after send-new-invite, for the new link', async () => {
    t = await buildTestApp()
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    expect(await remind()).toBe(0) // expired before any sweep reminded it: too late now
    const renewed = await t.request({ method: 'POST', url: `${invited.path}/send-new-invite` })
    expect(renewed.statusCode).toBe(200)
    await t.deliverEmails()
    t.clock.advance(t.config.invitationTtlMs - 24 * HOUR)
    expect(await remind()).toBe(1)
    const [mail] = await reminders()
    expect(mail!.text).not.toContain(encodeURIComponent(invited.code))
  })

  it('sends none for an accepted, a removed or a blocked invitee, nor in a disabled account', async () => {
    t = await buildTestApp()
    const accepted = await inviteAndAccept(t)
    const removed = await inviteUser(t)
    const blocked = await inviteUser(t)
    const client = await createAccount(t.db.db, { type: 'Client' })
    await inviteUser(t, { accountId: client })
    const disabled = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/accounts/${client}/disable`,
    })
    expect(disabled.statusCode).toBe(200)
    expect((await t.request({ method: 'DELETE', url: removed.path })).statusCode).toBe(204)
    const block = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/users/${blocked.userId}/block`,
    })
    expect(block.statusCode).toBe(200)
    t.clock.advance(t.config.invitationTtlMs - 24 * HOUR)
    expect(await remind()).toBe(0)
    expect(accepted.email).toBeDefined()
    const unblock = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/users/${blocked.userId}/unblock`,
    })
    expect(unblock.statusCode).toBe(200)
    // Unblocked while the link is still valid: the reminder it missed goes out now.
    expect(await remind()).toBe(1)
  })

  it('sends none when INVITATION_REMINDER is off, or longer than the whole window', async () => {
    t = await buildTestApp({ invitationReminderMs: null })
    await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs - 1000)
    expect(await remind()).toBe(0)
    await t.close()

    t = await buildTestApp({ invitationTtlMs: 12 * HOUR, invitationReminderMs: 24 * HOUR })
    await inviteUser(t)
    t.clock.advance(12 * HOUR - 1000)
    expect(await remind()).toBe(0)
  })

  it('reminds each invitation exactly once when two sweeps run at the same time', async () => {
    t = await buildTestApp()
    for (let i = 0; i < 6; i += 1) await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs - 24 * HOUR)
    const [a, b] = await Promise.all([remind(), remind()])
    expect(a + b).toBe(6)
    expect(await reminders()).toHaveLength(6)
  })
})
