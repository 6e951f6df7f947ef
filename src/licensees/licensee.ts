import type { ActorRef } from '../access/actor.js'
import type { Address } from '../accounts/account.js'
import type { AccountRef } from '../account-users/account-user.js'
import type { AuditEvents } from '../accounts/latest-audit-events.js'
import type { SellerRef } from '../sellers/seller.js'

export const LICENSEE_STATUSES = ['Enabled', 'Active', 'Disabled', 'Deleted'] as const
export type LicenseeStatus = (typeof LICENSEE_STATUSES)[number]

export type LicenseeAction = 'enable' | 'disable' | 'delete'

/**
 * Where each action may start (§11.3); `enable` leads to Enabled or Active by the connection
 * (decision 33), so its target is decided when it runs.
 */
export const LICENSEE_ACTIONS: Record<
  LicenseeAction,
  { from: readonly LicenseeStatus[]; to: LicenseeStatus | 'connected'; event: string }
> = {
  enable: { from: ['Disabled'], to: 'connected', event: 'enabled' },
  disable: { from: ['Enabled', 'Active'], to: 'Disabled', event: 'disabled' },
  delete: { from: ['Enabled', 'Active', 'Disabled'], to: 'Deleted', event: 'deleted' },
}

export interface LicenseeEligibility {
  client: boolean
  partner: boolean
}

/** Decision 37: a licensee is for the client's own use unless told otherwise. */
export const DEFAULT_ELIGIBILITY: LicenseeEligibility = { client: true, partner: false }

/** The contact as stored: `userId` names a user of the licensee's account. */
export interface StoredContact {
  firstName?: string | null
  lastName?: string | null
  email?: string | null
  phone?: { prefix?: string | null; number?: string | null } | null
  userId?: string | null
}

export interface Licensee {
  id: string
  accountId: string
  name: string | null
  externalId: string | null
  icon: string | null
  status: LicenseeStatus
  useBuyerAddress: boolean
  address: Address | null
  description: string | null
  contact: StoredContact | null
  /** the contact user's reference, when the contact names one */
  contactUser: { id: string; name: string; icon: string | null } | null
  account: AccountRef
  buyer: { id: string; name: string; icon: string | null }
  seller: SellerRef
  eligibility: LicenseeEligibility
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
  /** the latest `disabled` event (`LicenseeAudit`) */
  statusEvents: AuditEvents
}
