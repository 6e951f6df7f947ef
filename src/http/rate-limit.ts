import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseCredential } from '../api-tokens/api-token-credential.js'
import { AppError } from '../errors.js'
import type { WindowCounters } from '../lib/window-counters.js'

export interface RateRule {
  max: number
  windowMs: number
}

const TEN_MINUTES = 10 * 60_000

/**
 * The limits of the public surface (docs/invitation-states.md, "Abuse"). A real invitee accepts
 * once, maybe after a typo or two; a real client authenticates right. Past a limit: 429 with
 * Retry-After. (Wrong one-time codes or passwords per account user are limited by the accept use
 * case itself: CONFIRMATION_FAILURES in src/account-users/confirmation-limit.ts.)
 */
export const RATE_LIMITS = {
  /** accept-invite, every family and the page's form post, per client address */
  acceptPerAddress: { max: 30, windowMs: TEN_MINUTES },
  /** the accept page, GET and POST, per client address */
  pagesPerAddress: { max: 60, windowMs: TEN_MINUTES },
  /** "Ask for a new link" on the expired-link page, per client address (it sends email) */
  newLinkPerAddress: { max: 5, windowMs: 6 * TEN_MINUTES },
  /** wrong bearer credentials per client address: past it, every credential from it waits */
  authFailuresPerAddress: { max: 30, windowMs: TEN_MINUTES },
  /** wrong secrets for one token id: past it, further failures answer 429, the right secret works */
  authFailuresPerToken: { max: 10, windowMs: TEN_MINUTES },
} as const satisfies Record<string, RateRule>

export function rateLimited(retryAfterMs: number, what: string): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return new AppError('RATE_LIMITED', {
    detail: `Too many ${what}; retry in ${retryAfterSeconds} seconds.`,
    params: { retryAfterSeconds },
  })
}

/**
 * @fastify/rate-limit's store on our window counters (memory on SQLite, the rate_limits table on
 * PostgreSQL). A key found over its limit is remembered here until its window ends, so a flood on
 * one key is refused from memory, without asking the database again.
 */
function storeOn(counters: WindowCounters, now: () => number) {
  const exceededUntil = new Map<string, number>()
  return class CountersStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
      max: number,
    ): void {
      const until = exceededUntil.get(key)
      if (until !== undefined && until > now()) {
        callback(null, { current: max + 1, ttl: until - now() })
        return
      }
      counters.hit(key, timeWindow).then((result) => {
        if (result.count > max) {
          if (exceededUntil.size >= 10_000) exceededUntil.clear()
          exceededUntil.set(key, now() + result.ttlMs)
        }
        callback(null, { current: result.count, ttl: result.ttlMs })
      }, callback)
    }

    read(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      counters
        .peek(key, timeWindow)
        .then((result) => callback(null, { current: result.count, ttl: result.ttlMs }), callback)
    }

    child(): FastifyRateLimitStore {
      return this
    }
  }
}

type Check = (
  request: FastifyRequest,
  options?: { increment?: boolean },
) => Promise<
  { isAllowed: true } | { isAllowed: false; isExceeded: boolean; remaining: number; ttl: number }
>

export interface PublicRouteLimits {
  /** onRequest hook of every accept-invite route and the page's form post */
  acceptByAddress(request: FastifyRequest): Promise<void>
  /** onRequest hook of the accept page */
  pageByAddress(request: FastifyRequest): Promise<void>
  /** before "Ask for a new link" is acted on */
  newLinkByAddress(request: FastifyRequest): Promise<void>
  /** before a bearer credential is verified: refuses an address past its failures */
  beforeAuthentication(request: FastifyRequest): Promise<void>
  /** after a bearer credential failed: counts it, and answers 429 past a limit */
  authenticationFailed(request: FastifyRequest): Promise<void>
}

/**
 * Registers @fastify/rate-limit (no global limit) on `counters` and returns the checks the
 * public routes and authentication use. `enabled: false` (RATE_LIMIT=off) lets everything
 * through. The client address is `request.ip` (TRUST_PROXY decides whether proxies' headers count).
 */
export async function registerRateLimits(
  app: FastifyInstance,
  options: { counters: WindowCounters; now: () => number; enabled: boolean },
): Promise<PublicRouteLimits> {
  await app.register(rateLimit, {
    global: false,
    store: storeOn(options.counters, options.now),
    skipOnError: false,
  })
  const check = (rule: RateRule, keyOf: (request: FastifyRequest) => string): Check =>
    app.createRateLimit({
      max: rule.max,
      timeWindow: rule.windowMs,
      keyGenerator: keyOf,
    }) as unknown as Check
  const address = (prefix: string) => (request: FastifyRequest) => `${prefix}:${request.ip}`
  const tokenId = (request: FastifyRequest) => {
    const header = request.headers.authorization ?? ''
    const credential = parseCredential(header.replace(/^Bearer\s+/i, ''))
    return `auth-token:${credential?.tokenId ?? 'malformed'}`
  }
  const accept = check(RATE_LIMITS.acceptPerAddress, address('accept-address'))
  const page = check(RATE_LIMITS.pagesPerAddress, address('page-address'))
  const newLink = check(RATE_LIMITS.newLinkPerAddress, address('new-link-address'))
  const authByAddress = check(RATE_LIMITS.authFailuresPerAddress, address('auth-address'))
  const authByToken = check(RATE_LIMITS.authFailuresPerToken, tokenId)

  const enforce = async (
    limit: Check,
    request: FastifyRequest,
    what: string,
    increment = true,
  ): Promise<void> => {
    if (!options.enabled) return
    const result = await limit(request, { increment })
    if (!result.isAllowed && result.isExceeded) throw rateLimited(result.ttl, what)
  }

  return {
    acceptByAddress: (request) => enforce(accept, request, 'invitation accepts from your address'),
    pageByAddress: (request) =>
      enforce(page, request, 'invitation page requests from your address'),
    newLinkByAddress: (request) =>
      enforce(newLink, request, 'requests for a new invitation link from your address'),
    async beforeAuthentication(request) {
      if (!options.enabled) return
      // Read, not counted: an address that used up its failures is refused before any lookup.
      const result = await authByAddress(request, { increment: false })
      if (!result.isAllowed && result.remaining <= 0)
        throw rateLimited(result.ttl, 'failed authentications from your address')
    },
    async authenticationFailed(request) {
      await enforce(authByAddress, request, 'failed authentications from your address')
      await enforce(authByToken, request, 'failed authentications with this API token')
    },
  }
}
