import type { ActorRef } from '../access/actor.js'
import type {
  AccountRef,
  InvitationStatus,
  PhoneNumber,
  UserSettings,
} from '../account-users/account-user.js'

/** What `users.status` stores; `InvitationExpired` is only ever derived, per account. */
export type UserStatus = 'Invited' | 'Active' | 'Blocked' | 'Disabled' | 'Deleted'

export type UserAction = 'block' | 'unblock' | 'delete'

/**
 * Which Operations actions each status allows (§6.2). Block keeps the status it interrupts in
 * `status_before_block`, and unblock returns there. Delete needs the user detached (Disabled) or
 * blocked first; an Active or Invited user is refused rather than removed from every account.
 */
export const USER_ACTIONS: Record<UserStatus, readonly UserAction[]> = {
  Invited: ['block'],
  Active: ['block'],
  Disabled: ['block', 'delete'],
  Blocked: ['unblock', 'delete'],
  Deleted: [],
}

/** One membership of the user, as the user resource needs it. */
export interface UserMembership {
  account: AccountRef
  /** effective at the time it was read */
  status: InvitationStatus
  /** the member's last use of the account (`audit.access`), and when they joined it */
  accessAt: Date | null
  joinedAt: Date | null
  /** the names and phone this account typed when it invited the person (null before issue #12) */
  invitee: { firstName: string; lastName: string; phone: PhoneNumber } | null
}

export interface User {
  id: string
  email: string
  firstName: string
  lastName: string
  phone: PhoneNumber
  icon: string | null
  status: UserStatus
  statusBeforeBlock: UserStatus | null
  settings: UserSettings | null
  lastLoginAt: Date | null
  invitationAcceptedAt: Date | null
  /** registered: the person set a password; until then each account sees what it typed */
  hasPassword: boolean
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
  memberships: UserMembership[]
}
