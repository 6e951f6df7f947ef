import { createUserGroup, inviteBody } from './factories.js'
import type { TestApp } from './test-app.js'

/** Meets the portal's policy: length, upper, lower, digit, special. */
export const STRONG_PASSWORD = 'Str0ng!Passw0rd'

let sequence = 0

/** A fresh address per call, so tests never collide on the unique email. */
export function uniqueEmail(name = 'invitee'): string {
  sequence += 1
  return `${name}-${sequence}@example.com`
}

export function scopedUsersPath(accountId: string, family: 'sdk' | 'v4' = 'sdk'): string {
  return family === 'sdk'
    ? `/public/v1/accounts/accounts/${accountId}/users`
    : `/public/v1/accounts/${accountId}/users`
}

export const LEGACY_PATH = '/public/v1/accounts/account-users'

/** The `code` parameter of an invitation link, exactly as it appears in the link. */
export function codeFromUrl(url: string): string {
  const code = new URL(url).searchParams.get('code')
  if (!code) throw new Error(`no code in ${url}`)
  return code
}

export function decodeInvitationLinkCode(code: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(code, 'base64url').toString('utf8')) as Record<string, unknown>
}

/**
 * The `code` of the link in the newest invitation email queued for `to`, read from the outbox
 * without delivering anything: the emailed link, which carries the mailbox proof (issue #12).
 */
export async function emailedCodeFor(t: TestApp, to: string): Promise<string> {
  const rows = await t.db.db
    .selectFrom('email_outbox')
    .select('payload')
    .where('kind', '=', 'invitation')
    .orderBy('id', 'desc')
    .execute()
  for (const row of rows) {
    const email = JSON.parse(t.services.box.open(row.payload)) as { to: string; text: string }
    if (email.to.toLowerCase() !== to.trim().toLowerCase()) continue
    const match = /accept-invite\?code=([A-Za-z0-9_%=-]+)/.exec(email.text)
    if (match) return decodeURIComponent(match[1]!)
  }
  throw new Error(`no invitation email queued for ${to}`)
}

/** The newest one-time code queued for `to` (issue #12: proof of the mailbox for a copied link). */
export async function oneTimeCodeFor(t: TestApp, to: string): Promise<string> {
  const rows = await t.db.db
    .selectFrom('email_outbox')
    .select('payload')
    .where('kind', '=', 'invitation-confirmation')
    .orderBy('id', 'desc')
    .execute()
  for (const row of rows) {
    const email = JSON.parse(t.services.box.open(row.payload)) as { to: string; text: string }
    const match = /^(\d{6})$/m.exec(email.text)
    if (email.to.toLowerCase() === to.trim().toLowerCase() && match) return match[1]!
  }
  throw new Error(`no one-time code queued for ${to}`)
}

export interface Invited {
  accountId: string
  /** the USR- id */
  userId: string
  /** the AUSR- id */
  accountUserId: string
  email: string
  /** the code of the emailed link: what the invitee holds (it proves the mailbox) */
  code: string
  /** the code of `invitation.url`: what an administrator copies (it proves nothing) */
  copiedCode: string
  /** `/public/v1/accounts/accounts/{acc}/users/{USR}` */
  path: string
  body: Record<string, any>
}

/**
 * Invites through the SDK family as Operations. Without `groupIds`, uses the Operations default
 * group in the Operations account, or a new group in any other account.
 */
export async function inviteUser(
  t: TestApp,
  options: { email?: string; accountId?: string; groupIds?: string[] } = {},
): Promise<Invited> {
  const accountId = options.accountId ?? t.operations.accountId
  const groupIds =
    options.groupIds ??
    (accountId === t.operations.accountId
      ? [t.operations.groupId]
      : [await createUserGroup(t.db.db, accountId)])
  const email = options.email ?? uniqueEmail()
  const res = await t.request({
    method: 'POST',
    url: scopedUsersPath(accountId),
    payload: inviteBody(email, groupIds),
  })
  if (res.statusCode !== 201) throw new Error(`invite failed: ${res.statusCode} ${res.body}`)
  const body = res.json()
  return {
    accountId,
    userId: body.id,
    accountUserId: body.accountUserId,
    email,
    code: await emailedCodeFor(t, email),
    copiedCode: codeFromUrl(body.invitation.url),
    path: `${scopedUsersPath(accountId)}/${body.id}`,
    body,
  }
}

let clients = 0

/**
 * A client address of its own (10.200.x.y): each invitee accepts from their own device, so tests
 * that accept many invitations do not add up against the per-address rate limit (issue #12).
 */
export function nextClientAddress(): string {
  clients += 1
  return `10.200.${Math.floor(clients / 250) % 250}.${(clients % 250) + 1}`
}

/** The invitee accepts: no token unless one is given; `query` is appended as is (`?select=audit`). */
export function acceptInvite(
  t: TestApp,
  path: string,
  payload: Record<string, unknown>,
  options: { token?: string | null; query?: string; remoteAddress?: string } = {},
) {
  return t.request({
    method: 'POST',
    url: `${path}/accept-invite${options.query ?? ''}`,
    payload,
    token: options.token ?? null,
    remoteAddress: options.remoteAddress ?? nextClientAddress(),
  })
}

/** Invites and accepts as a new user with a strong password. */
export async function inviteAndAccept(
  t: TestApp,
  options: Parameters<typeof inviteUser>[1] = {},
): Promise<Invited> {
  const invited = await inviteUser(t, options)
  const res = await acceptInvite(t, invited.path, { code: invited.code, password: STRONG_PASSWORD })
  if (res.statusCode !== 200) throw new Error(`accept failed: ${res.statusCode} ${res.body}`)
  return invited
}

export async function auditEvents(t: TestApp, objectId: string, event: string) {
  return t.db.db
    .selectFrom('audit_events')
    .selectAll()
    .where('object_id', '=', objectId)
    .where('event', '=', event)
    .execute()
}
