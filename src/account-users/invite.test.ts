import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccount, createUserGroup, inviteBody } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('POST /accounts/{accountId}/users (invite)', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  it('creates the user, an Invited membership and a link, and queues the email', async () => {
    const { accountId, groupId } = t.operations
    const res = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/accounts/${accountId}/users`,
      payload: inviteBody('  Ada@Example.com ', [groupId]),
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body.id).toMatch(/^USR-\d{4}-\d{4}$/)
    expect(body.email).toBe('Ada@example.com')
    expect(body.invitation.status).toBe('Invited')
    expect(body.invitation.url).toMatch(
      /^http:\/\/portal\.test\/accept-invite\?code=[A-Za-z0-9_-]+$/,
    )
    expect(body.groups.map((g: { id: string }) => g.id)).toEqual([groupId])
    expect(body.$meta).toEqual({ omitted: ['audit'] })
    const mails = await t.deliverEmails()
    expect(mails).toHaveLength(1)
    expect(mails[0]!.to).toBe('Ada@example.com')
  })

  it('reuses an existing user by case-insensitive email and never overwrites their names', async () => {
    // Until the person registers, each account sees the names it typed (issue #12).
    const { accountId, groupId } = t.operations
    const other = await createAccount(t.db.db)
    const otherGroup = await createUserGroup(t.db.db, other)
    const first = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${accountId}/users`,
      payload: inviteBody('ada@example.com', [groupId]),
    })
    const second = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${other}/users`,
      payload: {
        ...inviteBody('ADA@EXAMPLE.COM', [otherGroup]),
        user: { email: 'ADA@EXAMPLE.COM', firstName: 'Other', lastName: 'Name' },
      },
    })
    expect(second.statusCode).toBe(201)
    expect(second.json().id).toBe(first.json().id)
    expect(second.json().firstName).toBe('Other')
    const seenByFirst = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/${accountId}/users/${first.json().id}`,
    })
    expect(seenByFirst.json().firstName).toBe('Ada')
    const stored = await t.db.db
      .selectFrom('users')
      .select(['first_name', 'last_name'])
      .where('id', '=', first.json().id)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ first_name: 'Ada', last_name: 'Lovelace' })
  })

  it('brings a Disabled user back as Invited when invited again (§6.2 #12)', async () => {
    const { accountId, groupId } = t.operations
    const other = await createAccount(t.db.db)
    const otherGroup = await createUserGroup(t.db.db, other)
    const first = (
      await t.request({
        method: 'POST',
        url: `/public/v1/accounts/${accountId}/users`,
        payload: inviteBody('gone@example.com', [groupId]),
      })
    ).json()
    await t.db.db
      .updateTable('users')
      .set({ status: 'Disabled' })
      .where('id', '=', first.id)
      .execute()
    const again = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${other}/users`,
      payload: inviteBody('gone@example.com', [otherGroup]),
    })
    expect(again.statusCode).toBe(201)
    const row = await t.db.db
      .selectFrom('users')
      .select('status')
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('Invited')
  })

  it('refuses an email already in the account with 400', async () => {
    const { accountId, groupId } = t.operations
    await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${accountId}/users`,
      payload: inviteBody('ada@example.com', [groupId]),
    })
    const res = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${accountId}/users`,
      payload: inviteBody('Ada@example.com', [groupId]),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      status: 400,
      title: 'Bad Request',
      code: 'ACCOUNT_USER_ALREADY_EXISTS',
    })
  })

  it('refuses a group of another account, naming the field, and writes nothing', async () => {
    const { accountId } = t.operations
    const other = await createAccount(t.db.db)
    const foreignGroup = await createUserGroup(t.db.db, other)
    const res = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${accountId}/users`,
      payload: inviteBody('ada@example.com', [foreignGroup]),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].properties).toEqual(['groups[0].id'])
    expect(await t.db.db.selectFrom('users').selectAll().execute()).toEqual([])
    expect(await t.db.db.selectFrom('email_outbox').selectAll().execute()).toEqual([])
  })

  it('names missing fields in a validation problem', async () => {
    const res = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${t.operations.accountId}/users`,
      payload: { user: { email: 'a@b.co' }, groups: [] },
    })
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body.type).toBe('https://tools.ietf.org/html/rfc9110#section-15.5.1')
    expect(Object.keys(body.errors)).toEqual(
      expect.arrayContaining(['user.firstName', 'user.lastName', 'groups']),
    )
    expect(body.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/)
  })

  it('answers 404 for an unknown account before validating the body', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/public/v1/accounts/ACC-0000-0000/users',
      payload: { nonsense: true },
    })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ title: 'Not Found', code: 'ACCOUNT_NOT_FOUND' })
  })
})

describe('audit of an invitation', () => {
  it('names the token that acted (`by`) and its account (`of`)', async () => {
    const t = await buildTestApp()
    try {
      const { accountId, groupId } = t.operations
      const created = (
        await t.request({
          method: 'POST',
          url: `/public/v1/accounts/account-users?select=audit`,
          payload: inviteBody('audit@example.com', [groupId], accountId),
        })
      ).json()
      expect(created.audit.created.by).toEqual({
        id: 'TKN-0000-0001',
        name: 'Bootstrap Operations token',
        icon: null,
      })
      expect(created.audit.created.of).toMatchObject({ id: accountId, name: 'Operations' })
    } finally {
      await t.close()
    }
  })
})
