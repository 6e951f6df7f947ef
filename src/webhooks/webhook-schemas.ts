import { Type } from '@sinclair/typebox'
import {
  EventSchema,
  IdRef,
  ListResponse,
  MetaSchema,
  Nullable,
  Projected,
  StrictBody,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'
import { DELIVERY_ID_PATTERN, WEBHOOK_EVENT_FAMILIES, WEBHOOK_EVENT_TYPES } from './webhook.js'

export const WebhookParams = Type.Object({ id: Type.String({ pattern: idPattern('webhook') }) })
export const DeliveryParams = Type.Object({
  id: Type.String({ pattern: idPattern('webhook') }),
  deliveryId: Type.String({ pattern: DELIVERY_ID_PATTERN }),
})

const url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'https:// (http:// only to a loopback address WEBHOOK_ALLOW_NETWORKS allows).',
})
const events = Type.Array(Type.String({ maxLength: 100 }), {
  minItems: 1,
  maxItems: 50,
  description: `Event types, or whole families: ${[...WEBHOOK_EVENT_TYPES, ...WEBHOOK_EVENT_FAMILIES].join(', ')}.`,
})
const description = Type.Optional(Nullable(Type.String({ maxLength: 500 })))

export const CreateWebhookBody = StrictBody(
  {
    url,
    events,
    description,
    account: Type.Optional(IdRef(idPattern('account'))),
  },
  ['id', 'status', 'audit', '$meta', 'disabledReason'],
)

export const UpdateWebhookBody = StrictBody(
  { url: Type.Optional(url), events: Type.Optional(events), description },
  ['id', 'status', 'audit', '$meta', 'account', 'disabledReason'],
)

const webhookProperties = {
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  status: Type.Unsafe<'Enabled' | 'Disabled'>({ type: 'string', enum: ['Enabled', 'Disabled'] }),
  disabledReason: Nullable(
    Type.String({ description: 'Why the service disabled it (deliveries kept failing).' }),
  ),
  account: Projected({ id: Type.String(), name: Type.String() }),
  audit: Projected({ created: EventSchema, updated: EventSchema }),
  $meta: MetaSchema,
}

export const WebhookSchema = Projected(webhookProperties)
export const CreatedWebhookSchema = Projected({
  ...webhookProperties,
  secret: Type.String({
    description:
      'The signing secret (`whsec_` + base64), shown this once: verify each delivery with it (Standard Webhooks).',
  }),
})
export const WebhookList = ListResponse(WebhookSchema)

export const DeliverySchema = Projected({
  id: Type.String(),
  event: Projected({
    id: Type.String({ description: 'The `webhook-id` header: the same on every try.' }),
    type: Type.String(),
  }),
  status: Type.Unsafe<'Pending' | 'Sending' | 'Delivered' | 'Failed'>({
    type: 'string',
    enum: ['Pending', 'Sending', 'Delivered', 'Failed'],
  }),
  attempts: Type.Integer(),
  responseStatus: Nullable(Type.Integer()),
  durationMs: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  createdAt: Type.String(),
  lastAttemptAt: Nullable(Type.String()),
  nextAttemptAt: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String()),
  redeliveryOf: Nullable(Type.String()),
  $meta: MetaSchema,
})
export const DeliveryList = ListResponse(DeliverySchema)
