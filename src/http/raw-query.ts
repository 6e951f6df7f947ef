import type { FastifyRequest } from 'fastify'

/**
 * The query string exactly as sent. RQL is read from it, not from Fastify's parsed query,
 * because form decoding would turn the literal `+` of `select=+audit` into a space (§4.4).
 */
export function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf('?')
  return at === -1 ? '' : request.url.slice(at + 1)
}
