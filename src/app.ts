import multipart from '@fastify/multipart'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import { iconRoutes } from './icons/icon-routes.js'
import { acceptInvitePage } from './web/accept-invite-page.js'
import { accountRoutes } from './accounts/account-routes.js'
import { buyerRoutes } from './buyers/buyer-routes.js'
import { userRoutes } from './users/user-routes.js'
import { accountUserRoutes } from './account-users/account-user-routes.js'
import type { Config } from './config.js'
import { registerAuthentication } from './http/authenticate.js'
import { registerAuthorization } from './http/authorize.js'
import { apiTokenRoutes } from './api-tokens/api-token-routes.js'
import { registerBodyParsers, registerEmptyBodyDefault } from './http/body-parsers.js'
import { registerProblemHandlers } from './http/problem.js'
import { apiDocs, registerOpenApi } from './http/openapi.js'
import { closeConnectionsWhileDraining, healthRoutes } from './http/health-routes.js'
import { createLifecycle, type Lifecycle } from './lib/lifecycle.js'
import type { Metrics } from './metrics/metrics.js'
import { metricsRoute, observeRequests } from './metrics/metrics-routes.js'
import { traceIdFor } from './http/trace-id.js'
import { moduleRoutes } from './modules/module-routes.js'
import type { Services } from './services.js'
import { userGroupRoutes } from './user-groups/user-group-routes.js'

export interface AppDeps {
  config: Pick<Config, 'logLevel'>
  services: Services
  /** whether the process is shutting down (main.ts); readiness fails while it is */
  lifecycle?: Lifecycle
  /** counts requests and invitation transitions; `token`: also serve /metrics here, behind it */
  metrics?: { metrics: Metrics; token?: string | undefined }
  /** sees every route as it is added (the OpenAPI completeness test) */
  onRoute?: (route: RouteOptions) => void
  /** false: no logs (most tests); a stream: where the JSON log lines go (default stdout) */
  logger?: false | { stream: NodeJS.WritableStream }
}

/** Builds the HTTP application; never listens (main.ts does, tests use inject). */
export async function buildApp({
  config,
  services,
  logger,
  lifecycle,
  metrics,
  onRoute,
}: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      logger === false
        ? false
        : {
            level: config.logLevel,
            // Bearer tokens never reach the logs; request bodies are never logged at all.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie'],
              censor: '[redacted]',
            },
            serializers: { req: serializeRequest },
            ...(logger ? { stream: logger.stream } : {}),
          },
    genReqId: (req) => traceIdFor(req.headers.traceparent),
    requestIdHeader: false,
    bodyLimit: 12 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: false, allErrors: true, removeAdditional: true } },
    routerOptions: { ignoreTrailingSlash: true },
  })
  if (onRoute) app.addHook('onRoute', onRoute)
  registerProblemHandlers(app)
  await registerOpenApi(app)
  if (metrics) observeRequests(app, metrics.metrics)
  // Multipart creates/updates carry a JSON part and an image of up to 10 MB (§9.3).
  await app.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: 10 * 1024 * 1024, files: 2, fields: 10, parts: 12 },
  })
  app.decorateRequest('upload', undefined)
  registerBodyParsers(app)
  registerEmptyBodyDefault(app)
  registerAuthentication(app, services.authenticator)
  registerAuthorization(app)
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-trace-id', request.id)
    return payload
  })

  await apiDocs(app)
  if (metrics?.token) await metricsRoute(app, metrics)
  const draining = lifecycle ?? createLifecycle()
  closeConnectionsWhileDraining(app, draining)
  await healthRoutes(app, { db: services.db, lifecycle: draining })
  await accountUserRoutes(app, services)
  await userGroupRoutes(app, services)
  await moduleRoutes(app, services)
  await apiTokenRoutes(app, services)
  await iconRoutes(app, { db: services.db })
  await acceptInvitePage(app, services)
  await accountRoutes(app, services)
  await buyerRoutes(app, services)
  await userRoutes(app, services)
  return app
}

/** Request log lines without invitation codes: the accept page carries one in its query string. */
function serializeRequest(request: { method: string; url: string; id: string; ip?: string }) {
  return {
    method: request.method,
    url: request.url.replace(/([?&]code=)[^&]*/g, '$1[redacted]'),
    traceId: request.id,
    remoteAddress: request.ip,
  }
}
