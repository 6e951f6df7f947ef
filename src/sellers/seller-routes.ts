import { IconRedirect, NoContent } from '../http/schema-helpers.js'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ActionBody } from '../account-users/account-user-schemas.js'
import { AppError } from '../errors.js'
import { requireActor } from '../http/authenticate.js'
import { multipartJson } from '../http/multipart.js'
import { rawQuery } from '../http/raw-query.js'
import { redirectToIcon } from '../icons/icon-routes.js'
import { SellerBody, SellerList, SellerParams, SellerSchema } from './seller-schemas.js'
import type { SellerService } from './seller-service.js'

const BASE = '/public/v1/accounts/sellers'

export async function sellerRoutes(
  app: FastifyInstance,
  services: { sellers: SellerService },
): Promise<void> {
  const { sellers } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  /** Unknown or invisible ids answer 404 before the body is validated. */
  const exists = async (request: FastifyRequest) =>
    sellers.assertExists({ actor: requireActor(request), id: idOf(request) })
  // JSON, or multipart with a `seller` JSON part and an optional `logo` (decision 32).
  const multipart = multipartJson('seller', 'logo')
  const ok = { 200: SellerSchema }
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'SELLER_NOT_FOUND' as const,
  })

  typed.post(
    BASE,
    {
      schema: { body: SellerBody, response: { 201: SellerSchema } },
      config: { operation: 'sellers.create' },
      preValidation: multipart,
    },
    async (request, reply) =>
      reply.code(201).send(
        await sellers.create({
          ...request.body,
          actor: requireActor(request),
          upload: request.upload,
        }),
      ),
  )
  typed.get(
    BASE,
    { schema: { response: { 200: SellerList } }, config: { operation: 'sellers.list' } },
    async (request) => sellers.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  const item = `${BASE}/:id`
  typed.get(
    item,
    { schema: { params: SellerParams, response: ok }, config: config('sellers.get') },
    async (request) =>
      sellers.get({ actor: requireActor(request), id: idOf(request), rawQuery: rawQuery(request) }),
  )
  typed.put(
    item,
    {
      schema: { params: SellerParams, body: SellerBody, response: ok },
      config: config('sellers.update'),
      preValidation: [exists, multipart],
    },
    async (request) =>
      sellers.update({
        ...request.body,
        actor: requireActor(request),
        id: idOf(request),
        upload: request.upload,
      }),
  )
  typed.delete(
    item,
    {
      schema: { params: SellerParams, response: { 204: NoContent } },
      config: config('sellers.delete'),
      preValidation: exists,
    },
    async (request, reply) => {
      await sellers.remove({ actor: requireActor(request), id: idOf(request) })
      return reply.code(204).send()
    },
  )
  const action = { params: SellerParams, body: ActionBody, response: ok }
  const changeStatus = { config: config('sellers.changeStatus'), preValidation: exists }
  typed.post(`${item}/activate`, { schema: action, ...changeStatus }, async (request) =>
    sellers.activate({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(`${item}/deactivate`, { schema: action, ...changeStatus }, async (request) =>
    sellers.deactivate({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(`${item}/disable`, { schema: action, ...changeStatus }, async (request) =>
    sellers.disable({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.get(
    `${item}/icon`,
    {
      schema: { params: SellerParams, response: { 307: IconRedirect } },
      config: { auth: 'public', notFound: 'SELLER_NOT_FOUND' },
    },
    async (request, reply) =>
      redirectToIcon(
        reply,
        await sellers.iconOf({ id: idOf(request) }),
        new AppError('SELLER_NOT_FOUND', { detail: 'The seller has no logo.' }),
      ),
  )
}
