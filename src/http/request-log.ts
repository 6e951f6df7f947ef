import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/**
 * What a request line says: method, route pattern (never the URL: a query string or a path can
 * carry an invitation code, however it is encoded), status, duration, trace id (the logger's
 * binding, see `requestIdLogLabel`) and the acting token or user.
 */
function requestFields(request: FastifyRequest, reply?: FastifyReply) {
  return {
    method: request.method,
    route: request.routeOptions.url ?? null,
    status: reply?.statusCode ?? null,
    durationMs: reply ? Math.round(reply.elapsedTime * 10) / 10 : null,
    actorId: request.actor?.id ?? null,
  }
}

/**
 * One log line per request, written when the response is sent (Fastify's own "incoming request"
 * and "request completed" lines are off: `disableRequestLogging`). A request the client aborts
 * gets one debug line instead, without a stack: a client hanging up is not a server error.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(requestFields(request, reply), 'request')
  })
  app.addHook('onRequestAbort', async (request) => {
    request.log.debug(requestFields(request), 'request aborted by the client')
  })
}

/** Whether a request failed because its client went away (the body stream was cut). */
export function isClientAbort(request: FastifyRequest, error: { code?: string }): boolean {
  return (
    request.raw.aborted ||
    request.raw.destroyed ||
    error.code === 'ECONNRESET' ||
    error.code === 'ERR_STREAM_PREMATURE_CLOSE'
  )
}
