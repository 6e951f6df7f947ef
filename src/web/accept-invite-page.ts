import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccountUserDeps } from '../account-users/account-user-lookup.js'
import { ACCEPT_BODY_LIMIT } from '../account-users/account-user-routes.js'
import type { ConfirmationRequest } from '../account-users/invitation-confirmation.js'
import { previewInvitation, type InvitationPreview } from '../account-users/invitation-preview.js'
import type { InvitationService, InviteeContext } from '../account-users/invitation-service.js'
import { AppError } from '../errors.js'
import type { PublicRouteLimits } from '../http/rate-limit.js'
import type { SessionService } from '../sessions/session-service.js'
import { brandingOf, type Branding } from './branding.js'
import { cookiePolicy, field, registerFormParser, type FormFields } from './page-kit.js'
import {
  acceptInviteDone,
  acceptInviteExpired,
  acceptInviteForm,
  acceptInviteProblem,
  declineDone,
  newLinkRequested,
  type AcceptPageContext,
} from './views/accept-invite-view.js'
import { pageHelmet, type WebConfig } from './web-pages.js'

const SENT: Record<ConfirmationRequest, string> = {
  sent: 'We have emailed you a code. Enter it above.',
  'sent-recently': 'We emailed you a code a moment ago. Enter it above.',
  'too-many': 'We have emailed you several codes this hour: use the last one, or try again later.',
}

/**
 * The page an invitation link opens (`PUBLIC_URL/accept-invite?code=…`): the invitee sees the
 * account, registers if new (names, phone, password, the terms of use when TERMS_URL is set), and
 * accepts or declines. From a copied link they first prove who they are (a code emailed to them,
 * or their password); signed in to the console as the invited person, the session is the proof
 * and accepting is one click (that form carries the session's anti-forgery token). Plain forms:
 * no script needed. Sent with a strict Content-Security-Policy (no framing, only this service's
 * own stylesheet), no referrer (the URL carries the code) and no caching.
 */
export async function acceptInvitePage(
  app: FastifyInstance,
  deps: {
    invitations: InvitationService
    accountUserDeps: AccountUserDeps
    sessions: SessionService
  },
  config: WebConfig,
  limits: Pick<PublicRouteLimits, 'acceptByAddress' | 'pageByAddress' | 'newLinkByAddress'>,
): Promise<void> {
  const branding = brandingOf(config)
  const cookies = cookiePolicy(config)
  await app.register(async (web) => {
    await web.register(helmet, pageHelmet('no-referrer'))
    await web.register(cookie)
    // Form posts are read only inside this plugin; the API itself takes JSON.
    registerFormParser(web)
    const page = {
      response: {
        200: htmlResponse('The page: the invitation, or that it was accepted or declined.'),
        400: htmlResponse('The page explaining why the link cannot be used.'),
      },
    }
    const html = (reply: FastifyReply, status: number, body: string) =>
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(body)

    /** Who is signed in on this browser (a console session), as the page shows it. */
    async function contextOf(
      request: FastifyRequest,
      preview: InvitationPreview | undefined,
    ): Promise<AcceptPageContext & { signedInUserId?: string; secret?: string }> {
      const base = { branding, termsUrl: config.termsUrl }
      const secret = request.cookies[cookies.session]
      const signedIn = secret ? await deps.sessions.authenticate(secret) : undefined
      if (!secret || !signedIn || !preview) return base
      return {
        ...base,
        signedInUserId: signedIn.user.id,
        secret,
        signedIn: {
          email: signedIn.user.email,
          isInvitee: signedIn.user.id === preview.userId,
          csrfToken: deps.sessions.csrfTokenOf(secret),
        },
      }
    }

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
          return html(reply, 400, acceptInviteProblem({ branding }, messageOf(error)))
        }
        const refusal = refusalPage(branding, preview, code)
        if (refusal) return html(reply, 400, refusal)
        return html(reply, 200, acceptInviteForm(preview, code, await contextOf(request, preview)))
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
        const form = (request.body ?? {}) as FormFields
        const code = field(form, 'code')
        let preview: InvitationPreview
        try {
          preview = await previewInvitation(deps.accountUserDeps, code)
        } catch (error) {
          return html(reply, 400, acceptInviteProblem({ branding }, messageOf(error)))
        }
        if (field(form, 'action') === 'ask-new-link') {
          if (preview.status !== 'InvitationExpired')
            return html(
              reply,
              400,
              acceptInviteProblem({ branding }, 'This invitation has not expired.'),
            )
          await limits.newLinkByAddress(request)
          try {
            const outcome = await deps.invitations.requestNewLink({ code })
            return html(reply, 200, newLinkRequested({ branding }, outcome === 'renewed'))
          } catch (error) {
            return html(reply, 400, acceptInviteProblem({ branding }, messageOf(error)))
          }
        }
        const refusal = refusalPage(branding, preview, code)
        if (refusal) return html(reply, 400, refusal)
        const context = await contextOf(request, preview)
        const entered = {
          firstName: field(form, 'firstName') || undefined,
          lastName: field(form, 'lastName') || undefined,
          phonePrefix: field(form, 'phonePrefix') || undefined,
          phoneNumber: field(form, 'phoneNumber') || undefined,
        }
        const again = (messages: { error?: string; notice?: string }) =>
          html(reply, 400, acceptInviteForm(preview, code, context, messages, entered))
        // The session proves the invitee only on a form this page gave that session.
        const invitee: InviteeContext =
          context.secret && deps.sessions.isCsrfTokenValid(context.secret, field(form, '_csrf'))
            ? { signedInUserId: context.signedInUserId }
            : {}
        const proof = {
          oneTimeCode: field(form, 'oneTimeCode') || undefined,
          password: typeof form.password === 'string' && form.password ? form.password : undefined,
        }

        if (field(form, 'action') === 'send-code') {
          try {
            const sent = await deps.invitations.requestConfirmation({ code })
            return html(
              reply,
              200,
              acceptInviteForm(preview, code, context, { notice: SENT[sent] }, entered),
            )
          } catch (error) {
            return again({ error: messageOf(error) })
          }
        }
        try {
          if (field(form, 'action') === 'decline') {
            const { accountName } = await deps.invitations.declineInvite(
              { code, ...proof },
              invitee,
            )
            return html(reply, 200, declineDone(context, accountName))
          }
          if (preview.isNewUser && form.password !== form.confirm)
            return again({ error: 'The passwords do not match.' })
          if (preview.isNewUser && config.termsUrl && field(form, 'terms') !== 'accepted')
            return again({ error: 'To register, accept the terms of use.' })
          const phone =
            entered.phonePrefix || entered.phoneNumber
              ? { prefix: entered.phonePrefix ?? null, number: entered.phoneNumber ?? null }
              : undefined
          await deps.invitations.acceptInvite(
            {
              key: { id: preview.accountUserId },
              code,
              ...proof,
              ...(preview.isNewUser
                ? { firstName: entered.firstName, lastName: entered.lastName, phone }
                : {}),
            },
            invitee,
          )
          return html(
            reply,
            200,
            acceptInviteDone(context, preview.accountName, invitee.signedInUserId !== undefined),
          )
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

/**
 * The page that stands instead of the form when the invitation cannot be answered: an expired
 * link offers to ask for a new one (unless its account is disabled); the others say why not.
 */
function refusalPage(
  branding: Branding,
  preview: InvitationPreview,
  code: string,
): string | undefined {
  if (preview.status === 'InvitationExpired' && preview.accountStatus !== 'Disabled')
    return acceptInviteExpired({ branding }, preview.accountName, code)
  const unusable = unusableBecause(preview)
  return unusable ? acceptInviteProblem({ branding }, unusable) : undefined
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
