import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireActor } from '../http/authenticate.js'
import { multipartJson } from '../http/multipart.js'
import { rawQuery } from '../http/raw-query.js'
import {
  CreateErpLinkBody,
  ErpLinkActionBody,
  ErpLinkList,
  ErpLinkParams,
  ErpLinkSchema,
  UpdateErpLinkBody,
} from './erp-link-schemas.js'
import type { ErpLinkService } from './erp-link-service.js'

const BASE = '/public/v1/accounts/erp-links'

export async function erpLinkRoutes(
  app: FastifyInstance,
  services: { erpLinks: ErpLinkService },
): Promise<void> {
  const { erpLinks } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  /** Unknown or invisible ids answer 404 before the body is validated. */
  const exists = async (request: FastifyRequest) =>
    erpLinks.assertExists({ actor: requireActor(request), id: idOf(request) })
  const ok = { 200: ErpLinkSchema }
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'ERP_LINK_NOT_FOUND' as const,
  })

  typed.post(
    BASE,
    {
      schema: { body: CreateErpLinkBody, response: { 201: ErpLinkSchema } },
      config: { operation: 'erpLinks.create' },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await erpLinks.create({ ...request.body, actor: requireActor(request) })),
  )
  typed.get(
    BASE,
    { schema: { response: { 200: ErpLinkList } }, config: { operation: 'erpLinks.list' } },
    async (request) => erpLinks.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  const item = `${BASE}/:id`
  typed.get(
    item,
    { schema: { params: ErpLinkParams, response: ok }, config: config('erpLinks.get') },
    async (request) =>
      erpLinks.get({
        actor: requireActor(request),
        id: idOf(request),
        rawQuery: rawQuery(request),
      }),
  )
  // JSON, or multipart with an `erpLink` JSON part and an optional `logo` (§11.4).
  typed.put(
    item,
    {
      schema: { params: ErpLinkParams, body: UpdateErpLinkBody, response: ok },
      config: config('erpLinks.update'),
      preValidation: [exists, multipartJson('erpLink', 'logo')],
    },
    async (request) =>
      erpLinks.update({
        ...request.body,
        actor: requireActor(request),
        id: idOf(request),
        upload: request.upload,
      }),
  )
  const action = { params: ErpLinkParams, body: ErpLinkActionBody, response: ok }
  const block = { config: config('erpLinks.block'), preValidation: exists }
  typed.post(`${item}/block`, { schema: action, ...block }, async (request) =>
    erpLinks.block({ actor: requireActor(request), id: idOf(request), note: request.body.note }),
  )
  typed.post(`${item}/unblock`, { schema: action, ...block }, async (request) =>
    erpLinks.unblock({ actor: requireActor(request), id: idOf(request), note: request.body.note }),
  )
}
