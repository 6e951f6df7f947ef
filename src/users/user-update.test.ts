import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { UserActor } from '../access/actor.js'
import {
  auditEvents,
  inviteAndAccept,
  inviteUser,
  STRONG_PASSWORD,
  type Invited,
} from '../../test/support/account-users.js'
import { createAccount, createApiToken } from '../../test/support/factories.js'
import { multipartBody, TINY_PNG } from '../../test/support/multipart.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { verifyPassword } from '../lib/secrets.js'

const USERS = '/public/v1/accounts/users'
const PNG = TINY_PNG

describe('users: update, set-password, sso-check, icon', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  let ada: Invited
  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client' })
    clientToken = (await createApiToken(t.db.db, client)).credential
    ada = await inviteAndAccept(t, { accountId: client })
  })
  afterEach(async () => t.close())

  const put = (id: string, payload: object, token = clientToken) =>
    t.request({ method: 'PUT', url: `${USERS}/${id}`, payload, token })

  /** A multipart PUT as the SDK sends it: a `user` JSON part and an optional `icon` file. */
  async function putMultipart(
    id: string,
    user: object | string,
    icon?: Buffer,
    options: { jsonAsFile?: boolean } = {},
  ) {
    const body = await multipartBody(
      'user',
      user,
      icon ? { part: 'icon', data: icon, filename: 'me.png' } : undefined,
      {
        ...options,
        ...(typeof user === 'string' ? { rawJson: user } : {}),
      },
    )
    return t.request({ method: 'PUT', url: `${USERS}/${id}`, ...body, token: clientToken })
  }

  it('updates names, phone and settings, ignoring read-only fields as the SDK sends them', async () => {
    const res = await put(ada.userId, {
      id: 'USR-9999-9999',
      firstName: ' Augusta ',
      lastName: 'King',
      email: ada.email.toUpperCase(),
      status: 'Blocked',
      icon: '',
      buyers: null,
      audit: { created: { at: 'x' } },
      phone: { prefix: '+44', number: '2071234567' },
      settings: { languageCode: 'en-GB' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      id: ada.userId,
      name: 'Augusta King',
      firstName: 'Augusta',
      status: 'Active',
      icon: null,
      email: ada.email,
      phone: { prefix: '+44', number: '2071234567' },
      settings: { cultureCode: null, languageCode: 'en-GB' },
    })
    const again = await put(ada.userId, { settings: { cultureCode: 'en-GB' }, phone: null })
    expect(again.json()).toMatchObject({
      settings: { cultureCode: 'en-GB', languageCode: 'en-GB' },
      phone: { prefix: null, number: null },
    })
    const events = await auditEvents(t, ada.userId, 'updated')
    expect(events).toHaveLength(2)
    expect(JSON.parse(events[0]!.by!)).toMatchObject({ of: { id: client } })
  })

  it('refuses a change of email, naming the field', async () => {
    const res = await put(ada.userId, { email: 'someone-else@example.com' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: { email: [expect.any(String)] },
    })
  })

  it.each([
    [{ firstName: '' }, 'firstName'],
    [{ lastName: '   ' }, 'lastName'],
    [{ phone: { prefix: '+1234567890123' } }, 'phone.prefix'],
    [{ settings: { languageCode: 'toolong' } }, 'settings.languageCode'],
  ])('names the invalid field %j', async (payload, field) => {
    const res = await put(ada.userId, payload)
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('answers 404 before validating the body, and for users of other accounts', async () => {
    const other = await createAccount(t.db.db, { type: 'Client' })
    const theirs = await inviteUser(t, { accountId: other })
    for (const id of ['USR-0000-0000', 'bad-id', theirs.userId]) {
      const res = await put(id, { firstName: '' })
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('USER_NOT_FOUND')
      const pw = await t.request({
        method: 'POST',
        url: `${USERS}/${id}/set-password`,
        payload: {},
        token: clientToken,
      })
      expect(pw.statusCode).toBe(404)
    }
  })

  it('takes a multipart update with an icon and serves the image through the 307', async () => {
    const res = await putMultipart(
      ada.userId,
      { firstName: 'Countess', email: ada.email, status: 'Active' },
      PNG,
    )
    expect(res.statusCode).toBe(200)
    expect(res.json().firstName).toBe('Countess')
    expect(res.json().icon).toMatch(/^\/public\/v1\/accounts\/icons\/[0-9a-f]{32}$/)
    const redirect = await t.request({
      method: 'GET',
      url: `${USERS}/${ada.userId}/icon`,
      token: null,
    })
    expect(redirect.statusCode).toBe(307)
    expect(redirect.headers.location).toBe(res.json().icon)
    const image = await t.request({
      method: 'GET',
      url: redirect.headers.location as string,
      token: null,
    })
    expect(image.statusCode).toBe(200)
    expect(image.headers['content-type']).toBe('image/png')
    expect(image.rawPayload.equals(PNG)).toBe(true)
  })

  it('takes a multipart update without a file, and refuses a file that is not an image', async () => {
    const res = await putMultipart(ada.userId, { lastName: 'Byron' }, undefined, {
      jsonAsFile: true,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ lastName: 'Byron', icon: null })
    expect(
      (await t.request({ method: 'GET', url: `${USERS}/${ada.userId}/icon` })).statusCode,
    ).toBe(404)
    const notImage = await putMultipart(ada.userId, {}, Buffer.from('<svg/>'))
    expect(notImage.statusCode).toBe(400)
    expect(Object.keys(notImage.json().errors)).toEqual(['icon'])
    const badJson = await putMultipart(ada.userId, '{oops')
    expect(Object.keys(badJson.json().errors)).toEqual(['user'])
    const invalid = await putMultipart(ada.userId, { firstName: '' })
    expect(Object.keys(invalid.json().errors)).toEqual(['firstName'])
  })

  /** Ada herself, signed in to the client account (no route authenticates users yet). */
  const adaHerself = (): UserActor => ({
    kind: 'User',
    id: ada.userId,
    name: 'Ada Lovelace',
    icon: null,
    accountId: client,
    accountName: 'Client',
    accountType: 'Client',
    modules: new Set(),
  })

  it("refuses set-password to every API token, the only account's and Operations' too (issue #12)", async () => {
    for (const token of [clientToken, t.operations.token]) {
      const res = await t.request({
        method: 'POST',
        url: `${USERS}/${ada.userId}/set-password`,
        payload: { password: 'N3w!Password' },
        token,
      })
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('USER_PASSWORD_SELF_ONLY')
    }
    const row = await t.db.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', ada.userId)
      .executeTakeFirstOrThrow()
    expect(await verifyPassword(STRONG_PASSWORD, row.password_hash!)).toBe(true)
    expect(await auditEvents(t, ada.userId, 'password-set')).toHaveLength(0)
  })

  it('lets the user set their own password that meets the policy, stored as scrypt', async () => {
    await t.services.users.setPassword({
      actor: adaHerself(),
      id: ada.userId,
      password: 'N3w!Password',
    })
    const row = await t.db.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', ada.userId)
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^scrypt\$/)
    expect(await verifyPassword('N3w!Password', row.password_hash!)).toBe(true)
    expect(await auditEvents(t, ada.userId, 'password-set')).toHaveLength(1)
    await expect(
      t.services.users.setPassword({ actor: adaHerself(), id: ada.userId, password: 'weak' }),
    ).rejects.toMatchObject({ code: 'PASSWORD_POLICY' })
    const other = await inviteAndAccept(t, { accountId: client })
    await expect(
      t.services.users.setPassword({
        actor: adaHerself(),
        id: other.userId,
        password: 'N3w!Password',
      }),
    ).rejects.toMatchObject({ code: 'USER_PASSWORD_SELF_ONLY' })
  })

  it.each([
    [{}, 'password', 'VALIDATION_FAILED'],
    [{ password: '' }, 'password', 'VALIDATION_FAILED'],
  ])('refuses set-password with %j', async (payload, field, code) => {
    const res = await t.request({
      method: 'POST',
      url: `${USERS}/${ada.userId}/set-password`,
      payload,
      token: clientToken,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe(code)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('refuses set-password for a blocked user and any change to a deleted one', async () => {
    await t.request({ method: 'POST', url: `${USERS}/${ada.userId}/block` })
    await expect(
      t.services.users.setPassword({
        actor: adaHerself(),
        id: ada.userId,
        password: STRONG_PASSWORD,
      }),
    ).rejects.toMatchObject({ code: 'USER_BLOCKED' })
    await t.request({ method: 'DELETE', url: `${USERS}/${ada.userId}` })
    const update = await t.request({
      method: 'PUT',
      url: `${USERS}/${ada.userId}`,
      payload: { firstName: 'Ghost' },
    })
    expect(update.json().code).toBe('USER_STATUS_INVALID')
  })

  it('answers sso-check on GET and POST', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const res = await t.request({
        method,
        url: `${USERS}/${ada.userId}/sso-check`,
        token: clientToken,
      })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ sso: false })
    }
    expect(
      (await t.request({ method: 'GET', url: `${USERS}/USR-0000-0000/sso-check` })).statusCode,
    ).toBe(404)
  })
})
