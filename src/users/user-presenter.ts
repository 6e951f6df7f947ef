import { auditEvent, type StoredActor } from '../lib/audit-event.js'
import type { User } from './user.js'

/** The status a caller reads (§5.3); mirrors `status` in user-fields.ts. */
export function statusSeenBy(user: User, accountId: string | undefined): string {
  if (accountId === undefined || user.status === 'Blocked' || user.status === 'Deleted')
    return user.status
  return user.memberships.find((m) => m.account.id === accountId)?.status ?? user.status
}

/**
 * The names and phone the caller sees (issue #12): until the person registers, an account sees
 * what it typed itself when it invited them, never what another account typed; Operations, and
 * everyone once the person registered, see the user's own. Mirrors user-fields.ts.
 */
export function profileSeenBy(user: User, accountId: string | undefined) {
  const typed =
    accountId === undefined || user.hasPassword
      ? undefined
      : user.memberships.find((m) => m.account.id === accountId)?.invitee
  return typed ?? { firstName: user.firstName, lastName: user.lastName, phone: user.phone }
}

/** `User` (§5.3). `accountId`: the caller's account, or undefined for Operations, who alone see `accounts`. */
export function presentUser(user: User, accountId: string | undefined): Record<string, unknown> {
  const profile = profileSeenBy(user, accountId)
  return {
    id: user.id,
    name: `${profile.firstName} ${profile.lastName}`,
    icon: user.icon,
    phone: profile.phone,
    email: user.email,
    firstName: profile.firstName,
    lastName: profile.lastName,
    status: statusSeenBy(user, accountId),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    settings: {
      cultureCode: user.settings?.cultureCode ?? null,
      languageCode: user.settings?.languageCode ?? null,
    },
    ...(accountId === undefined ? { accounts: user.memberships.map((m) => m.account) } : {}),
    audit: {
      created: auditEvent(user.createdAt, actorSeenBy(user.createdBy, accountId)),
      ...(user.updatedAt
        ? { updated: auditEvent(user.updatedAt, actorSeenBy(user.updatedBy, accountId)) }
        : {}),
      invitationAcceptedAt: user.invitationAcceptedAt?.toISOString() ?? null,
    },
  }
}

/**
 * A user can belong to several accounts (decision 10): a token of another account that created
 * or changed the user is that account's business, so only Operations sees who it was (issue #4).
 */
function actorSeenBy(
  actor: StoredActor | null | undefined,
  accountId: string | undefined,
): StoredActor | null {
  if (!actor) return null
  return accountId === undefined || !actor.of || actor.of.id === accountId ? actor : null
}
