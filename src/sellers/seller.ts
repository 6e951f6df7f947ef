import type { ActorRef } from '../access/actor.js'
import type { Address } from '../accounts/account.js'

export const SELLER_STATUSES = ['Active', 'Offline', 'Disabled', 'Deleted'] as const
export type SellerStatus = (typeof SELLER_STATUSES)[number]

export type SellerAction = 'activate' | 'deactivate' | 'disable' | 'delete'

/** Where each action may start and where it leads (§11.2; decision 28 for delete). */
export const SELLER_ACTIONS: Record<
  SellerAction,
  { from: readonly SellerStatus[]; to: SellerStatus; event: string }
> = {
  activate: { from: ['Offline', 'Disabled'], to: 'Active', event: 'activated' },
  deactivate: { from: ['Active'], to: 'Offline', event: 'deactivated' },
  disable: { from: ['Active'], to: 'Disabled', event: 'disabled' },
  delete: { from: ['Active', 'Offline', 'Disabled'], to: 'Deleted', event: 'deleted' },
}

/** A currency as stored (decision 26): the code and its two flags. */
export interface SellerCurrency {
  value: string
  billingEnabled: boolean
  isDefault: boolean
}

export interface Seller {
  id: string
  name: string
  externalId: string | null
  icon: string | null
  status: SellerStatus
  currencies: SellerCurrency[]
  address: Address | null
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
}

/** `SellerRef`: the core members embedded in licensees, ERP links and `buyer.sellers`. */
export interface SellerRef {
  id: string
  name: string
  externalId: string | null
  icon: string | null
}
