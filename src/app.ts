import multipart from '@fastify/multipart'
import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify'
import { iconRoutes } from './icons/icon-routes.js'
import { acceptInvitePage } from './web/accept-invite-page.js'
import { logoRoute } from './web/branding.js'
import { webhookRoutes } from './webhooks/webhook-routes.js'
import { webPages, type WebConfig } from './web/web-pages.js'
import { accountRoutes } from './accounts/account-routes.js'
import { buyerRoutes } from './buyers/buyer-routes.js'
import { sellerRoutes } from './sellers/seller-routes.js'
import { erpLinkRoutes } from './erp-links/erp-link-routes.js'
import { licenseeRoutes } from './licensees/licensee-routes.js'
import { cloudTenantRoutes } from './cloud-tenants/cloud-tenant-routes.js'
import { userRoutes } from './users/user-routes.js'
import { accountUserRoutes } from './account-users/account-user-routes.js'
import type { Config } from './config.js'
import { registerAuthentication } from './http/authenticate.js'
import { registerAuthorization } from './http/authorize.js'
import { apiTokenRoutes } from './api-tokens/api-token-routes.js'
import { registerBodyParsers, registerEmptyBodyDefault } from './http/body-parsers.js'
import { registerAcceptCheck } from './http/accept.js'
import {
  MAX_PARAM_LENGTH,
  clientErrorHandler,
  frameworkErrorHandler,
  registerProblemHandlers,
} from './http/problem.js'
import { registerFailureDelay } from './http/failure-delay.js'
import { registerRequestLog } from './http/request-log.js'
import { registerRateLimits } from './http/rate-limit.js'
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
  config: Pick<Config, 'logLevel' | 'rateLimit' | 'trustProxy' | 'failureDelayMs' | 'logoFile'> &
    WebConfig
  services: Services
  /** whether the process is shutting down (main.ts); readiness fails while it is */
  lifecycle?: Lifecycle
  /** counts requests and invitation transitions; `token`: also serve /metrics here, behind it */
  metrics?: { metrics: Metrics; token?: string | undefined }
  /** sees every route as it is added (the OpenAPI completeness test) */
  onRoute?: (route: RouteOptions) => void
  /** false: no logs (most tests); a stream: where the JSON log lines go (default stdout) */
  logger?: false | { stream: NodeJS.WritableStream }
  /** how failures wait (FAILURE_DELAY_MS); tests pass one that records instead of waiting */
  sleep?: (ms: number) => Promise<void>
}

/** Builds the HTTP application; never listens (main.ts does, tests use inject). */
export async function buildApp({
  config,
  services,
  logger,
  sleep,
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
            // Bearer tokens never reach the logs; request bodies and URLs are never logged at all.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie'],
              censor: '[redacted]',
            },
            serializers: { req: serializeRequest },
            ...(logger ? { stream: logger.stream } : {}),
          },
    // One line per request, written by request-log.ts: no URL, no query string, ever.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'traceId' }),
    genReqId: (req) => traceIdFor(req.headers.traceparent),
    requestIdHeader: false,
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    bodyLimit: 12 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: false, allErrors: true, removeAdditional: true } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // What the router and Node's HTTP parser refuse is answered as a problem too (issue #11).
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  })
  if (onRoute) app.addHook('onRoute', onRoute)
  registerProblemHandlers(app)
  registerRequestLog(app)
  registerFailureDelay(app, { delayMs: config.failureDelayMs, ...(sleep ? { sleep } : {}) })
  await registerOpenApi(app)
  if (metrics) observeRequests(app, metrics.metrics)
  // Multipart creates/updates carry a JSON part and an image of up to 10 MB (§9.3).
  // Parts are read by the routes that take them (http/multipart.ts), not into every body.
  await app.register(multipart, {
    limits: { fileSize: 10 * 1024 * 1024, files: 2, fields: 10, parts: 12 },
  })
  app.decorateRequest('upload', undefined)
  registerBodyParsers(app)
  registerEmptyBodyDefault(app)
  const limits = await registerRateLimits(app, {
    counters: services.counters,
    now: () => services.clock.now().getTime(),
    enabled: config.rateLimit,
  })
  registerAuthentication(app, services.authenticator, limits)
  registerAuthorization(app)
  registerAcceptCheck(app)
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-trace-id', request.id)
    // Responses carry token secrets, invitation links and people's data: no cache keeps them,
    // unless a route says otherwise (the immutable icons). No browser guesses their type.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
    reply.header('x-content-type-options', 'nosniff')
    return payload
  })

  await apiDocs(app)
  if (metrics?.token) await metricsRoute(app, metrics)
  const draining = lifecycle ?? createLifecycle()
  closeConnectionsWhileDraining(app, draining)
  await healthRoutes(app, { db: services.db, lifecycle: draining })
  await accountUserRoutes(app, services, limits)
  await userGroupRoutes(app, services)
  await moduleRoutes(app, services)
  await apiTokenRoutes(app, services)
  await iconRoutes(app, { db: services.db })
  await acceptInvitePage(app, services, config, limits)
  await logoRoute(app, config)
  await webPages(app, services, config, limits)
  await accountRoutes(app, services)
  await buyerRoutes(app, services)
  await sellerRoutes(app, services)
  await erpLinkRoutes(app, services)
  await licenseeRoutes(app, services)
  await cloudTenantRoutes(app, services)
  await userRoutes(app, services)
  await webhookRoutes(app, services)
  return app
}

/**
 * Should anything log a request object: its method and trace id, never its URL (the accept page's
 * query string carries an invitation code, and no pattern catches every way to encode one).
 */
function serializeRequest(request: { method: string; id: string }) {
  return { method: request.method, traceId: request.id }
}
