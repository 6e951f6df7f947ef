import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Router from 'find-my-way'
import { AppError, ERROR_CATALOGUE, type ErrorCode, type ProblemErrors } from '../errors.js'
import { traceIdFor } from './trace-id.js'
import { isClientAbort } from './request-log.js'

const RFC9110 = 'https://tools.ietf.org/html/rfc9110#section-'
const TYPE_BY_STATUS: Record<number, string> = {
  400: `${RFC9110}15.5.1`,
  401: `${RFC9110}15.5.2`,
  403: `${RFC9110}15.5.4`,
  404: `${RFC9110}15.5.5`,
  405: `${RFC9110}15.5.6`,
  406: `${RFC9110}15.5.7`,
  408: `${RFC9110}15.5.9`,
  409: `${RFC9110}15.5.10`,
  413: `${RFC9110}15.5.14`,
  415: `${RFC9110}15.5.16`,
  431: 'https://tools.ietf.org/html/rfc6585#section-5',
  429: 'https://tools.ietf.org/html/rfc6585#section-4',
  500: `${RFC9110}15.6.1`,
  503: `${RFC9110}15.6.4`,
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  traceId: string
  code: ErrorCode
  errors?: ProblemErrors
}

export function problemOf(error: AppError, traceId: string): Problem {
  return {
    type: TYPE_BY_STATUS[error.status] ?? `${RFC9110}15`,
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    traceId,
    code: error.code,
    ...(error.options.errors ? { errors: error.options.errors } : {}),
  }
}

/** Which 404 a malformed path parameter stands for, by the parameter's name. */
const NOT_FOUND_BY_PARAM: Record<string, ErrorCode> = {
  accountId: 'ACCOUNT_NOT_FOUND',
  userGroupId: 'USER_GROUP_NOT_FOUND',
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the 404 a malformed `:id`/`:userId` parameter of this route reports */
    notFound?: ErrorCode
  }
}

function fieldPath(instancePath: string, missing?: unknown): string {
  const path = instancePath.replace(/^\//, '').split('/').filter(Boolean)
  if (typeof missing === 'string') path.push(missing)
  return path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || 'body'
}

/**
 * The errors Fastify and its plugins raise with a code of their own. The multipart plugin's
 * 406s are a body that cannot be read (a bad request), not an unacceptable answer.
 */
const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CONTENT_TYPE_UNSUPPORTED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'REQUEST_MALFORMED',
  FST_PARTS_LIMIT: 'BODY_TOO_LARGE',
  FST_FILES_LIMIT: 'BODY_TOO_LARGE',
  FST_FIELDS_LIMIT: 'BODY_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_PROTO_VIOLATION: 'MULTIPART_INVALID',
  FST_INVALID_JSON_FIELD_ERROR: 'MULTIPART_INVALID',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'MULTIPART_INVALID',
  FST_MP_PREMATURE_CLOSE: 'MULTIPART_INVALID',
}

/** What any other 4xx a framework error carries becomes. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'REQUEST_MALFORMED',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'MEDIA_TYPE_NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  413: 'BODY_TOO_LARGE',
  415: 'CONTENT_TYPE_UNSUPPORTED',
  431: 'HEADERS_TOO_LARGE',
}

/** Turns whatever a request threw into one RFC 7807 problem (never a wrapping envelope). */
export function toAppError(error: FastifyError, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error
  if (error.validation) {
    if (error.validationContext === 'params') {
      const param = String(error.validation[0]?.instancePath ?? '').replace(/^\//, '')
      const code =
        NOT_FOUND_BY_PARAM[param] ?? request.routeOptions.config.notFound ?? 'ROUTE_NOT_FOUND'
      return new AppError(code)
    }
    const errors: Record<string, string[]> = {}
    for (const issue of error.validation) {
      const key = fieldPath(
        issue.instancePath,
        issue.params?.missingProperty ?? issue.params?.additionalProperty,
      )
      // A strict body's `additionalProperties` is a schema that nothing matches (StrictBody).
      const unknownMember =
        issue.keyword === 'additionalProperties' ||
        (issue.keyword === 'not' && issue.schemaPath.endsWith('/additionalProperties/not'))
      const message = unknownMember ? 'Unknown property.' : (issue.message ?? 'Invalid value.')
      ;(errors[key] ??= []).push(
        message.charAt(0).toUpperCase() + message.slice(1).replace(/([^.])$/, '$1.'),
      )
    }
    const names = Object.keys(errors)
    return new AppError('VALIDATION_FAILED', {
      detail: `One or more validation errors occurred: ${names.join(', ')}.`,
      errors,
    })
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('CONTENT_TYPE_UNSUPPORTED', {
        detail: `Unsupported content type "${request.headers['content-type'] ?? ''}"; send application/json.`,
      })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BODY_INVALID_JSON', {
        errors: { body: ['The body is not valid JSON.'] },
      })
  }
  const known = FRAMEWORK_CODES[error.code]
  if (known) return frameworkError(known, error)
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new AppError('BODY_INVALID_JSON', { errors: { body: [error.message] } })
  }
  const byStatus = error.statusCode === undefined ? undefined : CODE_BY_STATUS[error.statusCode]
  if (byStatus) return frameworkError(byStatus, error)
  return new AppError('INTERNAL_ERROR')
}

function frameworkError(code: ErrorCode, error: { message?: string }): AppError {
  if (code !== 'MULTIPART_INVALID' && code !== 'REQUEST_MALFORMED') return new AppError(code)
  const reason = String(error.message ?? '').replace(/\.?$/, '.')
  return new AppError(code, {
    detail: `${ERROR_CATALOGUE[code].detail} ${reason}`,
    errors: { body: [reason.charAt(0).toUpperCase() + reason.slice(1)] },
  })
}

/**
 * Whatever reading a multipart body threw: the plugin's limit and format errors by their code,
 * and everything else the parser raises (a truncated body, a missing boundary, a malformed part
 * header: plain errors without a code) as a multipart body that cannot be read.
 */
export function multipartFailure(error: unknown): AppError {
  if (error instanceof AppError) return error
  const failure = error as { code?: string; statusCode?: number; message?: string }
  const known = failure.code ? FRAMEWORK_CODES[failure.code] : undefined
  if (known) return frameworkError(known, failure)
  if (failure.statusCode === 413) return new AppError('BODY_TOO_LARGE')
  return frameworkError('MULTIPART_INVALID', failure)
}

/**
 * The 404 of a path the router refused before any route saw it: an id longer than
 * `maxParamLength`, or one whose percent-encoding is broken, is simply not found. The collection
 * segment before the offending one says which resource it is.
 */
const NOT_FOUND_BY_COLLECTION: Record<string, ErrorCode> = {
  accounts: 'ACCOUNT_NOT_FOUND',
  users: 'USER_NOT_FOUND',
  'account-users': 'ACCOUNT_USER_NOT_FOUND',
  'user-groups': 'USER_GROUP_NOT_FOUND',
  groups: 'USER_GROUP_NOT_FOUND',
  modules: 'MODULE_NOT_FOUND',
  buyers: 'BUYER_NOT_FOUND',
  'api-tokens': 'API_TOKEN_NOT_FOUND',
  sellers: 'SELLER_NOT_FOUND',
  licensees: 'LICENSEE_NOT_FOUND',
  'erp-links': 'ERP_LINK_NOT_FOUND',
  'cloud-tenants': 'CLOUD_TENANT_NOT_FOUND',
}

function notFoundForPath(url: string, maxParamLength: number): AppError {
  const segments = url.split('?')[0]!.split('/')
  const index = segments.findIndex((s, i) => i > 3 && (s.length > maxParamLength || !decodes(s)))
  const collection = index > 0 ? segments[index - 1]! : ''
  // `/accounts/accounts/{accountId}/users/{userId}`: a user in an account's context.
  const inAccount = collection === 'users' && segments[index - 3] === 'accounts'
  const code = inAccount
    ? 'ACCOUNT_USER_NOT_FOUND'
    : (NOT_FOUND_BY_COLLECTION[collection] ?? 'ROUTE_NOT_FOUND')
  return new AppError(code, { detail: 'No object has this id.' })
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment)
    return true
  } catch {
    return false
  }
}

/** The router's limit on one path parameter (Fastify's default, stated so both sides agree). */
export const MAX_PARAM_LENGTH = 100

/**
 * Errors the router raises before a request has a route (Fastify's `frameworkErrors`): an
 * over-long or undecodable id is a 404 problem, as a malformed id is (§1.1).
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const appError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH' || error.code === 'FST_ERR_BAD_URL'
      ? notFoundForPath(request.url, MAX_PARAM_LENGTH)
      : toAppError(error, request)
  if (appError.status >= 500) request.log.error({ err: error }, 'unexpected error')
  void sendProblem(reply, appError, request.id)
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (Fastify's `clientErrorHandler`):
 * headers over the limit (431), a request that timed out (408), bytes that are not HTTP (400).
 * There is no request to answer through, so the problem is written to the socket as it is.
 */
export function clientErrorHandler(
  this: FastifyInstance | undefined,
  error: NodeJS.ErrnoException,
  socket: Socket,
): void {
  // A client that hung up or sent garbage is not a server error: a debug line, no stack.
  this?.log.debug({ code: error.code ?? null }, 'client connection error')
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const appError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('HEADERS_TOO_LARGE')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('REQUEST_TIMEOUT')
        : new AppError('REQUEST_MALFORMED', { detail: 'The request is not valid HTTP.' })
  const body = JSON.stringify(problemOf(appError, traceIdFor(undefined)))
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}

type Method = Parameters<Router.Instance<Router.HTTPVersion.V1>['find']>[0]

export function registerProblemHandlers(app: FastifyInstance): void {
  // Every route is mirrored in a second router that knows only paths, so that a request the
  // app has no route for can be told apart: a wrong method on a known path is a 405 with Allow.
  const paths = Router({ ignoreTrailingSlash: true })
  const methods = new Set<Method>()
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat() as Method[]) {
      methods.add(method)
      if (!paths.hasRoute(method, route.url)) paths.on(method, route.url, () => undefined)
    }
  })
  const allowedMethods = (url: string) =>
    [...methods].filter((method) => paths.find(method, url.split('?')[0]!) !== null).sort()

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, request)
    if (appError.code === 'DATABASE_UNAVAILABLE' || appError.code === 'SERVICE_NOT_READY') {
      // Expected while the database restarts: one line with the reason, no stack.
      const cause = appError.cause as { code?: unknown; message?: unknown } | undefined
      request.log.warn(
        { code: appError.code, reason: cause?.code ?? cause?.message ?? appError.message },
        'database unavailable or not ready',
      )
    } else if (appError.status >= 500) {
      // A client that hung up mid-body is not a server error: a debug line, no stack.
      if (isClientAbort(request, error))
        request.log.debug({ code: error.code ?? null }, 'request aborted by the client')
      else request.log.error({ err: error }, 'unexpected error')
    }
    // A body refused for its size is not read to its end: the connection closes after the answer.
    if (appError.code === 'BODY_TOO_LARGE') reply.header('connection', 'close')
    return sendProblem(reply, appError, request.id)
  })
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]
    const allow = allowedMethods(request.url)
    if (allow.length > 0) {
      reply.header('allow', allow.join(', '))
      return sendProblem(
        reply,
        new AppError('METHOD_NOT_ALLOWED', {
          detail: `${path} does not support ${request.method}; it supports ${allow.join(', ')}.`,
        }),
        request.id,
      )
    }
    return sendProblem(
      reply,
      new AppError('ROUTE_NOT_FOUND', { detail: `No endpoint ${request.method} ${path}.` }),
      request.id,
    )
  })
}

export function sendProblem(reply: FastifyReply, error: AppError, traceId: string): FastifyReply {
  const retryAfter = error.options.params?.retryAfterSeconds
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter))
  return reply
    .code(error.status)
    .header('x-trace-id', traceId)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify(problemOf(error, traceId)))
}

export const problemCodes = Object.keys(ERROR_CATALOGUE) as ErrorCode[]
