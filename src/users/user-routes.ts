import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ActionBody } from '../account-users/account-user-schemas.js'
import { AppError } from '../errors.js'
import { requireActor } from '../http/authenticate.js'
import { multipartJson } from '../http/multipart.js'
import { rawQuery } from '../http/raw-query.js'
import { redirectToIcon } from '../icons/icon-routes.js'
import {
  SetPasswordBody,
  SsoCheckParams,
  SsoCheckSchema,
  UpdateUserBody,
  UserList,
  UserParams,
  UserSchema,
} from './user-schemas.js'
import type { UserService } from './user-service.js'
import { IconRedirect, NoContent } from '../http/schema-helpers.js'

const BASE = '/public/v1/accounts/users'

export async function userRoutes(
  app: FastifyInstance,
  services: { users: UserService },
): Promise<void> {
  const { users } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  const exists = async (request: FastifyRequest) =>
    users.assertExists({ actor: requireActor(request), id: idOf(request) })
  const item = `${BASE}/:id`
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'USER_NOT_FOUND' as const,
  })
  const ok = { 200: UserSchema }
  const action = { params: UserParams, body: ActionBody, response: ok }

  typed.get(
    BASE,
    { schema: { response: { 200: UserList } }, config: { operation: 'users.list' } },
    async (request) => users.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  typed.get(
    item,
    { schema: { params: UserParams, response: ok }, config: config('users.get') },
    async (request) =>
      users.get({ actor: requireActor(request), id: idOf(request), rawQuery: rawQuery(request) }),
  )
  // JSON, or multipart with a `user` JSON part and an optional `icon` file (§9.3).
  typed.put(
    item,
    {
      schema: { params: UserParams, body: UpdateUserBody, response: ok },
      config: config('users.update'),
      preValidation: [exists, multipartJson('user', 'icon')],
    },
    async (request) =>
      users.update({
        ...request.body,
        actor: requireActor(request),
        id: idOf(request),
        upload: request.upload,
      }),
  )
  typed.delete(
    item,
    {
      schema: { params: UserParams, response: { 204: NoContent } },
      config: config('users.delete'),
    },
    async (request, reply) => {
      await users.remove({ actor: requireActor(request), id: idOf(request) })
      return reply.code(204).send()
    },
  )
  typed.post(
    `${item}/block`,
    { schema: action, config: config('users.block'), preValidation: exists },
    async (request) => users.block({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(
    `${item}/unblock`,
    { schema: action, config: config('users.block'), preValidation: exists },
    async (request) => users.unblock({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(
    `${item}/set-password`,
    {
      schema: { params: UserParams, body: SetPasswordBody, response: ok },
      config: config('users.setPassword'),
      preValidation: exists,
    },
    async (request) =>
      users.setPassword({
        actor: requireActor(request),
        id: idOf(request),
        password: request.body.password,
      }),
  )
  // v4 declares GET; the official SDK sends POST (§5.3).
  for (const method of ['GET', 'POST'] as const) {
    typed.route({
      method,
      url: `${item}/sso-check`,
      schema: {
        params: SsoCheckParams,
        ...(method === 'POST' ? { body: ActionBody } : {}),
        response: { 200: SsoCheckSchema },
      },
      config: config('users.ssoCheck'),
      handler: async (request) =>
        users.ssoCheck({ actor: requireActor(request), id: idOf(request) }),
    })
  }
  // SDK only (§11.7): Operations puts a user on SSO.
  typed.post(
    `${item}/sso`,
    { schema: action, config: config('users.sso'), preValidation: exists },
    async (request) => users.enableSso({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.get(
    `${item}/icon`,
    {
      schema: { params: UserParams, response: { 307: IconRedirect } },
      config: { auth: 'public', notFound: 'USER_NOT_FOUND' },
    },
    async (request, reply) =>
      redirectToIcon(
        reply,
        await users.findIcon({ id: idOf(request) }),
        new AppError('USER_NOT_FOUND', { detail: 'The user has no icon.' }),
      ),
  )
}
