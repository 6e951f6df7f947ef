import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ActionBody } from '../account-users/account-user-schemas.js'
import { AppError } from '../errors.js'
import { requireActor } from '../http/authenticate.js'
import { multipartJson } from '../http/multipart.js'
import { rawQuery } from '../http/raw-query.js'
import { redirectToIcon } from '../icons/icon-routes.js'
import {
  AccountList,
  AccountParams,
  AccountSchema,
  ActivateAccountBody,
  CreateAccountBody,
  UpdateAccountBody,
  ValidateAccountBody,
} from './account-schemas.js'
import type { AccountService } from './account-service.js'
import { IconRedirect } from '../http/schema-helpers.js'

const BASE = '/public/v1/accounts/accounts'

export async function accountRoutes(
  app: FastifyInstance,
  services: { accounts: AccountService },
): Promise<void> {
  const { accounts } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  /** Unknown or invisible ids answer 404 before the body is validated. */
  const exists = async (request: FastifyRequest) =>
    accounts.assertExists({ actor: requireActor(request), id: idOf(request) })
  const multipart = multipartJson('account', 'logo')
  const ok = { 200: AccountSchema }
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'ACCOUNT_NOT_FOUND' as const,
  })

  typed.post(
    BASE,
    {
      schema: { body: CreateAccountBody, response: { 201: AccountSchema } },
      config: { operation: 'accounts.create' },
      preValidation: multipart,
    },
    async (request, reply) =>
      reply.code(201).send(
        await accounts.create({
          ...request.body,
          actor: requireActor(request),
          upload: request.upload,
        }),
      ),
  )
  typed.get(
    BASE,
    { schema: { response: { 200: AccountList } }, config: { operation: 'accounts.list' } },
    async (request) => accounts.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  const item = `${BASE}/:id`
  typed.get(
    item,
    { schema: { params: AccountParams, response: ok }, config: config('accounts.get') },
    async (request) =>
      accounts.get({
        actor: requireActor(request),
        id: idOf(request),
        rawQuery: rawQuery(request),
      }),
  )
  typed.put(
    item,
    {
      schema: { params: AccountParams, body: UpdateAccountBody, response: ok },
      config: config('accounts.update'),
      preValidation: [exists, multipart],
    },
    async (request) =>
      accounts.update({
        ...request.body,
        actor: requireActor(request),
        id: idOf(request),
        upload: request.upload,
      }),
  )
  const action = { params: AccountParams, body: ActionBody, response: ok }
  const changeStatus = { config: config('accounts.changeStatus'), preValidation: exists }
  typed.post(`${item}/enable`, { schema: action, ...changeStatus }, async (request) =>
    accounts.enable({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(`${item}/disable`, { schema: action, ...changeStatus }, async (request) =>
    accounts.disable({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(`${item}/deactivate`, { schema: action, ...changeStatus }, async (request) =>
    accounts.deactivate({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(
    `${item}/activate`,
    { schema: { ...action, body: ActivateAccountBody }, ...changeStatus },
    async (request) =>
      accounts.activate({ ...request.body, actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(
    `${item}/validate`,
    { schema: { ...action, body: ValidateAccountBody }, ...changeStatus },
    async (request) =>
      accounts.validate({ ...request.body, actor: requireActor(request), id: idOf(request) }),
  )
  typed.get(
    `${item}/icon`,
    {
      schema: { params: AccountParams, response: { 307: IconRedirect } },
      config: { auth: 'public', notFound: 'ACCOUNT_NOT_FOUND' },
    },
    async (request, reply) =>
      redirectToIcon(
        reply,
        await accounts.iconOf({ id: idOf(request) }),
        new AppError('ACCOUNT_NOT_FOUND', { detail: 'The account has no logo.' }),
      ),
  )
}
