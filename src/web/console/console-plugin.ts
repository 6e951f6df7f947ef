import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../errors.js'
import { toAppError } from '../../http/problem.js'
import type { ConsoleContext, SessionService } from '../../sessions/session-service.js'
import type { SignedIn } from '../../sessions/session.js'
import type { Branding } from '../branding.js'
import { isHtmx, sendHtml, seeOther, type CookiePolicy } from '../page-kit.js'
import { cardPage, escapeHtml as e, notice } from '../views/html.js'
import { consolePage, type ConsoleView } from './console-layout.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** a console request's session, account and anti-forgery token (set before the handler) */
    console: ConsoleRequest | undefined
  }
  interface FastifyContextConfig {
    /** `handler`: the route checks the anti-forgery token itself (a multipart body) */
    csrf?: 'handler'
  }
}

export interface ConsoleRequest {
  /** the cookie's secret (never logged, never shown) */
  secret: string
  signedIn: SignedIn
  context: ConsoleContext
  csrfToken: string
}

export interface ConsoleDeps {
  sessions: SessionService
  branding: Branding
  cookies: CookiePolicy
}

const FLASH_COOKIE = 'accounts_flash'

/** The request's console state; only console routes (auth 'session') have one. */
export function consoleOf(request: FastifyRequest): ConsoleRequest {
  if (!request.console) throw new AppError('SESSION_REQUIRED')
  return request.console
}

/** What every console page renders with: the request's state and the flash message, if any. */
export function viewOf(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: Pick<ConsoleDeps, 'branding'>,
): ConsoleView {
  const state = consoleOf(request)
  const raw = request.cookies[FLASH_COOKIE]
  let flash: ConsoleView['flash']
  if (raw) {
    reply.clearCookie(FLASH_COOKIE, { path: '/console' })
    const kind = raw.startsWith('error:') ? 'error' : 'ok'
    flash = { kind, message: raw.replace(/^(ok|error):/, '').slice(0, 300) }
  }
  return { ...state, branding: deps.branding, flash }
}

/** After a form post without htmx: back to `location`, with a message for the next page. */
export function redirectWithFlash(
  reply: FastifyReply,
  location: string,
  message: string,
  kind: 'ok' | 'error' = 'ok',
): FastifyReply {
  reply.setCookie(FLASH_COOKIE, `${kind}:${message}`, {
    path: '/console',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: 60,
  })
  return seeOther(reply, location)
}

/**
 * The console's plumbing, for the routes registered in `web` with `auth: 'session'`: the session
 * cookie opens a session and the account the path names (or the last one) as a UserActor, which
 * the app-wide authorization hook checks against the route's operation with the same `can()` as
 * an API token's; every state-changing request carries the session's anti-forgery token
 * (synchroniser token: a hidden `_csrf` field, or the `X-CSRF-Token` header htmx sends) and, when
 * the browser says where it comes from, this origin; failures render as pages.
 */
export function registerConsole(web: FastifyInstance, deps: ConsoleDeps): void {
  const { sessions, cookies } = deps
  web.decorateRequest('console', undefined)

  web.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.auth !== 'session') return
    const secret = request.cookies[cookies.session]
    const signedIn = secret ? await sessions.authenticate(secret) : undefined
    if (!secret || !signedIn) throw new AppError('SESSION_REQUIRED')
    const { accountId } = (request.params ?? {}) as { accountId?: string }
    const context = await sessions.openAccount(signedIn, accountId)
    request.actor = context.actor
    request.console = { secret, signedIn, context, csrfToken: sessions.csrfTokenOf(secret) }
  })

  web.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.auth !== 'session') return
    if (request.method === 'GET' || request.method === 'HEAD') return
    assertSameOrigin(request)
    if (request.routeOptions.config.csrf === 'handler') return
    const body = request.body as Record<string, unknown> | undefined
    const sent = request.headers['x-csrf-token'] ?? body?._csrf
    assertCsrf(request, sessions, typeof sent === 'string' ? sent : undefined)
  })

  web.setErrorHandler(async (error: FastifyError, request, reply) => {
    const problem = toAppError(error, request)
    if (problem.status >= 500) request.log.error({ err: error }, 'unexpected error')
    if (problem.code === 'SESSION_REQUIRED') {
      reply.clearCookie(cookies.session, cookies.options)
      const next = request.method === 'GET' ? `/?next=${encodeURIComponent(request.url)}` : '/'
      if (isHtmx(request)) return reply.code(200).header('hx-redirect', next).send()
      return seeOther(reply, next)
    }
    const retry = problem.options.params?.retryAfterSeconds
    if (typeof retry === 'number') reply.header('retry-after', String(retry))
    if (isHtmx(request)) {
      reply.header('hx-retarget', '#notices').header('hx-reswap', 'innerHTML')
      return sendHtml(reply, problem.status, notice('error', problem.message))
    }
    return sendHtml(reply, problem.status, await errorPage(request, reply, deps, problem))
  })
}

/** A state-changing request that says it comes from another origin is refused outright. */
function assertSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin
  if (origin === undefined) return
  // Compared as URL hosts, so a default port written out (`host: example.com:80`) still matches.
  const hostOf = (url: string) => {
    try {
      return new URL(url).host
    } catch {
      return undefined
    }
  }
  const from = hostOf(origin)
  if (!from || from !== hostOf(`${new URL(origin).protocol}//${request.headers.host ?? ''}`))
    throw new AppError('CSRF_TOKEN_INVALID')
}

/** Throws CSRF_TOKEN_INVALID unless `sent` is the session's anti-forgery token. */
export function assertCsrf(
  request: FastifyRequest,
  sessions: Pick<SessionService, 'isCsrfTokenValid'>,
  sent: string | undefined,
): void {
  if (!sessions.isCsrfTokenValid(consoleOf(request).secret, sent))
    throw new AppError('CSRF_TOKEN_INVALID')
}

const HEADINGS: Record<number, string> = {
  400: 'That did not work',
  403: 'You cannot do this here',
  404: 'Not found',
  409: 'Someone else changed this',
  429: 'Too many requests',
}

async function errorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: ConsoleDeps,
  problem: AppError,
): Promise<string> {
  const heading = HEADINGS[problem.status] ?? 'Something went wrong'
  const message =
    problem.status >= 500
      ? `An unexpected error occurred. Quote this reference if you contact support: ${request.id}.`
      : problem.message
  const body = `${notice('error', message)}
<p><a href="/console">Back to the console</a></p>`
  if (!request.console) {
    // No account could be opened (none of the person's, or none left): still a way out.
    const secret = request.cookies[deps.cookies.session]
    const signedIn = secret ? await deps.sessions.authenticate(secret) : undefined
    const signOut =
      secret && signedIn
        ? `<form method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${e(deps.sessions.csrfTokenOf(secret))}"><button class="quiet" type="submit">Sign out</button></form>`
        : ''
    return cardPage({
      title: heading,
      branding: deps.branding,
      body: `<h1>${e(heading)}</h1>${body}${signOut}`,
    })
  }
  return consolePage(viewOf(request, reply, deps), {
    title: heading,
    tab: 'accounts',
    body,
  })
}
