import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { requireActor } from '../http/authenticate.js'
import { rawQuery } from '../http/raw-query.js'
import {
  AccountRefSchema,
  BuyerRefSchema,
  EventSchema,
  ListResponse,
  MetaSchema,
  ModuleRefSchema,
  Nullable,
  Projected,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'
import type { UserGroupService } from './user-group-service.js'

export const UserGroupSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  logo: Nullable(Type.String()),
  isDefault: Type.Boolean(),
  account: AccountRefSchema,
  modules: Type.Array(ModuleRefSchema),
  buyers: Nullable(Type.Array(BuyerRefSchema)),
  audit: Projected({ created: EventSchema, updated: EventSchema }),
  $meta: MetaSchema,
})

export async function userGroupRoutes(app: FastifyInstance, services: { userGroups: UserGroupService }): Promise<void> {
  const { userGroups } = services
  app.get('/public/v1/accounts/user-groups', { schema: { response: { 200: ListResponse(UserGroupSchema) } }, config: { operation: 'userGroups.list' } }, async (request) =>
    userGroups.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  app.get(
    '/public/v1/accounts/user-groups/:id',
    {
      schema: { params: Type.Object({ id: Type.String({ pattern: idPattern('userGroup') }) }), response: { 200: UserGroupSchema } },
      config: { notFound: 'USER_GROUP_NOT_FOUND', operation: 'userGroups.get' },
    },
    async (request) =>
      userGroups.get({ actor: requireActor(request), id: (request.params as { id: string }).id, rawQuery: rawQuery(request) }),
  )
}
