import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, ERROR_CATALOGUE, type ErrorCode, type ProblemErrors } from '../errors.js'
import { isClientAbort } from './request-log.js'

const RFC9110 = 'https://tools.ietf.org/html/rfc9110#section-'
const TYPE_BY_STATUS: Record<number, string> = {
  400: `${RFC9110}15.5.1`,
  401: `${RFC9110}15.5.2`,
  403: `${RFC9110}15.5.4`,
  404: `${RFC9110}15.5.5`,
  409: `${RFC9110}15.5.10`,
  413: `${RFC9110}15.5.14`,
  415: `${RFC9110}15.5.16`,
  429: 'https://tools.ietf.org/html/rfc6585#section-4',
  500: `${RFC9110}15.6.1`,
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
      const message =
        issue.keyword === 'additionalProperties'
          ? 'Unknown property.'
          : (issue.message ?? 'Invalid value.')
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
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BODY_INVALID_JSON', {
        errors: { body: ['The body is not valid JSON.'] },
      })
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new AppError('BODY_INVALID_JSON', { errors: { body: [error.message] } })
  }
  if (error.statusCode === 413) return new AppError('BODY_TOO_LARGE')
  if (error.statusCode === 415) return new AppError('CONTENT_TYPE_UNSUPPORTED')
  return new AppError('INTERNAL_ERROR')
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, request)
    if (appError.status >= 500) {
      // A client that hung up mid-body is not a server error: a debug line, no stack.
      if (isClientAbort(request, error))
        request.log.debug({ code: error.code ?? null }, 'request aborted by the client')
      else request.log.error({ err: error }, 'unexpected error')
    }
    // A body refused for its size is not read to its end: the connection closes after the answer.
    if (appError.code === 'BODY_TOO_LARGE') reply.header('connection', 'close')
    return sendProblem(reply, appError, request.id)
  })
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new AppError('ROUTE_NOT_FOUND', {
        detail: `No endpoint ${request.method} ${request.url.split('?')[0]}.`,
      }),
      request.id,
    ),
  )
}

export function sendProblem(reply: FastifyReply, error: AppError, traceId: string): FastifyReply {
  const retryAfter = error.options.params?.retryAfterSeconds
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter))
  return reply
    .code(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify(problemOf(error, traceId)))
}

export const problemCodes = Object.keys(ERROR_CATALOGUE) as ErrorCode[]
