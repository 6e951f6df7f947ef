import { sql } from 'kysely'
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditEvents, inviteUser, type Invited } from '../../test/support/account-users.js'
import { testDialect } from '../../test/support/database.js'
import { createUserGroup } from '../../test/support/factories.js'
import { holdRowLock } from '../../test/support/row-lock.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

/**
 * Issue #17: a request that loses a race on an account user answers what the same request would
 * get a moment later, on both databases: a second send-new-invite 400 naming the status the first
 * one left (PostgreSQL answered 409 CONCURRENT_UPDATE), and a change racing the expiry sweep
 * goes through. On PostgreSQL a held row lock decides who commits first.
 */
describe('account-user requests that lose a race', () => {
  let t: TestApp
  let invited: Invited
  beforeEach(async () => {
    t = await buildTestApp()
    invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
  })
  afterEach(async () => t.close())

  const sendNew = () => t.request({ method: 'POST', url: `${invited.path}/send-new-invite` })

  async function invitationEmails(): Promise<number> {
    const rows = await t.db.db
      .selectFrom('email_outbox')
      .select('payload')
      .where('kind', '=', 'invitation')
      .execute()
    return rows.filter((r) => JSON.parse(t.services.box.open(r.payload)).to === invited.email)
      .length
  }

  function expectOneRenewal(responses: LightMyRequestResponse[]): void {
    expect(responses.map((r) => r.statusCode).sort()).toEqual([
      200,
      ...Array.from({ length: responses.length - 1 }, () => 400),
    ])
    for (const refused of responses.filter((r) => r.statusCode === 400)) {
      expect(refused.json()).toMatchObject({ code: 'INVITATION_STATUS_INVALID' })
      expect(refused.json().detail).toBe(
        'Cannot send a new invitation: the invitation status is Invited; this action needs InvitationExpired.',
      )
    }
  }

  it('concurrent send-new-invites of one expired invitation: one renews it, the others answer 400 naming Invited', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, sendNew))
    expectOneRenewal(responses)
    expect(await auditEvents(t, invited.accountUserId, 'invitation-renewed')).toHaveLength(1)
    expect(await invitationEmails()).toBe(2)
  })

  describe.runIf(testDialect === 'postgres')('on PostgreSQL, who commits first decided', () => {
    const row = () =>
      sql`SELECT id FROM account_users WHERE id = ${invited.accountUserId} FOR UPDATE`
    /** What the sweep writes when it stores the expiry (src/jobs/expire-invitations.ts). */
    const sweep = () =>
      sql`UPDATE account_users SET status = 'InvitationExpired', version = version + 1 WHERE id = ${invited.accountUserId}`

    it('send-new-invites that read the row before the winner committed answer 400 naming Invited, not 409', async () => {
      const lock = await holdRowLock(t.db, row())
      const pending = Array.from({ length: 4 }, sendNew)
      await lock.waitForBlocked(4)
      await lock.release()
      expectOneRenewal(await Promise.all(pending))
      expect(await auditEvents(t, invited.accountUserId, 'invitation-renewed')).toHaveLength(1)
      expect(await invitationEmails()).toBe(2)
    })

    it('a send-new-invite racing the sweep still renews the invitation', async () => {
      const lock = await holdRowLock(t.db, sweep())
      const pending = Array.from({ length: 3 }, sendNew)
      await lock.waitForBlocked(3)
      await lock.release()
      expectOneRenewal(await Promise.all(pending))
      const stored = await t.db.db
        .selectFrom('account_users')
        .select(['status', 'version'])
        .where('id', '=', invited.accountUserId)
        .executeTakeFirstOrThrow()
      expect(stored).toEqual({ status: 'Invited', version: 2 })
    })

    it('a group change racing the sweep applies to the expired invitation', async () => {
      const other = await createUserGroup(t.db.db, t.operations.accountId)
      const lock = await holdRowLock(t.db, sweep())
      const pending = t.request({
        method: 'PUT',
        url: `${invited.path}/groups`,
        payload: [{ id: other }],
      })
      await lock.waitForBlocked(1)
      await lock.release()
      const res = await pending
      expect(res.statusCode).toBe(200)
      expect(res.json().groups.map((g: { id: string }) => g.id)).toEqual([other])
      expect(res.json().invitation.status).toBe('InvitationExpired')
      expect(await auditEvents(t, invited.accountUserId, 'updated')).toHaveLength(1)
    })

    it('a removal racing the sweep removes the account user', async () => {
      const lock = await holdRowLock(t.db, sweep())
      const pending = t.request({ method: 'DELETE', url: invited.path })
      await lock.waitForBlocked(1)
      await lock.release()
      expect((await pending).statusCode).toBe(204)
      expect((await t.request({ method: 'GET', url: invited.path })).statusCode).toBe(404)
      expect(await auditEvents(t, invited.accountUserId, 'deleted')).toHaveLength(1)
    })
  })
})
