import type { ModuleRef } from '../modules/module-ref.js'
import type { ActorRef } from '../access/actor.js'

/** What `invitation.status` says; `InvitationExpired` may be derived from the clock before the sweep stores it. */
export type InvitationStatus = 'Invited' | 'InvitationExpired' | 'Active'

/** Which invitation actions each (effective) status allows. */
export const INVITATION_ACTIONS: Record<
  InvitationStatus,
  ReadonlyArray<'resend' | 'sendNew' | 'accept'>
> = {
  Invited: ['resend', 'accept'],
  InvitationExpired: ['sendNew'],
  Active: [],
}

export function effectiveInvitationStatus(
  stored: InvitationStatus,
  expiresAt: Date | null,
  now: Date,
): InvitationStatus {
  if (stored === 'Invited' && expiresAt && now.getTime() >= expiresAt.getTime())
    return 'InvitationExpired'
  return stored
}

export interface PhoneNumber {
  prefix: string | null
  number: string | null
}

export interface UserSettings {
  cultureCode?: string | null
  languageCode?: string | null
}

/**
 * The person behind a membership, as this account sees them: `firstName`, `lastName` and `phone`
 * are the person's own once they registered, and until then what this account typed.
 */
export interface AccountUserPerson {
  id: string
  email: string
  firstName: string
  lastName: string
  phone: PhoneNumber
  icon: string | null
  status: string
  settings: UserSettings | null
  lastLoginAt: Date | null
  hasPassword: boolean
}

export interface AccountRef {
  id: string
  name: string
  type: string
  status: string
  icon: string | null
}

export interface UserGroupRef {
  id: string
  name: string
  description: string | null
  logo: string | null
  isDefault: boolean
}

export type { ModuleRef }

export interface BuyerRef {
  id: string
  name: string
  icon: string | null
}

export interface AccountUser {
  id: string
  accountId: string
  userId: string
  storedStatus: InvitationStatus
  /** effective at the time it was read */
  status: InvitationStatus
  sealedSecret: string | null
  /** the sealed mailbox proof only the emailed link carries; null on invitations made before it existed */
  sealedProof: string | null
  invitationSentAt: Date | null
  invitationExpiresAt: Date | null
  invitationAcceptedAt: Date | null
  joinedAt: Date | null
  accessAt: Date | null
  lastLoginAt: Date | null
  version: number
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
  user: AccountUserPerson
  account: AccountRef
  groups: UserGroupRef[]
  modules: ModuleRef[]
  /** null: some group grants every buyer of the account */
  buyers: BuyerRef[] | null
}

/** An account user as returned to callers: the model plus the link while it can be used. */
export interface AccountUserView extends AccountUser {
  invitationUrl: string | null
}
