import { auditEvent } from '../lib/audit-event.js'
import type { AccountRecord } from './account-repository.js'

export function presentAccount(account: AccountRecord): Record<string, unknown> {
  return {
    id: account.id,
    name: account.name,
    type: account.type,
    status: account.status,
    icon: account.icon,
    externalId: account.externalId,
    externalName: account.externalName,
    externalIds: account.externalIds,
    serviceLevel: account.serviceLevel,
    address: account.address,
    technicalSupportEmail: account.technicalSupportEmail,
    website: account.website,
    description: account.description,
    groups: account.groups,
    eligibility: account.eligibility,
    settings: account.settings,
    audit: {
      created: auditEvent(account.createdAt, account.createdBy),
      ...(account.updatedAt ? { updated: auditEvent(account.updatedAt, account.updatedBy) } : {}),
      ...account.statusEvents,
    },
  }
}
