import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { rawQuery } from '../http/raw-query.js'
import {
  ListResponse,
  MetaSchema,
  MODULE_DETAIL_FIELDS,
  MODULE_REF_FIELDS,
  Projected,
  EventSchema,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'
import type { ModuleService } from './module-service.js'

const ModuleSchema = Projected({
  ...MODULE_REF_FIELDS,
  ...MODULE_DETAIL_FIELDS,
  audit: Projected({ created: EventSchema, updated: EventSchema }),
  $meta: MetaSchema,
})
export async function moduleRoutes(
  app: FastifyInstance,
  services: { modules: ModuleService },
): Promise<void> {
  const { modules } = services
  app.get(
    '/public/v1/accounts/modules',
    {
      schema: { response: { 200: ListResponse(ModuleSchema) } },
      config: { operation: 'modules.list' },
    },
    async (request) => modules.list({ rawQuery: rawQuery(request) }),
  )
  app.get(
    '/public/v1/accounts/modules/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ pattern: idPattern('module') }) }),
        response: { 200: ModuleSchema },
      },
      config: { notFound: 'MODULE_NOT_FOUND', operation: 'modules.get' },
    },
    async (request) =>
      modules.get({ id: (request.params as { id: string }).id, rawQuery: rawQuery(request) }),
  )
}
