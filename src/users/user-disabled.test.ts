import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  auditEvents,
  inviteAndAccept,
  inviteUser,
  type Invited,
} from '../../test/support/account-users.js'
import { createAccount, createUserGroup } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const USERS = '/public/v1/accounts/users'

/** Issue #11: the Disabled state of §6.2, and the user's status read consistently with memberships. */
describe('users: Disabled once detached from every account; status consistent with memberships', () => {
  let t: TestApp
  let clientA: string
  let clientB: string
  beforeEach(async () => {
    t = await buildTestApp()
    clientA = await createAccount(t.db.db, { type: 'Client' })
    clientB = await createAccount(t.db.db, { type: 'Client' })
  })
  afterEach(async () => t.close())

  const statusOf = async (userId: string) =>
    (await t.request({ method: 'GET', url: `${USERS}/${userId}` })).json().status as string
  const remove = (invited: Invited) => t.request({ method: 'DELETE', url: invited.path })

  it('disables an Active user removed from their last account (§6.2 #5), records it, and an invite makes them Invited again (#12)', async () => {
    const ada = await inviteAndAccept(t, { accountId: clientA })
    expect(await statusOf(ada.userId)).toBe('Active')
    expect((await remove(ada)).statusCode).toBe(204)
    expect(await statusOf(ada.userId)).toBe('Disabled')
    const [event] = await auditEvents(t, ada.userId, 'disabled')
    expect(JSON.parse(event!.details!)).toEqual({ lastAccount: clientA })
    const filtered = await t.request({ method: 'GET', url: `${USERS}?eq(status,Disabled)` })
    expect(filtered.json().data.map((u: { id: string }) => u.id)).toEqual([ada.userId])
    const again = await inviteUser(t, { accountId: clientB, email: ada.email })
    expect(again.userId).toBe(ada.userId)
    expect(await statusOf(ada.userId)).toBe('Invited')
  })

  it('disables an Invited user removed from their only account', async () => {
    const invited = await inviteUser(t, { accountId: clientA })
    await remove(invited)
    expect(await statusOf(invited.userId)).toBe('Disabled')
  })

  it('keeps a user Active while another membership remains', async () => {
    const ada = await inviteAndAccept(t, { accountId: clientA })
    await inviteAndAccept(t, { accountId: clientB, email: ada.email })
    await remove(ada)
    expect(await statusOf(ada.userId)).toBe('Active')
    expect(await auditEvents(t, ada.userId, 'disabled')).toHaveLength(0)
  })

  it('returns a blocked user detached meanwhile to Disabled on unblock (§6.2 #8), and then deletes them', async () => {
    const ada = await inviteAndAccept(t, { accountId: clientA })
    await t.request({ method: 'POST', url: `${USERS}/${ada.userId}/block` })
    await remove(ada)
    expect(await statusOf(ada.userId)).toBe('Blocked')
    const unblocked = await t.request({ method: 'POST', url: `${USERS}/${ada.userId}/unblock` })
    expect(unblocked.json().status).toBe('Disabled')
    expect((await t.request({ method: 'DELETE', url: `${USERS}/${ada.userId}` })).statusCode).toBe(
      204,
    )
  })

  it('disables the user when their last two memberships are removed at the same time', async () => {
    const ada = await inviteAndAccept(t, { accountId: clientA })
    const inB = await inviteAndAccept(t, { accountId: clientB, email: ada.email })
    const answers = await Promise.all([remove(ada), remove(inB)])
    expect(answers.map((r) => r.statusCode)).toEqual([204, 204])
    expect(await statusOf(ada.userId)).toBe('Disabled')
  })

  it('reads InvitationExpired for Operations once every invitation of an invited user has expired, and Invited after a new one', async () => {
    const group = await createUserGroup(t.db.db, clientB)
    const invited = await inviteUser(t, { accountId: clientA })
    t.clock.advance(t.config.invitationTtlMs / 2)
    await inviteUser(t, { accountId: clientB, email: invited.email, groupIds: [group] })
    t.clock.advance(t.config.invitationTtlMs / 2)
    expect(await statusOf(invited.userId)).toBe('Invited')
    t.clock.advance(t.config.invitationTtlMs / 2)
    expect(await statusOf(invited.userId)).toBe('InvitationExpired')
    const listed = await t.request({ method: 'GET', url: `${USERS}?eq(status,InvitationExpired)` })
    expect(listed.json().data.map((u: { id: string }) => u.id)).toEqual([invited.userId])
    const listedInvited = await t.request({ method: 'GET', url: `${USERS}?eq(status,Invited)` })
    expect(listedInvited.json().data.map((u: { id: string }) => u.id)).not.toContain(invited.userId)
    const sent = await t.request({ method: 'POST', url: `${invited.path}/send-new-invite` })
    expect(sent.statusCode).toBe(200)
    expect(await statusOf(invited.userId)).toBe('Invited')
  })
})
