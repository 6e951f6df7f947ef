import helmet from '@fastify/helmet'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AccountUserDeps } from '../account-users/account-user-lookup.js'
import { ACCEPT_BODY_LIMIT } from '../account-users/account-user-routes.js'
import type { ConfirmationRequest } from '../account-users/invitation-confirmation.js'
import { previewInvitation, type InvitationPreview } from '../account-users/invitation-preview.js'
import type { InvitationService } from '../account-users/invitation-service.js'
import { AppError } from '../errors.js'
import type { PublicRouteLimits } from '../http/rate-limit.js'
import type { Branding } from './branding.js'
import {
  acceptInviteDone,
  acceptInviteExpired,
  acceptInviteForm,
  acceptInviteProblem,
  newLinkRequested,
} from './views/accept-invite-view.js'
import { STYLE_HASH } from './views/html.js'

const SENT: Record<ConfirmationRequest, string> = {
  sent: 'We have emailed you a code. Enter it above.',
  'sent-recently': 'We emailed you a code a moment ago. Enter it above.',
  'too-many': 'We have emailed you several codes this hour: use the last one, or try again later.',
}

/**
 * The page an invitation link opens (`PUBLIC_URL/accept-invite?code=…`): the invitee sees the
 * account, registers if new, and accepts. From a copied link they first prove who they are (a code
 * emailed to them, or their password). Server-rendered, no script; the forms post back here.
 * Sent with a strict Content-Security-Policy (no framing, nothing but its own inline style), no
 * referrer (the URL carries the code) and no caching.
 */
export async function acceptInvitePage(
  app: FastifyInstance,
  deps: { invitations: InvitationService; accountUserDeps: AccountUserDeps; branding: Branding },
  limits: Pick<PublicRouteLimits, 'acceptByAddress' | 'pageByAddress' | 'newLinkByAddress'>,
): Promise<void> {
  const { branding } = deps
  await app.register(async (web) => {
    await web.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          styleSrc: [STYLE_HASH],
          // the logo (/assets/logo, LOGO_FILE), when there is one
          imgSrc: branding.logoUrl ? ["'self'"] : ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: false,
    })
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
    const html = (reply: FastifyReply, status: number, body: string) =>
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(body)

    web.get(
      '/accept-invite',
      {
        config: { auth: 'public', slowFailures: true },
        onRequest: limits.pageByAddress,
        schema: page,
      },
      async (request, reply) => {
        const code = String((request.query as { code?: unknown }).code ?? '')
        let preview: InvitationPreview
        try {
          preview = await previewInvitation(deps.accountUserDeps, code)
        } catch (error) {
          return html(reply, 400, acceptInviteProblem(branding, messageOf(error)))
        }
        if (preview.status === 'InvitationExpired' && preview.accountStatus !== 'Disabled')
          return html(reply, 400, acceptInviteExpired(branding, preview.accountName, code))
        const unusable = unusableBecause(preview)
        if (unusable) return html(reply, 400, acceptInviteProblem(branding, unusable))
        return html(reply, 200, acceptInviteForm(branding, preview, code))
      },
    )

    web.post(
      '/accept-invite',
      {
        config: { auth: 'public', slowFailures: true },
        bodyLimit: ACCEPT_BODY_LIMIT,
        schema: page,
        onRequest: [limits.pageByAddress, limits.acceptByAddress],
      },
      async (request, reply) => {
        const form = (request.body ?? {}) as Record<string, string | undefined>
        const code = form.code ?? ''
        let preview: InvitationPreview
        try {
          preview = await previewInvitation(deps.accountUserDeps, code)
        } catch (error) {
          return html(reply, 400, acceptInviteProblem(branding, messageOf(error)))
        }
        if (form.action === 'ask-new-link') {
          if (preview.status !== 'InvitationExpired')
            return html(
              reply,
              400,
              acceptInviteProblem(branding, 'This invitation has not expired.'),
            )
          await limits.newLinkByAddress(request)
          try {
            const outcome = await deps.invitations.requestNewLink({ code })
            return html(reply, 200, newLinkRequested(branding, outcome === 'renewed'))
          } catch (error) {
            return html(reply, 400, acceptInviteProblem(branding, messageOf(error)))
          }
        }
        if (preview.status === 'InvitationExpired' && preview.accountStatus !== 'Disabled')
          return html(reply, 400, acceptInviteExpired(branding, preview.accountName, code))
        const unusable = unusableBecause(preview)
        if (unusable) return html(reply, 400, acceptInviteProblem(branding, unusable))
        const entered = { firstName: form.firstName, lastName: form.lastName }
        const again = (messages: { error?: string; notice?: string }) =>
          html(reply, 400, acceptInviteForm(branding, preview, code, messages, entered))

        if (form.action === 'send-code') {
          try {
            const sent = await deps.invitations.requestConfirmation({ code })
            return html(
              reply,
              200,
              acceptInviteForm(branding, preview, code, { notice: SENT[sent] }, entered),
            )
          } catch (error) {
            return again({ error: messageOf(error) })
          }
        }
        if (preview.isNewUser && form.password !== form.confirm)
          return again({ error: 'The passwords do not match.' })
        try {
          await deps.invitations.acceptInvite({
            key: { id: preview.accountUserId },
            code,
            oneTimeCode: form.oneTimeCode || undefined,
            password: form.password || undefined,
            ...(preview.isNewUser ? { firstName: form.firstName, lastName: form.lastName } : {}),
          })
          return html(reply, 200, acceptInviteDone(branding, preview.accountName))
        } catch (error) {
          if (error instanceof AppError && error.code === 'INVITATION_CONFIRMATION_REQUIRED') {
            const sent = error.options.errors
            const status = Array.isArray(sent) ? sent[0]?.parameters?.oneTimeCode : undefined
            return again({
              notice: SENT[(status as ConfirmationRequest | undefined) ?? 'sent'],
            })
          }
          return again({ error: messageOf(error) })
        }
      },
    )
  })
}

function unusableBecause(preview: InvitationPreview): string | undefined {
  if (preview.status === 'Active') return 'This invitation was already accepted.'
  if (preview.status === 'InvitationExpired') return 'This invitation has expired.'
  if (preview.accountStatus === 'Disabled')
    return `The account ${preview.accountName} is disabled; its invitations cannot be accepted now.`
  return undefined
}

function messageOf(error: unknown): string {
  if (error instanceof AppError) return error.message
  throw error
}

function htmlResponse(description: string) {
  return { description, content: { 'text/html': { schema: { type: 'string' } } } }
}
