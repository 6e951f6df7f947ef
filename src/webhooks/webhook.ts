import type { ActorRef } from '../access/actor.js'

export type WebhookStatus = 'Enabled' | 'Disabled'

/**
 * The event types an endpoint may subscribe to (docs/webhooks.md). Account-user events carry the
 * account user (the legacy `AccountUserQueryLegacy` shape, without `invitation.url`); the others
 * carry the user group, API token (never its secret) or account.
 */
export const WEBHOOK_EVENT_TYPES = [
  'account-user.invited',
  'account-user.invitation-resent',
  'account-user.invitation-expired',
  'account-user.invitation-renewed',
  'account-user.accepted',
  'account-user.declined',
  'account-user.removed',
  'account-user.groups-changed',
  'account-user.blocked',
  'account-user.unblocked',
  'user-group.created',
  'user-group.updated',
  'user-group.deleted',
  'api-token.created',
  'api-token.updated',
  'api-token.enabled',
  'api-token.disabled',
  'api-token.deleted',
  'account.created',
  'account.updated',
  'account.enabled',
  'account.disabled',
  'account.activated',
  'account.deactivated',
] as const

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/** The families a subscription may take whole: `account-user.*`, `user-group.*`, … */
export const WEBHOOK_EVENT_FAMILIES = [
  ...new Set(WEBHOOK_EVENT_TYPES.map((type) => type.split('.')[0]!)),
].map((family) => `${family}.*`)

/** Whether a subscription (`account-user.invited`, `account-user.*`) takes an event type. */
export function isSubscribed(events: readonly string[], type: string): boolean {
  const family = `${type.split('.')[0]}.*`
  return events.includes(type) || events.includes(family)
}

export interface Webhook {
  id: string
  accountId: string
  accountName: string
  url: string
  events: string[]
  description: string | null
  status: WebhookStatus
  /** why the service disabled it, when it did */
  disabledReason: string | null
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
}

export type DeliveryStatus = 'Pending' | 'Sending' | 'Delivered' | 'Failed'
export const DELIVERY_STATUSES = ['Pending', 'Sending', 'Delivered', 'Failed'] as const

export interface WebhookDelivery {
  id: number
  webhookId: string
  eventId: string
  eventType: string
  status: DeliveryStatus
  attempts: number
  nextAttemptAt: Date
  lastAttemptAt: Date | null
  responseStatus: number | null
  durationMs: number | null
  lastError: string | null
  redeliveryOf: number | null
  createdAt: Date
  deliveredAt: Date | null
}

/** A delivery's id on the wire: `WHD-<number>`. */
export const deliveryIdOf = (id: number) => `WHD-${id}`
export const DELIVERY_ID_PATTERN = '^WHD-[1-9][0-9]{0,15}$'
