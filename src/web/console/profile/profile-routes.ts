import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { appErrorOf, fieldErrors, formOf, sendHtml } from '../../page-kit.js'
import { consoleOf, redirectWithFlash, viewOf, type ConsoleDeps } from '../console-plugin.js'
import { consoleRoute } from '../console-route.js'
import { profilePage } from './profile-views.js'

/**
 * The signed-in person's own page: their password (set as the user themself, through the user
 * service's set-password) and their sessions (listed, ended one by one or all but this one).
 */
export async function profileRoutes(web: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const { sessions } = deps

  web.get('/console/profile', consoleRoute('sessions.list'), async (request, reply) => {
    const { signedIn } = consoleOf(request)
    const list = await sessions.listSessions(signedIn.user.id)
    return sendHtml(reply, 200, profilePage(viewOf(request, reply, deps), list))
  })

  web.post(
    '/console/profile/password',
    consoleRoute('users.setPassword', { statuses: [303, 400] }),
    async (request, reply) => {
      const state = consoleOf(request)
      const form = formOf(request)
      const text = (name: string) => (typeof form[name] === 'string' ? form[name] : '')
      const again = async (errors: Record<string, string[]>) =>
        sendHtml(
          reply,
          400,
          profilePage(
            viewOf(request, reply, deps),
            await sessions.listSessions(state.signedIn.user.id),
            {
              errors,
            },
          ),
        )
      if (text('password') !== text('confirm'))
        return again({ confirm: ['The new passwords do not match.'] })
      try {
        await sessions.changePassword({
          actor: state.context.actor,
          signedIn: state.signedIn,
          currentPassword: text('currentPassword'),
          password: text('password'),
        })
      } catch (error) {
        const problem = appErrorOf(error)
        if (problem.status >= 500 || problem.status === 403 || problem.status === 401) throw problem
        if (problem.status === 429) return again({ form: [problem.message] })
        return again(fieldErrors(problem))
      }
      return redirectWithFlash(
        reply,
        '/console/profile',
        'Your password was changed; your other sessions have ended.',
      )
    },
  )

  web.post(
    '/console/sessions/:sessionId/revoke',
    consoleRoute('sessions.revoke', {
      statuses: [303],
      params: Type.Object({ sessionId: Type.String({ pattern: '^[A-Za-z0-9_-]{16}$' }) }),
    }),
    async (request, reply) => {
      const { signedIn } = consoleOf(request)
      const { sessionId } = request.params as { sessionId: string }
      await sessions.revoke({ userId: signedIn.user.id, sessionId })
      return redirectWithFlash(reply, '/console/profile', 'That session was signed out.')
    },
  )

  web.post(
    '/console/sessions/revoke-others',
    consoleRoute('sessions.revoke', { statuses: [303] }),
    async (request, reply) => {
      const { signedIn } = consoleOf(request)
      const count = await sessions.revokeOthers({
        userId: signedIn.user.id,
        keepSessionId: signedIn.session.id,
      })
      return redirectWithFlash(
        reply,
        '/console/profile',
        `Signed out of ${count} other session${count === 1 ? '' : 's'}.`,
      )
    },
  )
}
