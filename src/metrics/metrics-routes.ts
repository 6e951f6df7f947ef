import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../errors.js'
import { secretsEqual } from '../lib/secrets.js'
import type { InvitationTransition, Metrics } from './metrics.js'

export const METRICS_PATH = '/metrics'

/** The invitation change a successful call of each route made, by its path's last segment. */
const INVITATION_ACTIONS: Record<string, InvitationTransition> = {
  'resend-invite': 'resent',
  'send-new-invite': 'reissued',
  'accept-invite': 'accepted',
}

/**
 * Counts and times every response by route pattern (never the raw URL: ids would make a series
 * per object), and counts invitation transitions from the route that made them: the operation
 * a route names and a 2xx say what happened, without reaching into the invitation services.
 */
export function observeRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    metrics.observeRequest(
      { method: request.method, route, status: reply.statusCode },
      reply.elapsedTime / 1000,
    )
    if (reply.statusCode >= 200 && reply.statusCode < 300) {
      const transition = invitationTransition(request, route)
      if (transition) metrics.countInvitations(transition)
    }
  })
}

function invitationTransition(
  request: FastifyRequest,
  route: string,
): InvitationTransition | undefined {
  const operation = request.routeOptions.config.operation
  if (operation === 'accountUsers.invite' && request.method === 'POST') return 'invited'
  const action = route.slice(route.lastIndexOf('/') + 1)
  if (operation === 'accountUsers.invitation') return INVITATION_ACTIONS[action]
  if (request.method !== 'POST') return undefined
  // accept-invite is public (no operation: only the invitee's link counts, issue #12).
  if (action === 'accept-invite') return 'accepted'
  // The page an emailed link opens: a 200 to its form post is an accepted invitation, unless
  // the post only asked for a one-time code to be mailed.
  const form = request.body as { action?: unknown } | undefined
  if (route === '/accept-invite' && form?.action !== 'send-code') return 'accepted'
  return undefined
}

/**
 * `GET /metrics` in the Prometheus text format. With a token (public port), only to callers
 * presenting it as a bearer token; without one, the caller put it on a port of its own.
 */
export async function metricsRoute(
  app: FastifyInstance,
  deps: { metrics: Metrics; token?: string | undefined },
): Promise<void> {
  app.get(
    METRICS_PATH,
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Prometheus metrics (METRICS_TOKEN as the bearer token)',
        response: {
          200: {
            description: 'The Prometheus text exposition format.',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (request, reply) => {
      if (deps.token !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
        if (!match || !secretsEqual(match[1]!, deps.token))
          throw new AppError('AUTHENTICATION_REQUIRED', {
            detail: 'Metrics need the METRICS_TOKEN as the bearer token.',
          })
      }
      const text = await deps.metrics.scrape()
      return reply.type(deps.metrics.contentType).header('cache-control', 'no-store').send(text)
    },
  )
}
