import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../../access/permissions.js'
import type { BuyerService } from '../../../buyers/buyer-service.js'
import { idPattern } from '../../../lib/ids.js'
import type { ModuleService } from '../../../modules/module-service.js'
import {
  CreateUserGroupBody,
  UpdateUserGroupBody,
} from '../../../user-groups/user-group-schemas.js'
import type { UserGroupService } from '../../../user-groups/user-group-service.js'
import {
  appErrorOf,
  checkAgainst,
  field,
  fieldErrors,
  fieldList,
  formOf,
  sendHtml,
} from '../../page-kit.js'
import { accountPath } from '../console-layout.js'
import { consoleOf, redirectWithFlash, viewOf, type ConsoleDeps } from '../console-plugin.js'
import { AccountParams, consoleRoute } from '../console-route.js'
import { moduleChoices } from '../module-choices.js'
import {
  deleteGroupPage,
  groupFormPage,
  groupsPage,
  type GroupForm,
  type GroupView,
} from './user-groups-views.js'

export interface UserGroupPageDeps extends ConsoleDeps {
  userGroups: UserGroupService
  modules: ModuleService
  buyers: BuyerService
}

const GroupParams = Type.Object({
  accountId: Type.String({ pattern: idPattern('account') }),
  groupId: Type.String({ pattern: idPattern('userGroup') }),
})

/** The form's checkboxes and radios as the API's request body (then checked by its schema). */
function bodyOf(form: GroupForm, options: { withBuyers: boolean }) {
  return {
    name: form.name,
    description: form.description || null,
    isDefault: form.isDefault,
    modules: [...form.moduleIds].map((id) => ({ id })),
    ...(options.withBuyers
      ? { buyers: form.buyerIds === null ? null : [...form.buyerIds].map((id) => ({ id })) }
      : {}),
  }
}

/** The API names fields `modules[0].id`; the form has one place per list. */
function formErrors(errors: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, messages] of Object.entries(errors)) {
    const key = /^modules/.test(name) ? 'modules' : /^buyers/.test(name) ? 'buyers' : name
    ;(out[key] ??= []).push(...messages)
  }
  return out
}

/** The user groups page: list, create, edit (modules and buyers), delete. */
export async function userGroupRoutes(
  web: FastifyInstance,
  deps: UserGroupPageDeps,
): Promise<void> {
  const { userGroups } = deps
  const base = '/console/accounts/:accountId/user-groups'

  const readForm = (request: FastifyRequest): GroupForm => {
    const form = formOf(request)
    return {
      name: field(form, 'name'),
      description: field(form, 'description'),
      isDefault: field(form, 'isDefault') === 'true',
      moduleIds: new Set(fieldList(form, 'moduleIds')),
      buyerIds: field(form, 'buyerScope') === 'some' ? new Set(fieldList(form, 'buyerIds')) : null,
    }
  }
  const buyersOf = async (request: FastifyRequest) => {
    const { context } = consoleOf(request)
    if (!can(context.actor, 'buyers.list') || context.account.type !== 'Client') return undefined
    const list = (await deps.buyers.list({
      actor: context.actor,
      rawQuery: `eq(account.id,${context.account.id})&order=name&limit=100`,
    })) as unknown as { data: Array<{ id: string; name: string }> }
    return list.data
  }
  const getGroup = async (request: FastifyRequest) => {
    const { groupId } = request.params as { groupId: string }
    return (await userGroups.get({
      actor: consoleOf(request).context.actor,
      id: groupId,
      rawQuery: '',
    })) as unknown as GroupView
  }
  const showForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    form: GroupForm,
    group?: GroupView,
    errors?: Record<string, string[]>,
  ) =>
    sendHtml(
      reply,
      status,
      groupFormPage(viewOf(request, reply, deps), {
        ...(group ? { group } : {}),
        form,
        modules: await moduleChoices(deps.modules, consoleOf(request).context),
        buyers: await buyersOf(request),
        ...(errors ? { errors: formErrors(errors) } : {}),
      }),
    )

  web.get(
    base,
    consoleRoute('userGroups.list', { params: AccountParams }),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const list = (await userGroups.list({
        actor: context.actor,
        rawQuery: `eq(account.id,${context.account.id})&order=name&limit=100`,
      })) as unknown as { data: GroupView[] }
      return sendHtml(reply, 200, groupsPage(viewOf(request, reply, deps), list.data))
    },
  )

  web.get(
    `${base}/new`,
    consoleRoute('userGroups.create', { params: AccountParams }),
    async (request, reply) =>
      showForm(request, reply, 200, {
        name: '',
        description: '',
        isDefault: false,
        moduleIds: new Set(),
        buyerIds: null,
      }),
  )

  web.post(
    base,
    consoleRoute('userGroups.create', { statuses: [303, 400], params: AccountParams }),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const form = readForm(request)
      const buyers = await buyersOf(request)
      try {
        const body = checkAgainst(CreateUserGroupBody, bodyOf(form, { withBuyers: !!buyers }))
        const created = (await userGroups.create({
          ...body,
          account: { id: context.account.id },
          actor: context.actor,
        })) as { name: string }
        return redirectWithFlash(
          reply,
          accountPath(context, 'user-groups'),
          `User group ${created.name} created.`,
        )
      } catch (error) {
        const problem = appErrorOf(error)
        if (problem.status !== 400) throw problem
        return showForm(request, reply, 400, form, undefined, fieldErrors(problem))
      }
    },
  )

  const groupRoute = (
    operation: 'userGroups.get' | 'userGroups.update' | 'userGroups.delete',
    statuses = [200],
  ) => consoleRoute(operation, { statuses, params: GroupParams, notFound: 'USER_GROUP_NOT_FOUND' })

  web.get(`${base}/:groupId`, groupRoute('userGroups.get'), async (request, reply) => {
    const group = await getGroup(request)
    return showForm(
      request,
      reply,
      200,
      {
        name: group.name,
        description: group.description ?? '',
        isDefault: group.isDefault,
        moduleIds: new Set(group.modules.map((m) => m.id)),
        buyerIds: group.buyers === null ? null : new Set(group.buyers.map((b) => b.id)),
      },
      group,
    )
  })

  web.post(
    `${base}/:groupId`,
    groupRoute('userGroups.update', [303, 400]),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const group = await getGroup(request)
      const form = readForm(request)
      const buyers = await buyersOf(request)
      try {
        const body = checkAgainst(UpdateUserGroupBody, bodyOf(form, { withBuyers: !!buyers }))
        await userGroups.update({ ...body, id: group.id, actor: context.actor })
        return redirectWithFlash(
          reply,
          accountPath(context, 'user-groups'),
          `User group ${form.name} saved.`,
        )
      } catch (error) {
        const problem = appErrorOf(error)
        if (problem.status !== 400) throw problem
        return showForm(request, reply, 400, form, group, fieldErrors(problem))
      }
    },
  )

  web.get(`${base}/:groupId/delete`, groupRoute('userGroups.delete'), async (request, reply) =>
    sendHtml(reply, 200, deleteGroupPage(viewOf(request, reply, deps), await getGroup(request))),
  )

  web.post(
    `${base}/:groupId/delete`,
    groupRoute('userGroups.delete', [303]),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const group = await getGroup(request)
      const back = accountPath(context, 'user-groups')
      try {
        await userGroups.remove({ actor: context.actor, id: group.id })
      } catch (error) {
        const problem = appErrorOf(error)
        if (problem.status !== 400) throw problem
        return redirectWithFlash(reply, back, problem.message, 'error')
      }
      return redirectWithFlash(reply, back, `User group ${group.name} deleted.`)
    },
  )
}
