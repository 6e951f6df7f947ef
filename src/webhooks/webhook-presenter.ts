import { auditEvent } from '../lib/audit-event.js'
import { deliveryIdOf, type Webhook, type WebhookDelivery } from './webhook.js'

export function presentWebhook(webhook: Webhook): Record<string, unknown> {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    description: webhook.description,
    status: webhook.status,
    disabledReason: webhook.disabledReason,
    account: { id: webhook.accountId, name: webhook.accountName },
    audit: {
      created: auditEvent(webhook.createdAt, webhook.createdBy),
      ...(webhook.updatedAt ? { updated: auditEvent(webhook.updatedAt, webhook.updatedBy) } : {}),
    },
  }
}

/** One entry of the delivery log: what was sent, and what each try got back. */
export function presentDelivery(delivery: WebhookDelivery): Record<string, unknown> {
  return {
    id: deliveryIdOf(delivery.id),
    event: { id: delivery.eventId, type: delivery.eventType },
    status: delivery.status,
    attempts: delivery.attempts,
    responseStatus: delivery.responseStatus,
    durationMs: delivery.durationMs,
    error: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: delivery.status === 'Pending' ? delivery.nextAttemptAt.toISOString() : null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    redeliveryOf: delivery.redeliveryOf === null ? null : deliveryIdOf(delivery.redeliveryOf),
  }
}
