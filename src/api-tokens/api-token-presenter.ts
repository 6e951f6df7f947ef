import { auditEvent } from '../lib/audit-event.js'
import type { ApiToken } from './api-token-repository.js'

export function presentApiToken(token: ApiToken): Record<string, unknown> {
  return {
    id: token.id,
    icon: token.icon,
    name: token.name,
    description: token.description,
    status: token.status,
    lastAccessAt: token.lastAccessAt?.toISOString() ?? null,
    account: token.account,
    modules: token.modules,
    audit: {
      created: auditEvent(token.createdAt, token.createdBy),
      ...(token.updatedAt ? { updated: auditEvent(token.updatedAt, token.updatedBy) } : {}),
    },
  }
}
