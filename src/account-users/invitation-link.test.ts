import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  decodeInvitationLinkCode,
  inviteUser,
  scopedUsersPath,
  uniqueEmail,
} from '../../test/support/account-users.js'
import { createAccount, createUserGroup, inviteBody } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('invite: the invitation link, its secret and its window', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  it('links to PUBLIC_URL/accept-invite with the base64url of {code, accountUserId}', async () => {
    const invited = await inviteUser(t)
    const url: string = invited.body.invitation.url
    expect(url.startsWith(`${t.config.publicUrl}/accept-invite?code=`)).toBe(true)
    expect(invited.copiedCode).toMatch(/^[A-Za-z0-9_-]+$/)
    const decoded = decodeInvitationLinkCode(invited.copiedCode)
    expect(Object.keys(decoded).sort()).toEqual(['accountUserId', 'code'])
    expect(decoded.accountUserId).toBe(invited.accountUserId)
    expect(decoded.accountUserId).toMatch(/^AUSR-\d{4}-\d{4}-\d{4}$/)
    expect(decoded.code).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(Buffer.from(decoded.code as string, 'base64')).toHaveLength(32)
  })

  it('adds the mailbox proof to the emailed link only (issue #12)', async () => {
    const invited = await inviteUser(t)
    const copied = decodeInvitationLinkCode(invited.copiedCode)
    const emailed = decodeInvitationLinkCode(invited.code)
    expect(Object.keys(emailed).sort()).toEqual(['accountUserId', 'code', 'proof'])
    expect(emailed.code).toBe(copied.code)
    expect(emailed.accountUserId).toBe(copied.accountUserId)
    expect(Buffer.from(emailed.proof as string, 'base64')).toHaveLength(32)
    expect(JSON.stringify(invited.body)).not.toContain(emailed.proof as string)
    const row = await t.db.db
      .selectFrom('account_users')
      .select('invitation_proof')
      .where('id', '=', invited.accountUserId)
      .executeTakeFirstOrThrow()
    expect(row.invitation_proof).toMatch(/^v1\./)
    expect(row.invitation_proof).not.toContain(emailed.proof as string)
  })

  it('gives every invitation a different secret', async () => {
    const a = decodeInvitationLinkCode((await inviteUser(t)).code)
    const b = decodeInvitationLinkCode((await inviteUser(t)).code)
    expect(a.code).not.toBe(b.code)
  })

  it('never stores the plain secret in account_users.invitation_secret', async () => {
    const invited = await inviteUser(t)
    const secret = decodeInvitationLinkCode(invited.code).code as string
    const row = await t.db.db
      .selectFrom('account_users')
      .select('invitation_secret')
      .where('id', '=', invited.accountUserId)
      .executeTakeFirstOrThrow()
    expect(row.invitation_secret).toBeTruthy()
    expect(row.invitation_secret).not.toContain(secret)
    expect(row.invitation_secret).not.toContain(invited.code)
    expect(row.invitation_secret).not.toContain(Buffer.from(secret, 'base64').toString('hex'))
  })

  it('sets the expiry to the sending time plus INVITATION_TTL', async () => {
    const sentAt = t.clock.now()
    const invited = await inviteUser(t)
    const row = await t.db.db
      .selectFrom('account_users')
      .select(['invitation_sent_at', 'invitation_expires_at'])
      .where('id', '=', invited.accountUserId)
      .executeTakeFirstOrThrow()
    expect(new Date(row.invitation_sent_at!).toISOString()).toBe(sentAt.toISOString())
    expect(new Date(row.invitation_expires_at!).getTime()).toBe(
      sentAt.getTime() + t.config.invitationTtlMs,
    )
  })

  it('keeps the invitation valid until exactly the configured TTL has passed', async () => {
    await t.close()
    t = await buildTestApp({ invitationTtlMs: 2 * 3600_000 })
    const invited = await inviteUser(t)
    t.clock.advance(2 * 3600_000 - 1)
    expect((await t.request({ method: 'GET', url: invited.path })).json().invitation.status).toBe(
      'Invited',
    )
    t.clock.advance(1)
    expect((await t.request({ method: 'GET', url: invited.path })).json().invitation.status).toBe(
      'InvitationExpired',
    )
  })

  it('refuses an invitation status other than Invited, naming the field, and writes nothing', async () => {
    const { accountId, groupId } = t.operations
    for (const status of ['Active', 'InvitationExpired', 'Anything']) {
      const res = await t.request({
        method: 'POST',
        url: scopedUsersPath(accountId),
        payload: { ...inviteBody(uniqueEmail(), [groupId]), invitation: { status } },
      })
      expect(res.statusCode).toBe(400)
      expect(Object.keys(res.json().errors)).toEqual(['invitation.status'])
    }
    expect(await t.db.db.selectFrom('users').selectAll().execute()).toEqual([])
  })

  it('accepts a body without an invitation member', async () => {
    const { accountId, groupId } = t.operations
    const { invitation: _omitted, ...payload } = inviteBody(uniqueEmail(), [groupId])
    const res = await t.request({ method: 'POST', url: scopedUsersPath(accountId), payload })
    expect(res.statusCode).toBe(201)
    expect(res.json().invitation.status).toBe('Invited')
  })

  it('matches an existing user after trimming and ignoring case, keeping their email as stored', async () => {
    const first = await inviteUser(t, { email: 'grace@example.com' })
    const other = await createAccount(t.db.db)
    const second = await inviteUser(t, { email: '  GRACE@Example.COM  ', accountId: other })
    expect(second.userId).toBe(first.userId)
    expect(second.body.email).toBe('grace@example.com')
    expect(await t.db.db.selectFrom('users').selectAll().execute()).toHaveLength(1)
  })

  it('refuses an email already in the account even when only case and spaces differ', async () => {
    await inviteUser(t, { email: 'grace@example.com' })
    const res = await t.request({
      method: 'POST',
      url: scopedUsersPath(t.operations.accountId),
      payload: inviteBody(' Grace@EXAMPLE.com ', [t.operations.groupId]),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('ACCOUNT_USER_ALREADY_EXISTS')
    expect(await t.db.db.selectFrom('email_outbox').selectAll().execute()).toHaveLength(1)
  })

  it('queues the email in the same transaction: when queueing fails, no user or membership remains', async () => {
    await sql`ALTER TABLE email_outbox RENAME TO email_outbox_unavailable`.execute(t.db.db)
    const res = await t.request({
      method: 'POST',
      url: scopedUsersPath(t.operations.accountId),
      payload: inviteBody(uniqueEmail(), [t.operations.groupId]),
    })
    await sql`ALTER TABLE email_outbox_unavailable RENAME TO email_outbox`.execute(t.db.db)
    expect(res.statusCode).toBe(500)
    expect(await t.db.db.selectFrom('users').selectAll().execute()).toEqual([])
    expect(await t.db.db.selectFrom('account_users').selectAll().execute()).toEqual([])
    expect(await t.db.db.selectFrom('email_outbox').selectAll().execute()).toEqual([])
  })

  it('mails the link of the response plus the mailbox proof', async () => {
    const invited = await inviteUser(t)
    const [mail] = await t.deliverEmails()
    expect(mail!.to).toBe(invited.email)
    expect(mail!.text).not.toContain(invited.body.invitation.url)
    expect(mail!.text).toContain(`${t.config.publicUrl}/accept-invite?code=${invited.code}`)
  })

  it('refuses groups of another account on create', async () => {
    const other = await createAccount(t.db.db)
    const foreign = await createUserGroup(t.db.db, other)
    const res = await t.request({
      method: 'POST',
      url: scopedUsersPath(t.operations.accountId),
      payload: inviteBody(uniqueEmail(), [t.operations.groupId, foreign]),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'ACCOUNT_USER_GROUP_INVALID',
      errors: [{ properties: ['groups[1].id'] }],
    })
    expect(await t.db.db.selectFrom('email_outbox').selectAll().execute()).toEqual([])
  })
})
