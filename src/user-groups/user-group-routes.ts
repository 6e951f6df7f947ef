import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireActor } from '../http/authenticate.js'
import { rawQuery } from '../http/raw-query.js'
import {
  CreateUserGroupBody,
  UpdateUserGroupBody,
  UserGroupList,
  UserGroupParams,
  UserGroupSchema,
} from './user-group-schemas.js'
import type { UserGroupService } from './user-group-service.js'
import { NoContent } from '../http/schema-helpers.js'

const BASE = '/public/v1/accounts/user-groups'

export async function userGroupRoutes(
  app: FastifyInstance,
  services: { userGroups: UserGroupService },
): Promise<void> {
  const { userGroups } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  const exists = async (request: FastifyRequest) =>
    userGroups.assertExists({ actor: requireActor(request), id: idOf(request) })
  const item = `${BASE}/:id`
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'USER_GROUP_NOT_FOUND' as const,
  })
  const ok = { 200: UserGroupSchema }

  typed.post(
    BASE,
    {
      schema: { body: CreateUserGroupBody, response: { 201: UserGroupSchema } },
      config: { operation: 'userGroups.create' },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await userGroups.create({ ...request.body, actor: requireActor(request) })),
  )
  typed.get(
    BASE,
    { schema: { response: { 200: UserGroupList } }, config: { operation: 'userGroups.list' } },
    async (request) =>
      userGroups.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  typed.get(
    item,
    { schema: { params: UserGroupParams, response: ok }, config: config('userGroups.get') },
    async (request) =>
      userGroups.get({
        actor: requireActor(request),
        id: idOf(request),
        rawQuery: rawQuery(request),
      }),
  )
  typed.put(
    item,
    {
      schema: { params: UserGroupParams, body: UpdateUserGroupBody, response: ok },
      config: config('userGroups.update'),
      preValidation: exists,
    },
    async (request) =>
      userGroups.update({ ...request.body, actor: requireActor(request), id: idOf(request) }),
  )
  typed.delete(
    item,
    {
      schema: { params: UserGroupParams, response: { 204: NoContent } },
      config: config('userGroups.delete'),
    },
    async (request, reply) => {
      await userGroups.remove({ actor: requireActor(request), id: idOf(request) })
      return reply.code(204).send()
    },
  )
}
