import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Socket } from 'node:net'

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

const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
}

/**
 * Fastify's `clientErrorHandler`: a malformed or cut-off request before routing (a client that
 * hung up, a bad request line). Logged at debug with its code only, no stack; answered like
 * Fastify's default when the socket can still take it.
 */
export function handleClientError(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  this.log.debug({ code: error.code ?? null }, 'client connection error')
  if (!socket.writable || socket.destroyed || error.code === 'ECONNRESET') {
    socket.destroy()
    return
  }
  const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? '400 Bad Request'
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
}
