import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ActionBody } from '../account-users/account-user-schemas.js'
import { AppError } from '../errors.js'
import { requireActor } from '../http/authenticate.js'
import { multipartJson } from '../http/multipart.js'
import { rawQuery } from '../http/raw-query.js'
import { redirectToIcon } from '../icons/icon-routes.js'
import {
  ActivateBuyerBody,
  BuyerList,
  BuyerParams,
  BuyerSchema,
  BuyerTransferDetailsSchema,
  CreateBuyerBody,
  TransferBuyerBody,
  TransferDetailsQuery,
  UpdateBuyerBody,
} from './buyer-schemas.js'
import type { BuyerService } from './buyer-service.js'
import { IconRedirect, NoContent } from '../http/schema-helpers.js'

const BASE = '/public/v1/accounts/buyers'

export async function buyerRoutes(
  app: FastifyInstance,
  services: { buyers: BuyerService },
): Promise<void> {
  const { buyers } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  /** Unknown or invisible ids answer 404 before the body is validated. */
  const exists = async (request: FastifyRequest) =>
    buyers.assertExists({ actor: requireActor(request), id: idOf(request) })
  const multipart = multipartJson('buyer', 'logo')
  const ok = { 200: BuyerSchema }
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'BUYER_NOT_FOUND' as const,
  })

  typed.post(
    BASE,
    {
      schema: { body: CreateBuyerBody, response: { 201: BuyerSchema } },
      config: { operation: 'buyers.create' },
      preValidation: multipart,
    },
    async (request, reply) =>
      reply.code(201).send(
        await buyers.create({
          ...request.body,
          actor: requireActor(request),
          upload: request.upload,
        }),
      ),
  )
  typed.get(
    BASE,
    { schema: { response: { 200: BuyerList } }, config: { operation: 'buyers.list' } },
    async (request) => buyers.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  const item = `${BASE}/:id`
  typed.get(
    item,
    { schema: { params: BuyerParams, response: ok }, config: config('buyers.get') },
    async (request) =>
      buyers.get({ actor: requireActor(request), id: idOf(request), rawQuery: rawQuery(request) }),
  )
  typed.put(
    item,
    {
      schema: { params: BuyerParams, body: UpdateBuyerBody, response: ok },
      config: config('buyers.update'),
      preValidation: [exists, multipart],
    },
    async (request) =>
      buyers.update({
        ...request.body,
        actor: requireActor(request),
        id: idOf(request),
        upload: request.upload,
      }),
  )
  typed.delete(
    item,
    {
      schema: { params: BuyerParams, response: { 204: NoContent } },
      config: config('buyers.manage'),
    },
    async (request, reply) => {
      await buyers.remove({ actor: requireActor(request), id: idOf(request) })
      return reply.code(204).send()
    },
  )
  const action = { params: BuyerParams, body: ActionBody, response: ok }
  const manage = { config: config('buyers.manage'), preValidation: exists }
  typed.post(`${item}/enable`, { schema: action, ...manage }, async (request) =>
    buyers.enable({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(
    `${item}/disable`,
    { schema: action, config: config('buyers.disable'), preValidation: exists },
    async (request) => buyers.disable({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(`${item}/deactivate`, { schema: action, ...manage }, async (request) =>
    buyers.deactivate({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(
    `${item}/activate`,
    { schema: { ...action, body: ActivateBuyerBody }, ...manage },
    async (request) =>
      buyers.activate({ ...request.body, actor: requireActor(request), id: idOf(request) }),
  )
  // Validate (decision 48): the body is merged over the stored buyer before the schema sees it,
  // so the merged buyer gets exactly the 400 a PUT (with `account`, as on create) would.
  const mergeOverStored = async (request: FastifyRequest) => {
    const body = request.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return
    const stored = await buyers.storedBody({ actor: requireActor(request), id: idOf(request) })
    request.body = { ...stored, ...body }
  }
  typed.post(
    `${item}/validate`,
    {
      schema: { params: BuyerParams, body: CreateBuyerBody, response: ok },
      config: config('buyers.validate'),
      preValidation: [exists, mergeOverStored],
    },
    async (request) =>
      buyers.validate({ ...request.body, actor: requireActor(request), id: idOf(request) }),
  )
  typed.get(
    `${item}/transfer`,
    {
      schema: {
        params: BuyerParams,
        querystring: TransferDetailsQuery,
        response: { 200: BuyerTransferDetailsSchema },
      },
      config: config('buyers.transferDetails'),
      preValidation: exists,
    },
    async (request) =>
      buyers.transferDetails({
        actor: requireActor(request),
        id: idOf(request),
        ...(request.query.destinationAccountId
          ? { destinationAccountId: request.query.destinationAccountId }
          : {}),
      }),
  )
  typed.post(
    `${item}/transfer`,
    {
      schema: { params: BuyerParams, body: TransferBuyerBody, response: ok },
      config: config('buyers.transfer'),
      preValidation: exists,
    },
    async (request) =>
      buyers.transfer({
        actor: requireActor(request),
        id: idOf(request),
        account: request.body.account,
      }),
  )
  typed.post(
    `${item}/synchronize`,
    { schema: action, config: config('buyers.synchronize'), preValidation: exists },
    async (request) => buyers.synchronize({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.get(
    `${item}/icon`,
    {
      schema: { params: BuyerParams, response: { 307: IconRedirect } },
      config: { auth: 'public', notFound: 'BUYER_NOT_FOUND' },
    },
    async (request, reply) =>
      redirectToIcon(
        reply,
        await buyers.iconOf({ id: idOf(request) }),
        new AppError('BUYER_NOT_FOUND', { detail: 'The buyer has no logo.' }),
      ),
  )
}
