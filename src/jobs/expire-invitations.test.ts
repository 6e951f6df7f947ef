import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inviteAndAccept, inviteUser, type Invited } from '../../test/support/account-users.js'
import { testDialect } from '../../test/support/database.js'
import { holdRowLock } from '../../test/support/row-lock.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { expireInvitations } from './expire-invitations.js'

describe('expireInvitations (the sweep)', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  async function inviteMany(count: number): Promise<Invited[]> {
    const invited: Invited[] = []
    for (let i = 0; i < count; i += 1) invited.push(await inviteUser(t))
    return invited
  }

  async function storedStatuses() {
    const rows = await t.db.db.selectFrom('account_users').select(['id', 'status']).execute()
    return new Map(rows.map((r) => [r.id, r.status]))
  }

  async function expiryAudits() {
    return t.db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('event', '=', 'invitation-expired')
      .execute()
  }

  it('persists InvitationExpired for every due row, in batches, with one audit event each', async () => {
    const due = await inviteMany(5)
    const accepted = await inviteAndAccept(t)
    t.clock.advance(t.config.invitationTtlMs)
    const fresh = await inviteUser(t)

    expect(await expireInvitations({ db: t.db.db, clock: t.clock }, 2)).toBe(5)

    const statuses = await storedStatuses()
    for (const d of due) expect(statuses.get(d.accountUserId)).toBe('InvitationExpired')
    expect(statuses.get(accepted.accountUserId)).toBe('Active')
    expect(statuses.get(fresh.accountUserId)).toBe('Invited')
    const audits = await expiryAudits()
    expect(audits.map((a) => a.object_id).sort()).toEqual(due.map((d) => d.accountUserId).sort())
    expect(audits.every((a) => a.account_id === t.operations.accountId)).toBe(true)
  })

  it('clears the reminder time of what it expires (an expired link has nothing to remind of)', async () => {
    // A reminder due at the deadline itself: still pending when the sweep comes.
    const due = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs / 2)
    const fresh = await inviteUser(t)
    await t.db.db
      .updateTable('account_users')
      .set({ invitation_remind_at: sql<string>`invitation_expires_at` })
      .where('id', 'in', [due.accountUserId, fresh.accountUserId])
      .execute()
    t.clock.advance(t.config.invitationTtlMs / 2)

    expect(await expireInvitations({ db: t.db.db, clock: t.clock }, 2)).toBe(1)

    const rows = await t.db.db
      .selectFrom('account_users')
      .select(['id', 'status', 'invitation_remind_at'])
      .execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    expect(byId.get(due.accountUserId)).toMatchObject({
      status: 'InvitationExpired',
      invitation_remind_at: null,
    })
    expect(byId.get(fresh.accountUserId)!.status).toBe('Invited')
    expect(byId.get(fresh.accountUserId)!.invitation_remind_at).not.toBeNull()
    expect(await t.services.invitations.sendReminders()).toBe(0)
  })

  it('leaves invitations whose window has not passed', async () => {
    await inviteMany(2)
    t.clock.advance(t.config.invitationTtlMs - 1)
    expect(await expireInvitations({ db: t.db.db, clock: t.clock }, 2)).toBe(0)
    expect([...(await storedStatuses()).values()]).toEqual(['Invited', 'Invited'])
  })

  it('is idempotent: a second run expires nothing and audits nothing more', async () => {
    await inviteMany(5)
    t.clock.advance(t.config.invitationTtlMs)
    expect(await expireInvitations({ db: t.db.db, clock: t.clock }, 2)).toBe(5)
    expect(await expireInvitations({ db: t.db.db, clock: t.clock }, 2)).toBe(0)
    expect(await expiryAudits()).toHaveLength(5)
  })

  it('expires each row exactly once when two sweeps run at the same time', async () => {
    const due = await inviteMany(5)
    t.clock.advance(t.config.invitationTtlMs)
    const deps = { db: t.db.db, clock: t.clock }
    const [a, b] = await Promise.all([expireInvitations(deps, 2), expireInvitations(deps, 2)])
    // A sweep that met rows the other held locked stops early; the next run takes the rest.
    const rest = await expireInvitations(deps, 2)
    expect(a + b + rest).toBe(5)
    const audits = await expiryAudits()
    expect(audits.map((e) => e.object_id).sort()).toEqual(due.map((d) => d.accountUserId).sort())
    expect([...(await storedStatuses()).values()].every((s) => s === 'InvitationExpired')).toBe(
      true,
    )
  })

  it('takes the oldest deadlines first', async () => {
    const first = await inviteMany(3)
    t.clock.advance(60_000)
    const later = await inviteMany(3)
    t.clock.advance(t.config.invitationTtlMs)
    expect(await expireInvitations({ db: t.db.db, clock: t.clock }, 3)).toBe(6)
    const audits = await expiryAudits()
    const order = [...audits].sort((a, b) => a.id - b.id).map((a) => a.object_id)
    expect(order.slice(0, 3).sort()).toEqual(first.map((d) => d.accountUserId).sort())
    expect(order.slice(3).sort()).toEqual(later.map((d) => d.accountUserId).sort())
  })

  it.runIf(testDialect === 'postgres')(
    'skips a row a request holds locked instead of waiting for it, and takes it on the next run',
    async () => {
      const [held, free] = await inviteMany(2)
      t.clock.advance(t.config.invitationTtlMs)
      const lock = await holdRowLock(
        t.db,
        sql`SELECT id FROM account_users WHERE id = ${held!.accountUserId} FOR UPDATE`,
      )
      try {
        expect(await expireInvitations({ db: t.db.db, clock: t.clock }, 10)).toBe(1)
        expect((await storedStatuses()).get(free!.accountUserId)).toBe('InvitationExpired')
        expect((await storedStatuses()).get(held!.accountUserId)).toBe('Invited')
      } finally {
        await lock.release()
      }
      expect(await expireInvitations({ db: t.db.db, clock: t.clock }, 10)).toBe(1)
      expect((await expiryAudits()).map((a) => a.object_id).sort()).toEqual(
        [held!.accountUserId, free!.accountUserId].sort(),
      )
    },
  )

  it('changes nothing a reader sees: the status read before and after the sweep is the same', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    const before = (await t.request({ method: 'GET', url: invited.path })).json().invitation
    await expireInvitations({ db: t.db.db, clock: t.clock }, 2)
    const after = (await t.request({ method: 'GET', url: invited.path })).json().invitation
    expect(after).toEqual(before)
    expect(after.status).toBe('InvitationExpired')
  })
})
