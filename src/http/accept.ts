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
 * Whether a route's success answer is a JSON body, read from its response schemas: redirects,
 * empty answers (`type: 'null'`: 204, 307) and other media (images, the HTML pages) are not.
 */
export function answersJson(responses: unknown): boolean {
  if (!responses || typeof responses !== 'object') return false
  return Object.entries(responses as Record<string, unknown>).some(([status, schema]) => {
    if (!/^2/.test(status) || !schema || typeof schema !== 'object') return false
    const { content, type } = schema as { content?: Record<string, unknown>; type?: unknown }
    if (content) return Object.keys(content).some((media) => /json/.test(media))
    return type !== 'null'
  })
}

/**
 * Endpoints that answer JSON refuse an `Accept` header that admits no JSON with a 406 problem,
 * after authentication (a caller without a token learns nothing more). Redirects, images and
 * pages are left alone (`answersJson`).
 */
export function registerAcceptCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!answersJson(request.routeOptions.schema?.response)) return
    if (!acceptsJson(request.headers.accept)) {
      throw new AppError('MEDIA_TYPE_NOT_ACCEPTABLE')
    }
  })
}
