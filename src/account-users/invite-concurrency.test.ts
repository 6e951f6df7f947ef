import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { scopedUsersPath } from '../../test/support/account-users.js'
import { createAccount, createUserGroup, inviteBody } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

/**
 * Invites racing each other. On SQLite concurrent transactions share one group commit (savepoints
 * of one transaction); on PostgreSQL they run on separate connections. Either way each request is
 * all or nothing, and a lost race is a clean 400, never a 500 or a half-written invite.
 */
describe('concurrent invites', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  const count = async (table: 'users' | 'account_users' | 'email_outbox' | 'audit_events') =>
    Number(
      (
        await t.db.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('the same new email twice at once: one 201, one 400, and one user, membership, email', async () => {
    const before = {
      users: await count('users'),
      accountUsers: await count('account_users'),
      outbox: await count('email_outbox'),
      audit: await count('audit_events'),
    }
    const emails = Array.from({ length: 15 }, (_, i) => `race-${i}@example.com`)
    const responses = await Promise.all(
      emails.flatMap((email) =>
        [0, 1].map(() =>
          t.request({
            method: 'POST',
            url: scopedUsersPath(t.operations.accountId),
            payload: inviteBody(email, [t.operations.groupId]),
          }),
        ),
      ),
    )
    for (let i = 0; i < emails.length; i++) {
      const pair = [responses[2 * i]!, responses[2 * i + 1]!]
      expect(pair.map((r) => r.statusCode).sort()).toEqual([201, 400])
      expect(pair.find((r) => r.statusCode === 400)!.json().code).toBe(
        'ACCOUNT_USER_ALREADY_EXISTS',
      )
    }
    expect(await count('users')).toBe(before.users + emails.length)
    expect(await count('account_users')).toBe(before.accountUsers + emails.length)
    expect(await count('email_outbox')).toBe(before.outbox + emails.length)
    // a user created + an account user created per invite, nothing for the refused ones
    expect(await count('audit_events')).toBe(before.audit + 2 * emails.length)
  })

  it('the same new email into two accounts at once: one user, two memberships', async () => {
    const other = await createAccount(t.db.db, { type: 'Client' })
    const otherGroup = await createUserGroup(t.db.db, other)
    const email = 'shared@example.com'
    const responses = await Promise.all([
      t.request({
        method: 'POST',
        url: scopedUsersPath(t.operations.accountId),
        payload: inviteBody(email, [t.operations.groupId]),
      }),
      t.request({
        method: 'POST',
        url: scopedUsersPath(other),
        payload: inviteBody(email, [otherGroup]),
      }),
    ])
    expect(responses.map((r) => r.statusCode)).toEqual([201, 201])
    expect(responses[0]!.json().id).toBe(responses[1]!.json().id)
    const rows = await t.db.db
      .selectFrom('account_users as au')
      .innerJoin('users as u', 'u.id', 'au.user_id')
      .select(['au.account_id', 'u.id'])
      .where('u.email', '=', email)
      .execute()
    expect(rows.map((r) => r.account_id).sort()).toEqual([t.operations.accountId, other].sort())
    expect(new Set(rows.map((r) => r.id)).size).toBe(1)
  })
})
