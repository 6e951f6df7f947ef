import { auditEvent } from '../lib/audit-event.js'
import type { Licensee } from './licensee.js'
import { LICENSEE_OUTPUT } from './licensee-fields.js'

export const LICENSEE_VIEW = { fields: LICENSEE_OUTPUT, omittedByDefault: ['audit'] }

export function presentLicensee(licensee: Licensee): Record<string, unknown> {
  const c = licensee.contact
  const contact = c && {
    name: [c.firstName, c.lastName].filter(Boolean).join(' ') || null,
    firstName: c.firstName ?? null,
    lastName: c.lastName ?? null,
    email: c.email ?? null,
    ...(c.phone
      ? { phone: { prefix: c.phone.prefix ?? null, number: c.phone.number ?? null } }
      : {}),
    ...(licensee.contactUser ? { user: licensee.contactUser } : {}),
  }
  return {
    id: licensee.id,
    name: licensee.name,
    externalId: licensee.externalId,
    icon: licensee.icon,
    status: licensee.status,
    useBuyerAddress: licensee.useBuyerAddress,
    // decision 36: with the buyer's address, readers take the buyer's current one
    address: licensee.useBuyerAddress ? null : licensee.address,
    description: licensee.description,
    contact,
    account: licensee.account,
    buyer: licensee.buyer,
    seller: licensee.seller,
    eligibility: licensee.eligibility,
    audit: {
      created: auditEvent(licensee.createdAt, licensee.createdBy),
      ...(licensee.updatedAt
        ? { updated: auditEvent(licensee.updatedAt, licensee.updatedBy) }
        : {}),
      ...licensee.statusEvents,
    },
  }
}
