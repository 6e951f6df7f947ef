import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireActor } from '../http/authenticate.js'
import { rawQuery } from '../http/raw-query.js'
import { ActionBody } from '../account-users/account-user-schemas.js'
import {
  ApiTokenList,
  ApiTokenParams,
  ApiTokenSchema,
  CreateApiTokenBody,
  UpdateApiTokenBody,
} from './api-token-schemas.js'
import type { ApiTokenService } from './api-token-service.js'
import { NoContent } from '../http/schema-helpers.js'

const BASE = '/public/v1/accounts/api-tokens'

export async function apiTokenRoutes(
  app: FastifyInstance,
  services: { apiTokens: ApiTokenService },
): Promise<void> {
  const { apiTokens } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  const exists = async (request: FastifyRequest) =>
    apiTokens.assertExists({ actor: requireActor(request), id: idOf(request) })
  const ok = { 200: ApiTokenSchema }

  typed.post(
    BASE,
    {
      schema: { body: CreateApiTokenBody, response: { 201: ApiTokenSchema } },
      config: { operation: 'apiTokens.create' },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await apiTokens.create({ ...request.body, actor: requireActor(request) })),
  )
  typed.get(
    BASE,
    { schema: { response: { 200: ApiTokenList } }, config: { operation: 'apiTokens.list' } },
    async (request) =>
      apiTokens.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  const item = `${BASE}/:id`
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'API_TOKEN_NOT_FOUND' as const,
  })
  typed.get(
    item,
    { schema: { params: ApiTokenParams, response: ok }, config: config('apiTokens.get') },
    async (request) =>
      apiTokens.get({
        actor: requireActor(request),
        id: idOf(request),
        rawQuery: rawQuery(request),
      }),
  )
  typed.put(
    item,
    {
      schema: { params: ApiTokenParams, body: UpdateApiTokenBody, response: ok },
      config: config('apiTokens.update'),
      preValidation: exists,
    },
    async (request) =>
      apiTokens.update({ ...request.body, actor: requireActor(request), id: idOf(request) }),
  )
  typed.delete(
    item,
    {
      schema: { params: ApiTokenParams, response: { 204: NoContent } },
      config: config('apiTokens.delete'),
    },
    async (request, reply) => {
      await apiTokens.remove({ actor: requireActor(request), id: idOf(request) })
      return reply.code(204).send()
    },
  )
  typed.post(
    `${item}/enable`,
    {
      schema: { params: ApiTokenParams, body: ActionBody, response: ok },
      config: config('apiTokens.changeStatus'),
      preValidation: exists,
    },
    async (request) => apiTokens.enable({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(
    `${item}/disable`,
    {
      schema: { params: ApiTokenParams, body: ActionBody, response: ok },
      config: config('apiTokens.changeStatus'),
      preValidation: exists,
    },
    async (request) => apiTokens.disable({ actor: requireActor(request), id: idOf(request) }),
  )
}
