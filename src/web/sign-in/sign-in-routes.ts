import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { PublicRouteLimits } from '../../http/rate-limit.js'
import type { SessionService } from '../../sessions/session-service.js'
import type { Branding } from '../branding.js'
import {
  appErrorOf,
  field,
  fieldErrors,
  formOf,
  pageResponses,
  safeNext,
  seeOther,
  sendHtml,
  type CookiePolicy,
} from '../page-kit.js'
import {
  forgotPasswordPage,
  linkUnusablePage,
  passwordSetPage,
  refusedPage,
  setPasswordPage,
  signInPage,
} from './sign-in-views.js'

export interface SignInPageDeps {
  sessions: SessionService
  branding: Branding
  cookies: CookiePolicy
  limits: Pick<PublicRouteLimits, 'pageByAddress'>
}

/**
 * The public pages of the console: sign-in at PUBLIC_URL/, forgot-password, and the page a
 * password link opens (reset, or the first administrator's setup). Plain forms: they work
 * without JavaScript. The sign-in form is protected from cross-site posting by a signed
 * double-submit token (a random cookie, and its HMAC in the form); the password forms carry the
 * link's own secret.
 */
export async function signInRoutes(web: FastifyInstance, deps: SignInPageDeps): Promise<void> {
  const { sessions, branding, cookies } = deps
  const pub = { auth: 'public' as const }

  /** The sign-in cookie's value (set now when absent) and the form token derived from it. */
  function signInToken(request: FastifyRequest, reply: FastifyReply): string {
    let value = request.cookies[cookies.signIn]
    if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
      value = randomBytes(32).toString('base64url')
      reply.setCookie(cookies.signIn, value, cookies.options)
    }
    return sessions.csrfTokenOf(value)
  }

  web.get(
    '/',
    { config: pub, schema: { hide: true, response: pageResponses([200, 303]) } },
    async (request, reply) => {
      const secret = request.cookies[cookies.session]
      if (secret && (await sessions.authenticate(secret))) return seeOther(reply, '/console')
      const query = request.query as { next?: string; email?: string; ended?: string }
      return sendHtml(
        reply,
        200,
        signInPage(branding, {
          csrfToken: signInToken(request, reply),
          next: safeNext(query.next),
          email: query.email?.slice(0, 254) ?? '',
          info: query.ended === 'signed-out' ? 'You have signed out.' : undefined,
        }),
      )
    },
  )

  web.post(
    '/sign-in',
    {
      config: { ...pub, slowFailures: true },
      bodyLimit: 8 * 1024,
      schema: { hide: true, response: pageResponses([303, 400, 401, 403, 429]) },
    },
    async (request, reply) => {
      const form = formOf(request)
      const email = field(form, 'email')
      const next = safeNext(field(form, 'next'))
      const again = (status: number, error: string) =>
        sendHtml(
          reply,
          status,
          signInPage(branding, { csrfToken: signInToken(request, reply), email, next, error }),
        )
      const cookie = request.cookies[cookies.signIn]
      if (!cookie || !sessions.isCsrfTokenValid(cookie, field(form, '_csrf')))
        return again(403, 'This sign-in form has expired. Please sign in again.')
      if (!email || !field(form, 'password'))
        return again(400, 'Enter your email address and your password.')
      try {
        const { secret } = await sessions.signIn({
          email,
          password: String(form.password),
          client: { clientAddress: request.ip, userAgent: request.headers['user-agent'] },
        })
        reply.setCookie(cookies.session, secret, cookies.options)
        reply.clearCookie(cookies.signIn, cookies.options)
        return seeOther(reply, next ?? '/console')
      } catch (error) {
        const problem = appErrorOf(error)
        const retry = problem.options.params?.retryAfterSeconds
        if (typeof retry === 'number') reply.header('retry-after', String(retry))
        return again(problem.status, problem.message)
      }
    },
  )

  // Sign-out needs only the session (and its anti-forgery token), not an account: a person whose
  // last membership ended while signed in can still sign out.
  web.post(
    '/sign-out',
    {
      config: pub,
      bodyLimit: 4 * 1024,
      schema: { hide: true, response: pageResponses([303, 403]) },
    },
    async (request, reply) => {
      const secret = request.cookies[cookies.session]
      if (secret && (await sessions.authenticate(secret))) {
        if (!sessions.isCsrfTokenValid(secret, field(formOf(request), '_csrf')))
          return sendHtml(
            reply,
            403,
            refusedPage(
              branding,
              'You are still signed in',
              'This form is out of date or was not sent from this site. Reload the page and sign out again.',
            ),
          )
        await sessions.signOut(secret)
      }
      reply.clearCookie(cookies.session, cookies.options)
      return seeOther(reply, '/?ended=signed-out')
    },
  )

  web.get(
    '/forgot-password',
    { config: pub, schema: { hide: true, response: pageResponses() } },
    async (_request, reply) => sendHtml(reply, 200, forgotPasswordPage(branding, {})),
  )

  web.post(
    '/forgot-password',
    {
      config: pub,
      bodyLimit: 4 * 1024,
      onRequest: deps.limits.pageByAddress,
      schema: { hide: true, response: pageResponses([200, 400]) },
    },
    async (request, reply) => {
      const email = field(formOf(request), 'email')
      if (!email)
        return sendHtml(
          reply,
          400,
          forgotPasswordPage(branding, { error: 'Enter the email address you sign in with.' }),
        )
      await sessions.requestPasswordReset({
        email,
        client: { clientAddress: request.ip, userAgent: request.headers['user-agent'] },
      })
      return sendHtml(reply, 200, forgotPasswordPage(branding, { sent: true }))
    },
  )

  const passwordPage = {
    ...pub,
    slowFailures: true,
  }
  web.get(
    '/set-password',
    {
      config: passwordPage,
      onRequest: deps.limits.pageByAddress,
      schema: { hide: true, response: pageResponses([200, 400]) },
    },
    async (request, reply) => {
      const token = String((request.query as { token?: unknown }).token ?? '')
      try {
        const link = await sessions.openPasswordLink(token)
        return sendHtml(reply, 200, setPasswordPage(branding, { token, ...link }))
      } catch (error) {
        return sendHtml(reply, 400, linkUnusablePage(branding, appErrorOf(error).message))
      }
    },
  )

  web.post(
    '/set-password',
    {
      config: passwordPage,
      bodyLimit: 4 * 1024,
      onRequest: deps.limits.pageByAddress,
      schema: { hide: true, response: pageResponses([200, 400]) },
    },
    async (request, reply) => {
      const form = formOf(request)
      const token = field(form, 'token')
      let link: Awaited<ReturnType<SessionService['openPasswordLink']>>
      try {
        link = await sessions.openPasswordLink(token)
      } catch (error) {
        return sendHtml(reply, 400, linkUnusablePage(branding, appErrorOf(error).message))
      }
      const password = typeof form.password === 'string' ? form.password : ''
      const again = (errors: Record<string, string[]>) =>
        sendHtml(reply, 400, setPasswordPage(branding, { token, ...link, errors }))
      if (password !== form.confirm) return again({ confirm: ['The passwords do not match.'] })
      try {
        const { email } = await sessions.setPasswordWithLink({ token, password })
        reply.clearCookie(cookies.session, cookies.options)
        return sendHtml(reply, 200, passwordSetPage(branding, email))
      } catch (error) {
        const problem = appErrorOf(error)
        if (problem.code === 'PASSWORD_TOKEN_INVALID')
          return sendHtml(reply, 400, linkUnusablePage(branding, problem.message))
        return again(fieldErrors(problem))
      }
    },
  )
}
