import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireActor } from '../http/authenticate.js'
import { rawQuery } from '../http/raw-query.js'
import { NoContent } from '../http/schema-helpers.js'
import {
  CreatedWebhookSchema,
  CreateWebhookBody,
  DeliveryList,
  DeliveryParams,
  DeliverySchema,
  UpdateWebhookBody,
  WebhookList,
  WebhookParams,
  WebhookSchema,
} from './webhook-schemas.js'
import type { WebhookService } from './webhook-service.js'

export const WEBHOOKS_PATH = '/public/v1/notifications/webhooks'

/** Webhooks (our extension, issue #15; docs/webhooks.md). */
export async function webhookRoutes(
  app: FastifyInstance,
  services: { webhooks: WebhookService },
): Promise<void> {
  const { webhooks } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  /** Unknown ids answer 404 before the body is validated. */
  const exists = async (request: FastifyRequest) =>
    webhooks.assertExists({ actor: requireActor(request), id: idOf(request) })
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'WEBHOOK_NOT_FOUND' as const,
  })
  const ok = { 200: WebhookSchema }
  const item = `${WEBHOOKS_PATH}/:id`

  typed.post(
    WEBHOOKS_PATH,
    {
      schema: { body: CreateWebhookBody, response: { 201: CreatedWebhookSchema } },
      config: { operation: 'webhooks.create' },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await webhooks.create({ ...request.body, actor: requireActor(request) })),
  )
  typed.get(
    WEBHOOKS_PATH,
    { schema: { response: { 200: WebhookList } }, config: { operation: 'webhooks.list' } },
    async (request) => webhooks.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  typed.get(
    item,
    { schema: { params: WebhookParams, response: ok }, config: config('webhooks.get') },
    async (request) =>
      webhooks.get({
        actor: requireActor(request),
        id: idOf(request),
        rawQuery: rawQuery(request),
      }),
  )
  typed.put(
    item,
    {
      schema: { params: WebhookParams, body: UpdateWebhookBody, response: ok },
      config: config('webhooks.update'),
      preValidation: exists,
    },
    async (request) =>
      webhooks.update({ ...request.body, actor: requireActor(request), id: idOf(request) }),
  )
  typed.delete(
    item,
    {
      schema: { params: WebhookParams, response: { 204: NoContent } },
      config: config('webhooks.delete'),
    },
    async (request, reply) => {
      await webhooks.remove({ actor: requireActor(request), id: idOf(request) })
      return reply.code(204).send()
    },
  )
  for (const action of ['enable', 'disable'] as const) {
    typed.post(
      `${item}/${action}`,
      {
        schema: { params: WebhookParams, response: ok },
        config: config('webhooks.changeStatus'),
      },
      async (request) => webhooks[action]({ actor: requireActor(request), id: idOf(request) }),
    )
  }
  typed.get(
    `${item}/deliveries`,
    {
      schema: { params: WebhookParams, response: { 200: DeliveryList } },
      config: config('webhooks.deliveries'),
    },
    async (request) =>
      webhooks.deliveries({
        actor: requireActor(request),
        id: idOf(request),
        rawQuery: rawQuery(request),
      }),
  )
  typed.post(
    `${item}/deliveries/:deliveryId/redeliver`,
    {
      schema: { params: DeliveryParams, response: { 202: DeliverySchema } },
      config: { operation: 'webhooks.redeliver', notFound: 'WEBHOOK_DELIVERY_NOT_FOUND' as const },
    },
    async (request, reply) =>
      reply.code(202).send(
        await webhooks.redeliver({
          actor: requireActor(request),
          id: request.params.id,
          deliveryId: Number(request.params.deliveryId.slice('WHD-'.length)),
        }),
      ),
  )
}
