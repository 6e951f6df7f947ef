import { auditEvent, type StoredActor } from '../lib/audit-event.js'
import type { User } from './user.js'

/**
 * The status a caller reads (§5.3); mirrors `status` in user-fields.ts. An account reads the
 * invitation status of its membership; Operations read the user's own, where an invited user
 * whose every invitation has expired is `InvitationExpired` too (§6.2 #2, issue #11).
 */
export function statusSeenBy(user: User, accountId: string | undefined): string {
  if (user.status === 'Blocked' || user.status === 'Deleted') return user.status
  if (accountId !== undefined)
    return user.memberships.find((m) => m.account.id === accountId)?.status ?? user.status
  const expired =
    user.memberships.length > 0 && user.memberships.every((m) => m.status === 'InvitationExpired')
  return user.status === 'Invited' && expired ? 'InvitationExpired' : user.status
}

/**
 * `currentAccount` (§5.3, §7): the account the user is working in, i.e. the joined account they
 * used last (`audit.access`), else the one they joined first; null before they join any. An
 * account's caller sees it only when it is their own account: where else the person works is
 * not another tenant's business.
 */
export function currentAccountOf(user: User, accountId: string | undefined) {
  const time = (date: Date | null) => date?.getTime() ?? Number.NEGATIVE_INFINITY
  const joined = user.memberships.filter((m) => m.status === 'Active')
  const current = joined.reduce<(typeof joined)[number] | undefined>((best, m) => {
    if (!best) return m
    if (time(m.accessAt) !== time(best.accessAt))
      return time(m.accessAt) > time(best.accessAt) ? m : best
    return time(m.joinedAt) < time(best.joinedAt) ? m : best
  }, undefined)
  if (!current || (accountId !== undefined && current.account.id !== accountId)) return null
  return current.account
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
    currentAccount: currentAccountOf(user, accountId),
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
