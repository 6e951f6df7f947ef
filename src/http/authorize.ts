import type { FastifyInstance } from 'fastify'
import { refusalOf, type Operation } from '../access/permissions.js'
import { AppError } from '../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the operation of the permission table this route performs; required unless `auth: 'public'` */
    operation?: Operation
  }
}

/**
 * The one place operations are allowed or refused (403), by account type and modules. Every route must name
 * its operation: a route without one fails at start-up rather than being open by accident.
 */
export function registerAuthorization(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { auth?: string; operation?: Operation }
    if (config.auth !== 'public' && !config.operation && route.method !== 'HEAD') {
      throw new Error(
        `route ${String(route.method)} ${route.url} names no operation of the permission table`,
      )
    }
  })
  app.addHook('preValidation', async (request) => {
    const operation = request.routeOptions.config.operation
    if (!operation || !request.actor) return
    const refusal = refusalOf(request.actor, operation)
    if (refusal) throw new AppError('ACCESS_DENIED', { detail: refusal })
  })
}
