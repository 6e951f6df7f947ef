import type { TSchema, Static } from '@sinclair/typebox'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { AppError, validationError } from '../errors.js'

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

/** A submitted form: each field's value, or values when it was repeated (checkboxes). */
export type FormFields = Record<string, string | string[] | undefined>

/** The pages read form posts (application/x-www-form-urlencoded) inside their own plugin only. */
export function registerFormParser(web: FastifyInstance): void {
  web.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      const fields: FormFields = {}
      for (const [name, value] of new URLSearchParams(String(body))) {
        const before = fields[name]
        fields[name] = before === undefined ? value : [...([] as string[]).concat(before), value]
      }
      done(null, fields)
    },
  )
}

export function formOf(request: FastifyRequest): FormFields {
  const body = request.body
  return body && typeof body === 'object' ? (body as FormFields) : {}
}

/** One value of a field (the first, when it was sent several times), trimmed. */
export function field(form: FormFields, name: string): string {
  const value = form[name]
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim()
}

/** Every value of a field (checkboxes), without empty ones. */
export function fieldList(form: FormFields, name: string): string[] {
  const value = form[name]
  return ([] as string[]).concat(value ?? []).filter((v) => v !== '')
}

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body)
}

/** A redirect after a form post (303: the browser GETs the target). htmx follows it too. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).send()
}

/** Whether htmx sent the request (it wants a fragment, not a page). */
export function isHtmx(request: FastifyRequest): boolean {
  return request.headers['hx-request'] === 'true'
}

/** A path inside the console to go back to after sign-in; anything else is ignored. */
export function safeNext(value: string | undefined): string | undefined {
  if (!value || !/^\/console(\/[A-Za-z0-9/_.\-?=&%+]*)?$/.test(value)) return undefined
  return value
}

/** The response schemas of a page route (not JSON: the OpenAPI document leaves pages out). */
export function pageResponses(statuses: number[] = [200]) {
  const html = {
    description: 'An HTML page.',
    content: { 'text/html': { schema: { type: 'string' } } },
  }
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      status === 303 ? { description: 'See Other: go to Location.', type: 'null' } : html,
    ]),
  )
}

export const SESSION_COOKIE_PLAIN = 'accounts_session'
/** With https the cookie takes the `__Host-` prefix: Secure, path /, no domain, by the browser's rule. */
export const SESSION_COOKIE_SECURE = '__Host-accounts_session'
export const SIGN_IN_COOKIE_PLAIN = 'accounts_sign_in'
export const SIGN_IN_COOKIE_SECURE = '__Host-accounts_sign_in'

/** How the console's cookies are set: HttpOnly, SameSite=Lax, Secure when PUBLIC_URL is https. */
export function cookiePolicy(config: Pick<Config, 'publicUrl'>) {
  const secure = config.publicUrl.startsWith('https://')
  return {
    session: secure ? SESSION_COOKIE_SECURE : SESSION_COOKIE_PLAIN,
    signIn: secure ? SIGN_IN_COOKIE_SECURE : SIGN_IN_COOKIE_PLAIN,
    options: { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' },
  }
}

export type CookiePolicy = ReturnType<typeof cookiePolicy>

const ajv = new Ajv({ coerceTypes: false, allErrors: true, removeAdditional: true, strict: false })
addFormats(ajv)
const compiled = new WeakMap<TSchema, ValidateFunction>()

/**
 * Checks what a form builds against the API route's own request schema, so a page accepts and
 * refuses what the API does; throws VALIDATION_FAILED naming each bad field as the API would.
 */
export function checkAgainst<T extends TSchema>(schema: T, input: unknown): Static<T> {
  let validate = compiled.get(schema)
  if (!validate) {
    validate = ajv.compile(schema)
    compiled.set(schema, validate)
  }
  if (validate(input)) return input as Static<T>
  const errors: Record<string, string[]> = {}
  for (const issue of validate.errors ?? []) {
    const missing = (issue.params as { missingProperty?: string }).missingProperty
    const name = [issue.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing]
      .filter(Boolean)
      .join('.')
    const message = issue.message ?? 'is not valid'
    ;(errors[name || 'form'] ??= []).push(message.charAt(0).toUpperCase() + message.slice(1) + '.')
  }
  throw validationError(errors)
}

/** The messages of a failure, by the field they name (`form` for the rest). */
export function fieldErrors(error: AppError): Record<string, string[]> {
  const errors = error.options.errors
  if (!errors) return { form: [error.message] }
  if (!Array.isArray(errors)) return errors
  const out: Record<string, string[]> = {}
  for (const e of errors) (out[e.properties?.[0] ?? 'form'] ??= []).push(e.message)
  return out
}

/** A thrown AppError, or the error again (anything else is a bug: the 500 handler logs it). */
export function appErrorOf(error: unknown): AppError {
  if (error instanceof AppError) return error
  throw error
}
