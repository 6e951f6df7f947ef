import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors.js'

/**
 * Whether an `Accept` header admits what the API answers: `application/json` (its problems,
 * `application/problem+json`), directly or through a wildcard, with a non-zero quality. No
 * header admits everything (RFC 9110 §12.5.1).
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase())
    const quality = params.find((p) => p.startsWith('q='))
    if (quality !== undefined && !(Number(quality.slice(2)) > 0)) return false
    return ['*/*', 'application/*', 'application/json', 'application/problem+json'].includes(type)
  })
}

/**
 * Endpoints that answer JSON (those that declare a response schema) refuse an `Accept` header
 * that admits no JSON with a 406 problem, after authentication (a caller without a token learns
 * nothing more). Redirects and images (icons) declare no response schema and are left alone.
 */
export function registerAcceptCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.schema?.response) return
    if (!acceptsJson(request.headers.accept)) {
      throw new AppError('MEDIA_TYPE_NOT_ACCEPTABLE')
    }
  })
}
