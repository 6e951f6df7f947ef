import { afterEach, describe, expect, it } from 'vitest'
import { inviteUser } from '../../test/support/account-users.js'
import { createAccount, createApiToken, createUserGroup } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const USERS = '/public/v1/accounts/users'

describe('users: sso-check and sso (§11.7, decision 54)', () => {
  let t: TestApp
  afterEach(async () => t.close())

  async function setUp(ssoDomains: string[]) {
    t = await buildTestApp({ ssoDomains })
    const client = await createAccount(t.db.db, { type: 'Client' })
    const token = (await createApiToken(t.db.db, client)).credential
    const group = await createUserGroup(t.db.db, client)
    const inContoso = await inviteUser(t, {
      accountId: client,
      groupIds: [group],
      email: 'ada@Contoso.com',
    })
    const elsewhere = await inviteUser(t, {
      accountId: client,
      groupIds: [group],
      email: 'bob@fabrikam.example',
    })
    return { client, token, inContoso, elsewhere }
  }

  const check = (id: string, method: 'GET' | 'POST', token?: string) =>
    t.request({ method, url: `${USERS}/${encodeURIComponent(id)}/sso-check`, token })

  it('answers from the configured email domains, for a USR- id or an email, on GET and POST', async () => {
    const { token, inContoso, elsewhere } = await setUp(['contoso.com'])
    for (const method of ['GET', 'POST'] as const) {
      expect((await check(inContoso.userId, method, token)).json()).toEqual({ sso: true })
      expect((await check(elsewhere.userId, method, token)).json()).toEqual({ sso: false })
      expect((await check('someone@CONTOSO.com', method, token)).json()).toEqual({ sso: true })
      expect((await check('someone@other.example', method, token)).json()).toEqual({ sso: false })
    }
  })

  it("answers false everywhere without an identity provider, and 404 for another account's user", async () => {
    const { inContoso } = await setUp([])
    expect((await check(inContoso.userId, 'GET')).json()).toEqual({ sso: false })
    const stranger = (await createApiToken(t.db.db, await createAccount(t.db.db))).credential
    expect((await check(inContoso.userId, 'GET', stranger)).statusCode).toBe(404)
    expect((await check('USR-0000-0000', 'POST')).statusCode).toBe(404)
    expect((await check('not an id', 'GET')).statusCode).toBe(404)
    // An email is answered by its domain: whether such a user exists is not told.
    expect((await check('ada@contoso.com', 'GET', stranger)).json()).toEqual({ sso: false })
  })

  it('lets Operations put a user on SSO only where an identity provider serves the domain', async () => {
    const { token, inContoso, elsewhere } = await setUp(['contoso.com'])
    const sso = (id: string, as?: string) =>
      t.request({ method: 'POST', url: `${USERS}/${id}/sso`, token: as })
    const res = await sso(inContoso.userId)
    expect(res.statusCode).toBe(200)
    // The domain of an address is stored normalised (lowercase, issue #12).
    expect(res.json()).toMatchObject({ id: inContoso.userId, email: 'ada@contoso.com' })
    const refused = await sso(elsewhere.userId)
    expect(refused.json()).toMatchObject({ status: 400, code: 'SSO_NOT_CONFIGURED' })
    expect((await sso(inContoso.userId, token)).statusCode).toBe(403)
    expect((await sso('USR-0000-0000')).statusCode).toBe(404)
  })

  it('refuses sso with SSO_NOT_CONFIGURED when no identity provider is configured', async () => {
    const { inContoso } = await setUp([])
    const res = await t.request({ method: 'POST', url: `${USERS}/${inContoso.userId}/sso` })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('SSO_NOT_CONFIGURED')
  })
})
