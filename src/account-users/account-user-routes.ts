import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Operation } from '../access/permissions.js'
import { requireActor } from '../http/authenticate.js'
import type { PublicRouteLimits } from '../http/rate-limit.js'
import { rawQuery } from '../http/raw-query.js'
import { validationError } from '../errors.js'
import type { AccountUserKey } from './account-user-lookup.js'
import type { AccountUserFamily } from './account-user-presenter.js'
import type { AccountUserService } from './account-user-service.js'
import {
  AcceptInviteBody,
  AccountContextUser,
  AccountContextUserList,
  ActionBody,
  CreateAccountUserBody,
  GroupIdParam,
  GroupRefBody,
  GroupRefListBody,
  LegacyAccountUser,
  LegacyAccountUserList,
  LegacyParams,
  ScopedListParams,
  ScopedParams,
  UpdateAccountUserBody,
} from './account-user-schemas.js'
import type { InvitationService } from './invitation-service.js'
import { ListResponse, NoContent, UserGroupRefSchema } from '../http/schema-helpers.js'

/** An accept body is a code, two names, a phone and a password: a few hundred bytes. */
export const ACCEPT_BODY_LIMIT = 4 * 1024

interface Family {
  family: AccountUserFamily
  base: string
  item: string
  listParams: typeof ScopedListParams | undefined
  params: typeof ScopedParams | typeof LegacyParams
  item_schema: typeof AccountContextUser | typeof LegacyAccountUser
  list_schema: typeof AccountContextUserList | typeof LegacyAccountUserList
}

const FAMILIES: Family[] = [
  ...['/public/v1/accounts/accounts/:accountId/users', '/public/v1/accounts/:accountId/users'].map(
    (base): Family => ({
      family: 'account',
      base,
      item: `${base}/:userId`,
      listParams: ScopedListParams,
      params: ScopedParams,
      item_schema: AccountContextUser,
      list_schema: AccountContextUserList,
    }),
  ),
  {
    family: 'legacy',
    base: '/public/v1/accounts/account-users',
    item: '/public/v1/accounts/account-users/:id',
    listParams: undefined,
    params: LegacyParams,
    item_schema: LegacyAccountUser,
    list_schema: LegacyAccountUserList,
  },
]

function keyOf(params: unknown): AccountUserKey {
  const p = params as { accountId?: string; userId?: string; id?: string }
  return p.accountId ? { accountId: p.accountId, id: p.userId! } : { id: p.id! }
}

/** Account users in the three path families of §5.2: one service call per handler. */
export async function accountUserRoutes(
  app: FastifyInstance,
  services: { accountUsers: AccountUserService; invitations: InvitationService },
  limits: Pick<PublicRouteLimits, 'acceptByAddress'>,
): Promise<void> {
  const { accountUsers, invitations } = services
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()

  for (const f of FAMILIES) {
    const config = (operation: Operation) => ({
      notFound: 'ACCOUNT_USER_NOT_FOUND' as const,
      operation,
    })
    const exists = async (request: FastifyRequest) =>
      accountUsers.assertExists({ actor: request.actor, key: keyOf(request.params) })
    const accountExists = async (request: FastifyRequest) => {
      const { accountId } = request.params as { accountId?: string }
      if (accountId)
        await accountUsers.assertAccountExists({ actor: requireActor(request), accountId })
    }
    const present = (request: FastifyRequest, view: Parameters<AccountUserService['present']>[1]) =>
      accountUsers.present(f.family, view, rawQuery(request))
    const ok = { 200: f.item_schema }

    typed.get(
      f.base,
      {
        config: { operation: 'accountUsers.list' },
        schema: {
          ...(f.listParams ? { params: f.listParams } : {}),
          response: { 200: f.list_schema },
        },
      },
      async (request, reply) => {
        const { accountId } = (request.params ?? {}) as { accountId?: string }
        const json = await accountUsers.listJson(
          {
            actor: requireActor(request),
            family: f.family,
            ...(accountId ? { accountId } : {}),
            rawQuery: rawQuery(request),
          },
          (body) => reply.serialize(body) as string,
        )
        // A string with a JSON content type is sent as it is: serialized once, by the route's
        // response schema, when the list was computed.
        return reply.type('application/json; charset=utf-8').send(json as never)
      },
    )

    typed.post(
      f.base,
      {
        schema: {
          ...(f.listParams ? { params: f.listParams } : {}),
          body: CreateAccountUserBody,
          response: { 201: f.item_schema },
        },
        config: { operation: 'accountUsers.invite' },
        preValidation: accountExists,
      },
      async (request, reply) => {
        const { accountId: pathAccountId } = (request.params ?? {}) as { accountId?: string }
        const accountId = pathAccountId ?? request.body.account?.id
        if (!accountId)
          throw validationError({
            'account.id': ['Required: the account to invite the user into.'],
          })
        const view = await invitations.invite({
          ...request.body,
          accountId,
          actor: requireActor(request),
        })
        return reply.code(201).send(await present(request, view))
      },
    )

    typed.get(
      f.item,
      { schema: { params: f.params, response: ok }, config: config('accountUsers.get') },
      async (request) =>
        present(
          request,
          await accountUsers.get({ actor: requireActor(request), key: keyOf(request.params) }),
        ),
    )

    if (f.family === 'account') {
      typed.put(
        f.item,
        {
          schema: { params: f.params, body: UpdateAccountUserBody, response: ok },
          config: config('accountUsers.update'),
          preValidation: exists,
        },
        async (request) =>
          present(
            request,
            await accountUsers.update({
              ...request.body,
              actor: requireActor(request),
              key: keyOf(request.params),
            }),
          ),
      )
    }

    typed.delete(
      f.item,
      {
        schema: { params: f.params, response: { 204: NoContent } },
        config: config('accountUsers.delete'),
      },
      async (request, reply) => {
        await accountUsers.remove({ actor: requireActor(request), key: keyOf(request.params) })
        return reply.code(204).send()
      },
    )

    typed.get(
      `${f.item}/groups`,
      {
        schema: { params: f.params, response: { 200: ListResponse(UserGroupRefSchema) } },
        config: config('accountUsers.get'),
      },
      async (request) => {
        const view = await accountUsers.get({
          actor: requireActor(request),
          key: keyOf(request.params),
        })
        return {
          $meta: {
            pagination: { offset: 0, limit: view.groups.length, total: view.groups.length },
          },
          data: view.groups,
        }
      },
    )

    // SDK only (§5.2): one group of the account user; 404 when they are not in it.
    typed.get(
      `${f.item}/groups/:userGroupId`,
      {
        schema: {
          params: Type.Composite([f.params, Type.Object({ userGroupId: GroupIdParam })]),
          response: { 200: UserGroupRefSchema },
        },
        config: config('accountUsers.get'),
      },
      async (request) => {
        const { userGroupId } = request.params as { userGroupId: string }
        return accountUsers.group({
          actor: requireActor(request),
          key: keyOf(request.params),
          groupId: userGroupId,
        })
      },
    )

    typed.post(
      `${f.item}/groups`,
      {
        schema: { params: f.params, body: GroupRefBody, response: ok },
        config: config('accountUsers.groups'),
        preValidation: exists,
      },
      async (request) =>
        present(
          request,
          await accountUsers.addGroup({
            actor: requireActor(request),
            key: keyOf(request.params),
            groupId: request.body.id,
          }),
        ),
    )

    typed.put(
      `${f.item}/groups`,
      {
        schema: { params: f.params, body: GroupRefListBody, response: ok },
        config: config('accountUsers.groups'),
        preValidation: exists,
      },
      async (request) =>
        present(
          request,
          await accountUsers.replaceGroups({
            actor: requireActor(request),
            key: keyOf(request.params),
            groupIds: request.body.map((g) => g.id),
          }),
        ),
    )

    typed.delete(
      `${f.item}/groups/:userGroupId`,
      {
        schema: {
          params: Type.Composite([f.params, Type.Object({ userGroupId: GroupIdParam })]),
          response: { 204: NoContent },
        },
        config: config('accountUsers.groups'),
      },
      async (request, reply) => {
        const { userGroupId } = request.params as { userGroupId: string }
        await accountUsers.removeGroup({
          actor: requireActor(request),
          key: keyOf(request.params),
          groupId: userGroupId,
        })
        return reply.code(204).send()
      },
    )

    typed.post(
      `${f.item}/resend-invite`,
      {
        schema: { params: f.params, body: ActionBody, response: ok },
        config: config('accountUsers.invitation'),
        preValidation: exists,
      },
      async (request) =>
        present(
          request,
          await invitations.resendInvite({
            actor: requireActor(request),
            key: keyOf(request.params),
          }),
        ),
    )

    typed.post(
      `${f.item}/send-new-invite`,
      {
        schema: { params: f.params, body: ActionBody, response: ok },
        config: config('accountUsers.invitation'),
        preValidation: exists,
      },
      async (request) =>
        present(
          request,
          await invitations.sendNewInvite({
            actor: requireActor(request),
            key: keyOf(request.params),
          }),
        ),
    )

    // The invitee's own call: public, and a bearer token sent along is not even read, so no
    // token (an administrator's, Operations') accepts for someone or chooses their password.
    typed.post(
      `${f.item}/accept-invite`,
      {
        schema: { params: f.params, body: AcceptInviteBody, response: ok },
        config: { notFound: 'ACCOUNT_USER_NOT_FOUND', auth: 'public', slowFailures: true },
        bodyLimit: ACCEPT_BODY_LIMIT,
        // Counted before the body is read: a flood is refused without parsing anything.
        onRequest: limits.acceptByAddress,
        preValidation: exists,
      },
      async (request) =>
        present(
          request,
          await invitations.acceptInvite({ ...request.body, key: keyOf(request.params) }),
        ),
    )
  }
}
