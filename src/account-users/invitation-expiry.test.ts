import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  inviteAndAccept,
  inviteUser,
  LEGACY_PATH,
  scopedUsersPath,
} from '../../test/support/account-users.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('invitation expiry on read (before any sweep)', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const ids = (body: { data: Array<{ id: string }> }) => body.data.map((u) => u.id).sort()

  it('shows InvitationExpired on get the moment the TTL has passed, without a link', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    const res = await t.request({ method: 'GET', url: invited.path })
    expect(res.statusCode).toBe(200)
    expect(res.json().invitation).toEqual({ status: 'InvitationExpired', url: null })
    expect(res.json().status).toBe('InvitationExpired')
    const stored = await t.db.db
      .selectFrom('account_users')
      .select('status')
      .where('id', '=', invited.accountUserId)
      .executeTakeFirstOrThrow()
    expect(stored.status).toBe('Invited')
  })

  it('shows InvitationExpired in the legacy family too', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    const res = await t.request({ method: 'GET', url: `${LEGACY_PATH}/${invited.accountUserId}` })
    expect(res.json().invitation).toEqual({ status: 'InvitationExpired', url: null })
  })

  it('shows InvitationExpired in lists', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    const res = await t.request({ method: 'GET', url: scopedUsersPath(t.operations.accountId) })
    expect(res.statusCode).toBe(200)
    const item = res.json().data.find((u: { id: string }) => u.id === invited.userId)
    expect(item.invitation.status).toBe('InvitationExpired')
  })

  it('filters on the effective status with eq(invitation.status,…)', async () => {
    const expired = await inviteUser(t)
    const accepted = await inviteAndAccept(t)
    t.clock.advance(t.config.invitationTtlMs)
    const fresh = await inviteUser(t)
    const list = (status: string) =>
      t.request({
        method: 'GET',
        url: `${scopedUsersPath(t.operations.accountId)}?eq(invitation.status,${status})`,
      })
    const expiredRes = await list('InvitationExpired')
    expect(expiredRes.statusCode).toBe(200)
    expect(ids(expiredRes.json())).toEqual([expired.userId])
    expect(ids((await list('Invited')).json())).toEqual([fresh.userId])
    expect(ids((await list('Active')).json())).toEqual([accepted.userId])
    const legacy = await t.request({
      method: 'GET',
      url: `${LEGACY_PATH}?eq(invitation.status,InvitationExpired)`,
    })
    expect(ids(legacy.json())).toEqual([expired.accountUserId])
  })

  it('keeps an accepted invitation Active after its window has passed', async () => {
    const accepted = await inviteAndAccept(t)
    t.clock.advance(2 * t.config.invitationTtlMs)
    const res = await t.request({ method: 'GET', url: accepted.path })
    expect(res.json().invitation).toEqual({ status: 'Active', url: null })
  })
})
