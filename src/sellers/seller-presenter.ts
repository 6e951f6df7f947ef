import { auditEvent } from '../lib/audit-event.js'
import type { Seller } from './seller.js'
import { SELLER_OUTPUT } from './seller-fields.js'

export const SELLER_VIEW = { fields: SELLER_OUTPUT, omittedByDefault: ['audit'] }

/** Currencies leave as v4's codes (decision 26); the flags stay stored. */
export function presentSeller(seller: Seller): Record<string, unknown> {
  return {
    id: seller.id,
    name: seller.name,
    externalId: seller.externalId,
    icon: seller.icon,
    status: seller.status,
    currencies: seller.currencies.map((c) => c.value),
    address: seller.address,
    audit: {
      created: auditEvent(seller.createdAt, seller.createdBy),
      ...(seller.updatedAt ? { updated: auditEvent(seller.updatedAt, seller.updatedBy) } : {}),
    },
  }
}
