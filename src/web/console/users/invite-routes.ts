import type { FastifyInstance, FastifyRequest } from 'fastify'
import { CreateAccountUserBody } from '../../../account-users/account-user-schemas.js'
import type { AppError } from '../../../errors.js'
import { multipartFailure } from '../../../http/problem.js'
import {
  appErrorOf,
  checkAgainst,
  field,
  fieldList,
  formOf,
  sendHtml,
  type FormFields,
} from '../../page-kit.js'
import { AccountParams, consoleRoute } from '../console-route.js'
import { assertCsrf, consoleOf, viewOf } from '../console-plugin.js'
import { readInviteList, MAX_INVITES } from './invite-list.js'
import { invitePage, type InviteResult } from './invite-views.js'
import { groupChoices, type UsersPageDeps } from './users-routes.js'

/** A pasted list and a CSV file: a megabyte is about ten thousand lines, far past the limit. */
const CSV_MAX_BYTES = 1024 * 1024

/** The invite form's fields: a multipart post (it may carry a CSV file) or a plain form post. */
async function readInviteForm(request: FastifyRequest): Promise<FormFields & { csv?: string }> {
  if (!request.isMultipart()) return formOf(request)
  const fields: FormFields & { csv?: string } = {}
  try {
    for await (const part of request.parts({
      limits: { fields: 200, files: 1, parts: 202, fileSize: CSV_MAX_BYTES },
    })) {
      if (part.type === 'file') {
        const data = await part.toBuffer()
        if (part.fieldname === 'csv' && data.length > 0) fields.csv = data.toString('utf8')
        continue
      }
      const value = String(part.value)
      const before = fields[part.fieldname]
      fields[part.fieldname] =
        before === undefined ? value : [...([] as string[]).concat(before), value]
    }
  } catch (error) {
    throw multipartFailure(error)
  }
  return fields
}

/** Invite: one address or many (pasted, or a CSV file), into the chosen groups; a result per row. */
export async function inviteRoutes(web: FastifyInstance, deps: UsersPageDeps): Promise<void> {
  const { invitations, userGroups } = deps
  const path = '/console/accounts/:accountId/users/invite'

  web.get(
    path,
    consoleRoute('accountUsers.invite', { params: AccountParams }),
    async (request, reply) => {
      const groups = await groupChoices(userGroups, request)
      const defaults = new Set(groups.filter((g) => g.isDefault).map((g) => g.id))
      return sendHtml(
        reply,
        200,
        invitePage(viewOf(request, reply, deps), groups, { chosenGroups: defaults }),
      )
    },
  )

  const route = consoleRoute('accountUsers.invite', { statuses: [200, 400], params: AccountParams })
  web.post(
    path,
    {
      ...route,
      config: { ...route.config, csrf: 'handler' as const },
      bodyLimit: 2 * CSV_MAX_BYTES,
    },
    async (request, reply) => {
      const form = await readInviteForm(request)
      assertCsrf(request, deps.sessions, field(form, '_csrf'))
      const { context } = consoleOf(request)
      const groups = await groupChoices(userGroups, request)
      const groupIds = fieldList(form, 'groupIds')
      const addresses = typeof form.addresses === 'string' ? form.addresses : ''
      const again = (
        status: number,
        errors: Record<string, string[]>,
        results: InviteResult[] = [],
      ) =>
        sendHtml(
          reply,
          status,
          invitePage(
            viewOf(request, reply, deps),
            groups,
            { addresses: status === 200 ? '' : addresses, chosenGroups: new Set(groupIds), errors },
            results,
          ),
        )
      let rows: ReturnType<typeof readInviteList>
      try {
        rows = [...readInviteList(addresses), ...readInviteList(form.csv ?? '')]
      } catch {
        return again(400, {
          addresses: [
            'The list or the CSV file cannot be read as lines of comma-separated values.',
          ],
        })
      }
      const errors: Record<string, string[]> = {}
      if (rows.length === 0)
        errors.addresses = ['Enter at least one email address, or choose a CSV file.']
      if (rows.length > MAX_INVITES)
        errors.addresses = [`At most ${MAX_INVITES} people at once; this list has ${rows.length}.`]
      if (groupIds.length === 0) errors.groups = ['Choose at least one user group.']
      if (Object.keys(errors).length > 0) return again(400, errors)

      const results: InviteResult[] = []
      for (const row of rows) {
        if (row.problem) {
          results.push({
            source: row.source,
            email: row.email,
            outcome: 'invalid',
            message: row.problem,
          })
          continue
        }
        try {
          const body = checkAgainst(CreateAccountUserBody, {
            user: { email: row.email, firstName: row.firstName, lastName: row.lastName },
            groups: groupIds.map((id) => ({ id })),
          })
          const invited = await invitations.invite({
            ...body,
            accountId: context.account.id,
            actor: context.actor,
          })
          results.push({
            source: row.source,
            email: invited.user.email,
            outcome: 'invited',
            message: `${invited.user.firstName} ${invited.user.lastName}: invitation emailed.`,
          })
        } catch (error) {
          const problem = appErrorOf(error)
          if (problem.status >= 500 || problem.code === 'ACCESS_DENIED') throw problem
          results.push({
            source: row.source,
            email: row.email,
            outcome: problem.code === 'ACCOUNT_USER_ALREADY_EXISTS' ? 'member' : 'invalid',
            message:
              problem.code === 'ACCOUNT_USER_ALREADY_EXISTS'
                ? 'Already in this account.'
                : messageOf(problem),
          })
        }
      }
      return again(200, {}, results)
    },
  )
}

/** A refusal for one row, in words: the field messages a validation names, or its detail. */
function messageOf(problem: AppError): string {
  const errors = problem.options.errors
  if (problem.code === 'VALIDATION_FAILED' && errors && !Array.isArray(errors))
    return Object.entries(errors)
      .map(([name, messages]) => `${name.replace(/^user\./, '')}: ${messages.join(' ')}`)
      .join(' ')
  return problem.message
}
