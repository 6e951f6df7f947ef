import { NoContent } from '../http/schema-helpers.js'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireActor } from '../http/authenticate.js'
import { rawQuery } from '../http/raw-query.js'
import {
  CloudTenantList,
  CloudTenantParams,
  CloudTenantSchema,
  CreateCloudTenantBody,
  UpdateCloudTenantBody,
} from './cloud-tenant-schemas.js'
import type { CloudTenantService } from './cloud-tenant-service.js'

const BASE = '/public/v1/accounts/cloud-tenants'

/** JSON only; no icon (§11.5). */
export async function cloudTenantRoutes(
  app: FastifyInstance,
  services: { cloudTenants: CloudTenantService },
): Promise<void> {
  const { cloudTenants } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  /** Unknown ids answer 404 before the body is validated. */
  const exists = async (request: FastifyRequest) => cloudTenants.assertExists({ id: idOf(request) })
  const ok = { 200: CloudTenantSchema }
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'CLOUD_TENANT_NOT_FOUND' as const,
  })

  typed.post(
    BASE,
    {
      schema: { body: CreateCloudTenantBody, response: { 201: CloudTenantSchema } },
      config: { operation: 'cloudTenants.create' },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await cloudTenants.create({ ...request.body, actor: requireActor(request) })),
  )
  typed.get(
    BASE,
    { schema: { response: { 200: CloudTenantList } }, config: { operation: 'cloudTenants.list' } },
    async (request) =>
      cloudTenants.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  const item = `${BASE}/:id`
  typed.get(
    item,
    { schema: { params: CloudTenantParams, response: ok }, config: config('cloudTenants.get') },
    async (request) => cloudTenants.get({ id: idOf(request), rawQuery: rawQuery(request) }),
  )
  typed.put(
    item,
    {
      schema: { params: CloudTenantParams, body: UpdateCloudTenantBody, response: ok },
      config: config('cloudTenants.update'),
      preValidation: exists,
    },
    async (request) =>
      // The body's own `id` is compared with the path's, so it is passed apart from it.
      cloudTenants.update({ actor: requireActor(request), id: idOf(request), body: request.body }),
  )
  typed.delete(
    item,
    {
      schema: { params: CloudTenantParams, response: { 204: NoContent } },
      config: config('cloudTenants.delete'),
    },
    async (request, reply) => {
      await cloudTenants.remove({ actor: requireActor(request), id: idOf(request) })
      return reply.code(204).send()
    },
  )
}
