import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { CreateApiTokenBody } from '../../../api-tokens/api-token-schemas.js'
import type { ApiTokenService } from '../../../api-tokens/api-token-service.js'
import { idPattern } from '../../../lib/ids.js'
import type { ModuleService } from '../../../modules/module-service.js'
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
  deleteTokenPage,
  tokenCreatedPage,
  tokenFormPage,
  tokensPage,
  type TokenForm,
  type TokenView,
} from './api-tokens-views.js'

export interface ApiTokenPageDeps extends ConsoleDeps {
  apiTokens: ApiTokenService
  modules: ModuleService
}

const TokenParams = Type.Object({
  accountId: Type.String({ pattern: idPattern('account') }),
  tokenId: Type.String({ pattern: idPattern('apiToken') }),
})

/** The API tokens page: list, create (the secret shown once), enable, disable, delete. */
export async function apiTokenRoutes(web: FastifyInstance, deps: ApiTokenPageDeps): Promise<void> {
  const { apiTokens } = deps
  const base = '/console/accounts/:accountId/api-tokens'
  const tokenRoute = (operation: 'apiTokens.changeStatus' | 'apiTokens.delete', statuses = [200]) =>
    consoleRoute(operation, { statuses, params: TokenParams, notFound: 'API_TOKEN_NOT_FOUND' })
  const getToken = async (request: FastifyRequest) => {
    const { tokenId } = request.params as { tokenId: string }
    return (await apiTokens.get({
      actor: consoleOf(request).context.actor,
      id: tokenId,
      rawQuery: '',
    })) as unknown as TokenView
  }

  web.get(
    base,
    consoleRoute('apiTokens.list', { params: AccountParams }),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const list = (await apiTokens.list({
        actor: context.actor,
        rawQuery: `and(eq(account.id,${context.account.id}),ne(status,Deleted))&order=name&limit=100`,
      })) as unknown as { data: TokenView[] }
      return sendHtml(reply, 200, tokensPage(viewOf(request, reply, deps), list.data))
    },
  )

  const showForm = async (
    request: FastifyRequest,
    form: TokenForm,
    errors?: Record<string, string[]>,
  ) => {
    const modules = await moduleChoices(deps.modules, consoleOf(request).context)
    return { form, modules, ...(errors ? { errors } : {}) }
  }

  web.get(
    `${base}/new`,
    consoleRoute('apiTokens.create', { params: AccountParams }),
    async (request, reply) =>
      sendHtml(
        reply,
        200,
        tokenFormPage(
          viewOf(request, reply, deps),
          await showForm(request, { name: '', description: '', moduleIds: new Set() }),
        ),
      ),
  )

  web.post(
    base,
    consoleRoute('apiTokens.create', { statuses: [200, 400], params: AccountParams }),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const raw = formOf(request)
      const form: TokenForm = {
        name: field(raw, 'name'),
        description: field(raw, 'description'),
        moduleIds: new Set(fieldList(raw, 'moduleIds')),
      }
      try {
        const body = checkAgainst(CreateApiTokenBody, {
          name: form.name,
          description: form.description || null,
          // None ticked: the token gets every module its creator holds, as in the API.
          ...(form.moduleIds.size > 0
            ? { modules: [...form.moduleIds].map((id) => ({ id })) }
            : {}),
        })
        const created = (await apiTokens.create({
          ...body,
          account: { id: context.account.id },
          actor: context.actor,
        })) as unknown as TokenView & { token: string }
        // The one answer that carries the secret: never cached, never stored.
        return sendHtml(reply, 200, tokenCreatedPage(viewOf(request, reply, deps), created))
      } catch (error) {
        const problem = appErrorOf(error)
        if (problem.status !== 400) throw problem
        const errors: Record<string, string[]> = {}
        for (const [name, messages] of Object.entries(fieldErrors(problem)))
          (errors[name.startsWith('modules') ? 'modules' : name] ??= []).push(...messages)
        return sendHtml(
          reply,
          400,
          tokenFormPage(viewOf(request, reply, deps), await showForm(request, form, errors)),
        )
      }
    },
  )

  for (const to of ['enable', 'disable'] as const) {
    web.post(
      `${base}/:tokenId/${to}`,
      tokenRoute('apiTokens.changeStatus', [303]),
      async (request, reply) => {
        const { context } = consoleOf(request)
        const back = accountPath(context, 'api-tokens')
        const token = await getToken(request)
        try {
          await apiTokens[to]({ actor: context.actor, id: token.id })
        } catch (error) {
          const problem = appErrorOf(error)
          if (problem.status !== 400) throw problem
          return redirectWithFlash(reply, back, problem.message, 'error')
        }
        return redirectWithFlash(reply, back, `API token ${token.name} ${to}d.`)
      },
    )
  }

  web.get(`${base}/:tokenId/delete`, tokenRoute('apiTokens.delete'), async (request, reply) =>
    sendHtml(reply, 200, deleteTokenPage(viewOf(request, reply, deps), await getToken(request))),
  )

  web.post(
    `${base}/:tokenId/delete`,
    tokenRoute('apiTokens.delete', [303]),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const token = await getToken(request)
      await apiTokens.remove({ actor: context.actor, id: token.id })
      return redirectWithFlash(
        reply,
        accountPath(context, 'api-tokens'),
        `API token ${token.name} deleted.`,
      )
    },
  )
}
