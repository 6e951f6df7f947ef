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

/** `User` (§5.3). `accountId`: the caller's account, or undefined for Operations, who alone see `accounts`. */
export function presentUser(user: User, accountId: string | undefined): Record<string, unknown> {
  return {
    id: user.id,
    name: `${user.firstName} ${user.lastName}`,
    icon: user.icon,
    phone: user.phone,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
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
