import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccountUserView } from '../../../account-users/account-user.js'
import type { AccountUserService } from '../../../account-users/account-user-service.js'
import type { InvitationService } from '../../../account-users/invitation-service.js'
import type { AppError } from '../../../errors.js'
import type { UserGroupService } from '../../../user-groups/user-group-service.js'
import { appErrorOf, fieldErrors, fieldList, formOf, isHtmx, sendHtml } from '../../page-kit.js'
import { accountPath } from '../console-layout.js'
import { AccountParams, consoleRoute, UserParams } from '../console-route.js'
import { consoleOf, redirectWithFlash, viewOf, type ConsoleDeps } from '../console-plugin.js'
import { userDetailPage, type GroupChoice } from './user-detail-views.js'
import { readUsersQuery, toRql } from './users-query.js'
import {
  outOfBandNotice,
  removePage,
  userLabel,
  userRow,
  usersPage,
  usersResults,
} from './users-views.js'

export interface UsersPageDeps extends ConsoleDeps {
  accountUsers: AccountUserService
  invitations: InvitationService
  userGroups: UserGroupService
}

/** The account's user groups, to choose from (the same list the API serves). */
export async function groupChoices(
  userGroups: UserGroupService,
  request: FastifyRequest,
): Promise<GroupChoice[]> {
  const { context } = consoleOf(request)
  const list = (await userGroups.list({
    actor: context.actor,
    rawQuery: `eq(account.id,${context.account.id})&order=name&limit=100`,
  })) as unknown as { data: GroupChoice[] }
  return list.data
}

/** The Users page, one account user's page, and the actions on them. */
export async function usersRoutes(web: FastifyInstance, deps: UsersPageDeps): Promise<void> {
  const { accountUsers, invitations } = deps

  const keyOf = (request: FastifyRequest) => {
    const { userId } = request.params as { userId: string }
    return { accountId: consoleOf(request).context.account.id, id: userId }
  }

  web.get(
    '/console/accounts/:accountId/users',
    consoleRoute('accountUsers.list', { params: AccountParams }),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const query = readUsersQuery(request.query as Record<string, unknown>)
      const listed = await accountUsers.listViews({
        actor: context.actor,
        family: 'account',
        accountId: context.account.id,
        rawQuery: toRql(query),
      })
      const view = viewOf(request, reply, deps)
      const page = { query, views: listed.views, total: listed.total }
      if (isHtmx(request) && request.headers['hx-target'] === 'results')
        return sendHtml(reply, 200, usersResults(view, page))
      return sendHtml(reply, 200, usersPage(view, page))
    },
  )

  web.get(
    '/console/accounts/:accountId/users/:userId',
    consoleRoute('accountUsers.get', { params: UserParams }),
    async (request, reply) => {
      const user = await accountUsers.get({
        actor: consoleOf(request).context.actor,
        key: keyOf(request),
      })
      const groups = await groupChoices(deps.userGroups, request)
      return sendHtml(reply, 200, userDetailPage(viewOf(request, reply, deps), user, groups))
    },
  )

  web.post(
    '/console/accounts/:accountId/users/:userId/groups',
    consoleRoute('accountUsers.groups', { statuses: [303, 400], params: UserParams }),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const groupIds = fieldList(formOf(request), 'groupIds')
      try {
        const user = await accountUsers.replaceGroups({
          actor: context.actor,
          key: keyOf(request),
          groupIds,
        })
        return redirectWithFlash(reply, detailPath(request), `Groups of ${userLabel(user)} saved.`)
      } catch (error) {
        const problem = appErrorOf(error)
        if (problem.status !== 400) throw problem
        const user = await accountUsers.get({ actor: context.actor, key: keyOf(request) })
        const groups = await groupChoices(deps.userGroups, request)
        const errors = fieldErrors(problem)
        return sendHtml(
          reply,
          400,
          userDetailPage(viewOf(request, reply, deps), user, groups, {
            errors: { groups: Object.values(errors).flat() },
          }),
        )
      }
    },
  )

  const invitationAction = (
    action: 'resend' | 'send-new',
    run: (request: FastifyRequest) => Promise<AccountUserView>,
    done: (user: AccountUserView) => string,
  ) =>
    web.post(
      `/console/accounts/:accountId/users/:userId/${action}`,
      consoleRoute('accountUsers.invitation', { statuses: [200, 303], params: UserParams }),
      async (request, reply) => {
        try {
          const user = await run(request)
          if (isHtmx(request))
            return sendHtml(
              reply,
              200,
              `${userRow(viewOf(request, reply, deps), user)}${outOfBandNotice('ok', done(user))}`,
            )
          return redirectWithFlash(reply, backTo(request), done(user))
        } catch (error) {
          return refuse(request, reply, appErrorOf(error))
        }
      },
    )
  invitationAction(
    'resend',
    (request) =>
      invitations.resendInvite({ actor: consoleOf(request).context.actor, key: keyOf(request) }),
    (user) => `Invitation resent to ${user.user.email}.`,
  )
  invitationAction(
    'send-new',
    (request) =>
      invitations.sendNewInvite({ actor: consoleOf(request).context.actor, key: keyOf(request) }),
    (user) => `A new invitation was sent to ${user.user.email}; the old link no longer works.`,
  )

  web.get(
    '/console/accounts/:accountId/users/:userId/remove',
    consoleRoute('accountUsers.delete', { params: UserParams }),
    async (request, reply) => {
      const user = await accountUsers.get({
        actor: consoleOf(request).context.actor,
        key: keyOf(request),
      })
      return sendHtml(reply, 200, removePage(viewOf(request, reply, deps), user))
    },
  )

  web.post(
    '/console/accounts/:accountId/users/:userId/remove',
    consoleRoute('accountUsers.delete', { statuses: [303], params: UserParams }),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const user = await accountUsers.get({ actor: context.actor, key: keyOf(request) })
      try {
        await accountUsers.remove({ actor: context.actor, key: keyOf(request) })
      } catch (error) {
        return refuse(request, reply, appErrorOf(error))
      }
      return redirectWithFlash(
        reply,
        accountPath(context, 'users'),
        `${userLabel(user)} (${user.user.email}) was removed from ${context.account.name}.`,
      )
    },
  )
}

function detailPath(request: FastifyRequest): string {
  const { userId } = request.params as { userId: string }
  return accountPath(consoleOf(request).context, `users/${encodeURIComponent(userId)}`)
}

/** Back to the page the form was on (the list with its filters, or the user's page). */
function backTo(request: FastifyRequest): string {
  const users = accountPath(consoleOf(request).context, 'users')
  const referer = request.headers.referer
  if (!referer) return users
  try {
    const url = new URL(referer)
    if (url.host === request.headers.host && url.pathname.startsWith(users))
      return `${url.pathname}${url.search}`
  } catch {
    // not a URL: the list
  }
  return users
}

/** A refused action: htmx shows the message beside the table; a form post comes back with it. */
function refuse(request: FastifyRequest, reply: FastifyReply, problem: AppError) {
  if (isHtmx(request) || problem.status >= 500 || problem.code === 'SESSION_REQUIRED') throw problem
  return redirectWithFlash(reply, backTo(request), problem.message, 'error')
}
