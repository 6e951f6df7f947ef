import type { Address } from '../accounts/account.js'
import type { ActorRef } from '../access/actor.js'
import type { AccountRef } from '../account-users/account-user.js'
import type { AuditEvents } from '../accounts/latest-audit-events.js'
import type { BuyerSeller } from '../erp-links/erp-link-repository.js'

export const BUYER_STATUSES = [
  'Active',
  'Enabled',
  'Disabled',
  'Deleted',
  'Unassigned',
  'Conflict',
  'Mismatch',
] as const
export type BuyerStatus = (typeof BUYER_STATUSES)[number]

export type BuyerAction = 'enable' | 'disable' | 'activate' | 'deactivate' | 'delete'

/** ERP-sync states: set by synchronisation with the ERP, left by activating, disabling or deleting. */
const OUT_OF_SYNC: BuyerStatus[] = ['Unassigned', 'Conflict', 'Mismatch']

/** Where each action may start and where it leads (§5.6): delete is final. */
export const BUYER_ACTIONS: Record<
  BuyerAction,
  { from: readonly BuyerStatus[]; to: BuyerStatus; event: string }
> = {
  activate: { from: ['Enabled', ...OUT_OF_SYNC], to: 'Active', event: 'activated' },
  deactivate: { from: ['Active'], to: 'Enabled', event: 'deactivated' },
  disable: { from: ['Enabled', 'Active', ...OUT_OF_SYNC], to: 'Disabled', event: 'disabled' },
  enable: { from: ['Disabled'], to: 'Enabled', event: 'enabled' },
  delete: {
    from: ['Enabled', 'Active', 'Disabled', ...OUT_OF_SYNC],
    to: 'Deleted',
    event: 'deleted',
  },
}

export interface BuyerContact {
  firstName?: string | null
  lastName?: string | null
  email?: string | null
  phone?: { prefix?: string | null; number?: string | null } | null
}

export interface BuyerExternalIds {
  erpCompanyContact?: string | null
  erpCustomer?: string | null
  accountExternalId?: string | null
}

export interface Buyer {
  id: string
  accountId: string
  name: string
  icon: string | null
  status: BuyerStatus
  address: Address | null
  contact: BuyerContact | null
  externalIds: BuyerExternalIds | null
  taxId: string | null
  /** derived from the buyer's ERP links (decision 40) */
  sellers: BuyerSeller[]
  account: AccountRef
  /** the account's user whose email is the contact's (`contact.user`), if there is one */
  contactUser: { id: string; name: string; icon: string | null } | null
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
  /** the latest activated / disabled / unassigned events (`BuyerAudit`) */
  statusEvents: AuditEvents
}
