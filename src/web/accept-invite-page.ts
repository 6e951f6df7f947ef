import type { FastifyInstance } from 'fastify'
import type { AccountUserDeps } from '../account-users/account-user-lookup.js'
import { previewInvitation } from '../account-users/invitation-preview.js'
import type { InvitationService } from '../account-users/invitation-service.js'
import { AppError } from '../errors.js'
import {
  acceptInviteDone,
  acceptInviteForm,
  acceptInviteProblem,
} from './views/accept-invite-view.js'

/**
 * The page an invitation link opens (`PUBLIC_URL/accept-invite?code=…`): the invitee sees the
 * account, registers if new, and accepts. Server-rendered, no script; the form posts back here.
 */
export async function acceptInvitePage(
  app: FastifyInstance,
  deps: { invitations: InvitationService; accountUserDeps: AccountUserDeps },
): Promise<void> {
  await app.register(async (web) => {
    // Form posts are read only inside this plugin; the API itself takes JSON.
    web.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))))
      },
    )
    const page = {
      response: {
        200: htmlResponse('The page: the invitation, or that it was accepted.'),
        400: htmlResponse('The page explaining why the link cannot be used.'),
      },
    }
    const html = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    }

    web.get(
      '/accept-invite',
      { config: { auth: 'public' }, schema: page },
      async (request, reply) => {
        const code = String((request.query as { code?: unknown }).code ?? '')
        try {
          const preview = await previewInvitation(deps.accountUserDeps, code)
          if (preview.status !== 'Invited')
            return reply
              .code(400)
              .headers(html)
              .send(acceptInviteProblem(statusMessage(preview.status)))
          return reply.headers(html).send(acceptInviteForm(preview, code))
        } catch (error) {
          return reply
            .code(400)
            .headers(html)
            .send(acceptInviteProblem(messageOf(error)))
        }
      },
    )

    web.post(
      '/accept-invite',
      { config: { auth: 'public' }, schema: page },
      async (request, reply) => {
        const form = (request.body ?? {}) as Record<string, string | undefined>
        const code = form.code ?? ''
        let preview
        try {
          preview = await previewInvitation(deps.accountUserDeps, code)
        } catch (error) {
          return reply
            .code(400)
            .headers(html)
            .send(acceptInviteProblem(messageOf(error)))
        }
        if (preview.isNewUser && form.password !== form.confirm) {
          return reply
            .code(400)
            .headers(html)
            .send(acceptInviteForm(preview, code, 'The passwords do not match.', form))
        }
        try {
          await deps.invitations.acceptInvite({
            actor: undefined,
            key: { id: preview.accountUserId },
            code,
            ...(preview.isNewUser
              ? { firstName: form.firstName, lastName: form.lastName, password: form.password }
              : {}),
          })
          return reply.headers(html).send(acceptInviteDone(preview.accountName))
        } catch (error) {
          return reply
            .code(400)
            .headers(html)
            .send(acceptInviteForm(preview, code, messageOf(error), form))
        }
      },
    )
  })
}

function statusMessage(status: string): string {
  return status === 'Active'
    ? 'This invitation was already accepted.'
    : 'This invitation has expired.'
}

function messageOf(error: unknown): string {
  if (error instanceof AppError) return error.message
  throw error
}

function htmlResponse(description: string) {
  return { description, content: { 'text/html': { schema: { type: 'string' } } } }
}
