import { IconRedirect, NoContent } from '../http/schema-helpers.js'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ActionBody } from '../account-users/account-user-schemas.js'
import { AppError } from '../errors.js'
import { requireActor } from '../http/authenticate.js'
import { multipartJson } from '../http/multipart.js'
import { rawQuery } from '../http/raw-query.js'
import { redirectToIcon } from '../icons/icon-routes.js'
import {
  CreateLicenseeBody,
  LicenseeList,
  LicenseeParams,
  LicenseeSchema,
  UpdateLicenseeBody,
} from './licensee-schemas.js'
import type { LicenseeService } from './licensee-service.js'

const BASE = '/public/v1/accounts/licensees'

export async function licenseeRoutes(
  app: FastifyInstance,
  services: { licensees: LicenseeService },
): Promise<void> {
  const { licensees } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id
  /** Unknown or invisible ids answer 404 before the body is validated. */
  const exists = async (request: FastifyRequest) =>
    licensees.assertExists({ actor: requireActor(request), id: idOf(request) })
  // JSON, or multipart with a `licensee` JSON part and an optional `logo` (the SDK's way).
  const multipart = multipartJson('licensee', 'logo')
  const ok = { 200: LicenseeSchema }
  const config = <T extends string>(operation: T) => ({
    operation,
    notFound: 'LICENSEE_NOT_FOUND' as const,
  })

  typed.post(
    BASE,
    {
      schema: { body: CreateLicenseeBody, response: { 201: LicenseeSchema } },
      config: { operation: 'licensees.create' },
      preValidation: multipart,
    },
    async (request, reply) =>
      reply.code(201).send(
        await licensees.create({
          ...request.body,
          actor: requireActor(request),
          upload: request.upload,
        }),
      ),
  )
  typed.get(
    BASE,
    { schema: { response: { 200: LicenseeList } }, config: { operation: 'licensees.list' } },
    async (request) =>
      licensees.list({ actor: requireActor(request), rawQuery: rawQuery(request) }),
  )
  const item = `${BASE}/:id`
  typed.get(
    item,
    { schema: { params: LicenseeParams, response: ok }, config: config('licensees.get') },
    async (request) =>
      licensees.get({
        actor: requireActor(request),
        id: idOf(request),
        rawQuery: rawQuery(request),
      }),
  )
  typed.put(
    item,
    {
      schema: { params: LicenseeParams, body: UpdateLicenseeBody, response: ok },
      config: config('licensees.update'),
      preValidation: [exists, multipart],
    },
    async (request) =>
      licensees.update({
        ...request.body,
        actor: requireActor(request),
        id: idOf(request),
        upload: request.upload,
      }),
  )
  typed.delete(
    item,
    {
      schema: { params: LicenseeParams, response: { 204: NoContent } },
      config: config('licensees.delete'),
      preValidation: exists,
    },
    async (request, reply) => {
      await licensees.remove({ actor: requireActor(request), id: idOf(request) })
      return reply.code(204).send()
    },
  )
  const action = { params: LicenseeParams, body: ActionBody, response: ok }
  const changeStatus = { config: config('licensees.changeStatus'), preValidation: exists }
  typed.post(`${item}/enable`, { schema: action, ...changeStatus }, async (request) =>
    licensees.enable({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.post(`${item}/disable`, { schema: action, ...changeStatus }, async (request) =>
    licensees.disable({ actor: requireActor(request), id: idOf(request) }),
  )
  typed.get(
    `${item}/icon`,
    {
      schema: { params: LicenseeParams, response: { 307: IconRedirect } },
      config: { auth: 'public', notFound: 'LICENSEE_NOT_FOUND' },
    },
    async (request, reply) =>
      redirectToIcon(
        reply,
        await licensees.iconOf({ id: idOf(request) }),
        new AppError('LICENSEE_NOT_FOUND', { detail: 'The licensee has no logo.' }),
      ),
  )
}
