import { isOperations, type Actor } from '../access/actor.js'
import { auditEvent } from '../lib/audit-event.js'
import type { Buyer } from './buyer.js'
import { BUYER_OUTPUT, BUYER_OUTPUT_WITHOUT_ERRORS } from './buyer-fields.js'

/** What the actor may see of a buyer: `errors` is Operations-only. */
export function buyerView(actor: Actor) {
  const ops = isOperations(actor)
  return {
    present: (buyer: Buyer) => presentBuyer(buyer, { withErrors: ops }),
    spec: { fields: ops ? BUYER_OUTPUT : BUYER_OUTPUT_WITHOUT_ERRORS, omittedByDefault: ['audit'] },
  }
}

/** `withErrors`: include the Operations-only `errors` (ERP-sync messages; none are kept yet). */
export function presentBuyer(
  buyer: Buyer,
  options: { withErrors: boolean },
): Record<string, unknown> {
  const contact = buyer.contact && {
    name: [buyer.contact.firstName, buyer.contact.lastName].filter(Boolean).join(' ') || null,
    firstName: buyer.contact.firstName ?? null,
    lastName: buyer.contact.lastName ?? null,
    email: buyer.contact.email ?? null,
    ...(buyer.contact.phone
      ? {
          phone: {
            prefix: buyer.contact.phone.prefix ?? null,
            number: buyer.contact.phone.number ?? null,
          },
        }
      : {}),
    user: buyer.contactUser,
  }
  return {
    id: buyer.id,
    name: buyer.name,
    icon: buyer.icon,
    status: buyer.status,
    address: buyer.address,
    contact,
    externalIds: buyer.externalIds,
    taxId: buyer.taxId,
    account: buyer.account,
    sellers: buyer.sellers,
    ...(options.withErrors ? { errors: [] } : {}),
    audit: {
      created: auditEvent(buyer.createdAt, buyer.createdBy),
      ...(buyer.updatedAt ? { updated: auditEvent(buyer.updatedAt, buyer.updatedBy) } : {}),
      ...buyer.statusEvents,
    },
  }
}
