import { auditEvent } from '../lib/audit-event.js'
import type { UserGroup } from './user-group.js'

export function presentUserGroup(group: UserGroup): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    logo: group.logo,
    isDefault: group.isDefault,
    account: group.account,
    modules: group.modules,
    buyers: group.buyers,
    audit: {
      created: auditEvent(group.createdAt, group.createdBy),
      ...(group.updatedAt ? { updated: auditEvent(group.updatedAt, group.updatedBy) } : {}),
    },
  }
}
