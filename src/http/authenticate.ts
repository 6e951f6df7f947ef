import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Actor } from '../access/actor.js'
import type { TokenAuthenticator } from '../api-tokens/api-token-authentication.js'
import { AppError } from '../errors.js'
import type { PublicRouteLimits } from './rate-limit.js'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined
  }
  interface FastifyContextConfig {
    /**
     * `public`: no token needed, and one sent is not read; `session`: a console page, whose
     * session cookie the console plugin reads (src/web/console/console-plugin.ts), never a token
     */
    auth?: 'required' | 'public' | 'session'
  }
}

/**
 * Reads `Authorization: Bearer <token>` on every route; routes opt out with `config.auth`. Failed
 * credentials are counted per client address and per token id (`limits`): an address past its
 * failures is refused before any lookup.
 */
export function registerAuthentication(
  app: FastifyInstance,
  authenticator: TokenAuthenticator,
  limits: Pick<PublicRouteLimits, 'beforeAuthentication' | 'authenticationFailed'>,
): void {
  app.decorateRequest('actor', undefined)
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const mode = request.routeOptions.config.auth ?? 'required'
    if (mode === 'public' || mode === 'session') return
    const header = request.headers.authorization
    if (!header) {
      throw new AppError('AUTHENTICATION_REQUIRED', {
        detail: 'The Authorization header is missing.',
      })
    }
    await limits.beforeAuthentication(request)
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    const actor = match ? await authenticator.authenticate(match[1]!) : undefined
    if (!actor) {
      await limits.authenticationFailed(request)
      throw new AppError('AUTHENTICATION_REQUIRED', {
        detail: 'The bearer token is malformed, unknown, disabled or deleted.',
      })
    }
    request.actor = actor
  })
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('AUTHENTICATION_REQUIRED')
  return request.actor
}
