import { createAccount, createApiToken, createUserGroup, inviteBody } from '../support/factories.js'
import { codeFromUrl, scopedUsersPath } from '../support/account-users.js'
import type { TestApp } from '../support/test-app.js'

export const API = '/public/v1/accounts'

/** A Client account with an administrator's API token and a group to invite into. */
export interface Tenant {
  id: string
  token: string
  tokenId: string
  groupId: string
}

export async function createTenant(t: TestApp, name: string): Promise<Tenant> {
  const id = await createAccount(t.db.db, { type: 'Client', name })
  const token = await createApiToken(t.db.db, id, { name: `${name} admin token` })
  const groupId = await createUserGroup(t.db.db, id, { name: `${name} admins` })
  return { id, token: token.credential, tokenId: token.id, groupId }
}

/** What an administrator gets back from an invite: the response and the link it may copy. */
export interface AdminInvite {
  status: number
  body: Record<string, any>
  /** `/public/v1/accounts/accounts/{ACC}/users/{USR}` */
  path: string
  userId: string
  /** the `code` of `invitation.url`: the copied link */
  copiedCode: string
}

/** The tenant's administrator invites `email` through the SDK family with its own token. */
export async function adminInvites(
  t: TestApp,
  tenant: Tenant,
  email: string,
  names: { firstName?: string; lastName?: string; phone?: { prefix: string; number: string } } = {},
): Promise<AdminInvite> {
  const body = inviteBody(email, [tenant.groupId])
  Object.assign(body.user, names)
  const res = await t.request({
    method: 'POST',
    url: scopedUsersPath(tenant.id),
    payload: body,
    token: tenant.token,
  })
  if (res.statusCode !== 201) throw new Error(`invite failed: ${res.statusCode} ${res.body}`)
  const json = res.json()
  return {
    status: res.statusCode,
    body: json,
    path: `${scopedUsersPath(tenant.id)}/${json.id}`,
    userId: json.id,
    copiedCode: codeFromUrl(json.invitation.url),
  }
}

/**
 * The `code` of the link in the newest invitation email to `to`: what only the mailbox holds.
 * Delivers whatever the outbox holds first.
 */
export async function emailedCode(t: TestApp, to: string): Promise<string> {
  await t.deliverEmails()
  const mail = [...t.mailer.sent]
    .reverse()
    .find((m) => m.to === to && /accept-invite\?code=/.test(m.text))
  if (!mail) throw new Error(`no invitation email to ${to}`)
  const match = /accept-invite\?code=([A-Za-z0-9_%=-]+)/.exec(mail.text)
  return decodeURIComponent(match![1]!)
}

/** The newest one-time code mailed to `to` (six digits on a line of their own). */
export async function mailedOneTimeCode(t: TestApp, to: string): Promise<string | undefined> {
  await t.deliverEmails()
  const mail = [...t.mailer.sent]
    .reverse()
    .find((m) => m.to === to && /^\s*\d{6}\s*$/m.test(m.text))
  return mail ? /^\s*(\d{6})\s*$/m.exec(mail.text)![1] : undefined
}

/** POST …/accept-invite as a client with no token (or with `token`) sends it on the wire. */
export function postAccept(
  t: TestApp,
  path: string,
  payload: Record<string, unknown>,
  options: { token?: string | null; remoteAddress?: string } = {},
) {
  return t.app.inject({
    method: 'POST',
    url: `${path}/accept-invite`,
    payload,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  })
}

/** The accept page's form post, urlencoded as a browser sends it. */
export function postAcceptForm(
  t: TestApp,
  fields: Record<string, string>,
  options: { remoteAddress?: string } = {},
) {
  return t.app.inject({
    method: 'POST',
    url: '/accept-invite',
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  })
}

export async function storedUser(t: TestApp, userId: string) {
  return t.db.db
    .selectFrom('users')
    .select(['first_name', 'last_name', 'phone_prefix', 'phone_number', 'password_hash', 'status'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow()
}

export async function membershipStatus(t: TestApp, accountId: string, userId: string) {
  const row = await t.db.db
    .selectFrom('account_users')
    .select('status')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row?.status
}

/** A password only the attacker knows. */
export const ATTACKER_PASSWORD = 'Att4cker!chosen'
/** The real person's own password. */
export const OWN_PASSWORD = 'Own-Passw0rd!x'
