import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** a public route an attacker would hammer (accept-invite, the accept page): its failures wait */
    slowFailures?: boolean
  }
}

/** At most this many answers wait at once; past it they go out at once (no unbounded timers). */
const MAX_HELD = 10_000
/** A refused request announcing more than this is not drained after its answer. */
const UNREAD_BODY_BYTES = 64 * 1024

/**
 * Failures an attacker produces are answered after about `delayMs` (FAILURE_DELAY_MS, ±50 %): every 429, a 401
 * for a credential that was sent and is wrong, and any 4xx of a `slowFailures` route (a wrong
 * invitation code, a body too large, …). A held answer costs a timer and an idle socket, no CPU,
 * so an attacker waiting for answers before sending more (the usual loop) is slowed to
 * `concurrency / delay` requests per second, and the event loop stays free for everyone else. A
 * person who mistyped waits a second.
 */
export function registerFailureDelay(
  app: FastifyInstance,
  options: { delayMs: number; sleep?: (ms: number) => Promise<void> },
): void {
  if (options.delayMs <= 0) return
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  let held = 0
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isAttackerFailure(request, reply)) return payload
    // A big body left unread (refused before parsing) is not read afterwards just to keep the
    // connection: it closes after the answer.
    if (Number(request.headers['content-length'] ?? 0) > UNREAD_BODY_BYTES)
      reply.header('connection', 'close')
    if (held >= MAX_HELD) return payload
    held += 1
    try {
      // Jittered (±50 %): answers released together would come back as one burst of requests.
      await sleep(Math.round(options.delayMs * (0.5 + Math.random())))
    } finally {
      held -= 1
    }
    return payload
  })
}

function isAttackerFailure(request: FastifyRequest, reply: FastifyReply): boolean {
  const status = reply.statusCode
  if (status === 429) return true
  if (status === 401 && request.headers.authorization !== undefined) return true
  return status >= 400 && status < 500 && request.routeOptions.config.slowFailures === true
}
