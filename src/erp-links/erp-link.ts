import type { ActorRef } from '../access/actor.js'
import type { Address } from '../accounts/account.js'
import type { AuditEvents } from '../accounts/latest-audit-events.js'
import type { BuyerExternalIds } from '../buyers/buyer.js'
import type { SellerRef } from '../sellers/seller.js'

export const ERP_LINK_STATUSES = ['Active', 'Blocked'] as const
export type ErpLinkStatus = (typeof ERP_LINK_STATUSES)[number]

export type ErpLinkAction = 'block' | 'unblock'

/** §11.4: block and unblock toggle; there is no delete. */
export const ERP_LINK_ACTIONS: Record<
  ErpLinkAction,
  { from: ErpLinkStatus; to: ErpLinkStatus; event: string }
> = {
  block: { from: 'Active', to: 'Blocked', event: 'blocked' },
  unblock: { from: 'Blocked', to: 'Active', event: 'unblocked' },
}

export interface ErpLink {
  id: string
  icon: string | null
  status: ErpLinkStatus
  buyer: { id: string; name: string; icon: string | null; status: string; accountId: string }
  seller: SellerRef
  externalIds: BuyerExternalIds | null
  address: Address | null
  note: string | null
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
  /** the latest blocked / unblocked events (`ErpLinkAudit`) */
  statusEvents: AuditEvents
}

/** `"<buyer name> - <seller name>"` (§11.4). */
export function erpLinkName(buyerName: string, sellerName: string): string {
  return `${buyerName} - ${sellerName}`
}
