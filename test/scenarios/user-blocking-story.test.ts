import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { acceptInvite, inviteUser, STRONG_PASSWORD, uniqueEmail } from '../support/account-users.js'
import { createAccount, createApiToken } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

const USERS = '/public/v1/accounts/users'

describe('scenario: one user in two accounts is blocked, unblocked, and removed from one', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  it('keeps one identity across accounts through block, unblock and removal', async () => {
    const contoso = await createAccount(t.db.db, { type: 'Client', name: 'Contoso' })
    const fabrikam = await createAccount(t.db.db, { type: 'Client', name: 'Fabrikam' })
    const fabrikamToken = (await createApiToken(t.db.db, fabrikam)).credential
    const email = uniqueEmail('grace')

    // Invited into both accounts: one user, two memberships; she accepts Contoso's invitation.
    const inContoso = await inviteUser(t, { accountId: contoso, email })
    const inFabrikam = await inviteUser(t, { accountId: fabrikam, email })
    expect(inFabrikam.userId).toBe(inContoso.userId)
    const userId = inContoso.userId
    expect(
      (await acceptInvite(t, inContoso.path, { code: inContoso.code, password: STRONG_PASSWORD }))
        .statusCode,
    ).toBe(200)
    const user = (await t.request({ method: 'GET', url: `${USERS}/${userId}` })).json()
    expect(user.status).toBe('Active')
    expect(user.accounts.map((a: { name: string }) => a.name)).toEqual(['Contoso', 'Fabrikam'])

    // Operations blocks her: every account sees Blocked, and the pending invitation cannot be accepted.
    const blocked = await t.request({ method: 'POST', url: `${USERS}/${userId}/block` })
    expect(blocked.json().status).toBe('Blocked')
    expect((await t.request({ method: 'GET', url: inContoso.path })).json().status).toBe('Blocked')
    expect(
      (await t.request({ method: 'GET', url: `${USERS}/${userId}`, token: fabrikamToken })).json()
        .status,
    ).toBe('Blocked')
    const refused = await acceptInvite(t, inFabrikam.path, { code: inFabrikam.code })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().code).toBe('USER_BLOCKED')
    expect(
      (await t.request({ method: 'POST', url: `${USERS}/${userId}/unblock`, token: fabrikamToken }))
        .statusCode,
    ).toBe(403)

    // Unblocked: back to her previous status; the pending invitation works again.
    expect(
      (await t.request({ method: 'POST', url: `${USERS}/${userId}/unblock` })).json().status,
    ).toBe('Active')
    expect(
      (await t.request({ method: 'GET', url: `${USERS}/${userId}`, token: fabrikamToken })).json()
        .status,
    ).toBe('Invited')
    expect((await acceptInvite(t, inFabrikam.path, { code: inFabrikam.code })).json().status).toBe(
      'Active',
    )

    // Removed from Contoso: she keeps Fabrikam, and Contoso no longer sees her.
    expect((await t.request({ method: 'DELETE', url: inContoso.path })).statusCode).toBe(204)
    const after = (await t.request({ method: 'GET', url: `${USERS}/${userId}` })).json()
    expect(after.status).toBe('Active')
    expect(after.accounts.map((a: { id: string }) => a.id)).toEqual([fabrikam])
    expect((await t.request({ method: 'GET', url: inFabrikam.path })).json().status).toBe('Active')
    const contosoToken = (await createApiToken(t.db.db, contoso)).credential
    expect(
      (await t.request({ method: 'GET', url: `${USERS}/${userId}`, token: contosoToken }))
        .statusCode,
    ).toBe(404)
  })
})
