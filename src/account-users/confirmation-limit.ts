import { AppError } from '../errors.js'
import type { WindowCounters } from '../lib/window-counters.js'

/**
 * Wrong one-time codes or passwords confirming one account user, from anywhere: past 10 in 10
 * minutes every accept of that account user answers 429 until the window ends. Only a holder of
 * the link's code gets this far, so nobody without it can lock the invitee out.
 */
export const CONFIRMATION_FAILURES = { max: 10, windowMs: 10 * 60_000 }

export interface ConfirmationLimit {
  /** Throws RATE_LIMITED while the account user's failures are used up. */
  assertOpen(accountUserId: string): Promise<void>
  countFailure(accountUserId: string): Promise<void>
}

export function createConfirmationLimit(counters: WindowCounters): ConfirmationLimit {
  const key = (accountUserId: string) => `confirm-failures:${accountUserId}`
  return {
    async assertOpen(accountUserId) {
      const { count, ttlMs } = await counters.peek(
        key(accountUserId),
        CONFIRMATION_FAILURES.windowMs,
      )
      if (count >= CONFIRMATION_FAILURES.max) {
        const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000))
        throw new AppError('RATE_LIMITED', {
          detail: `Too many wrong codes or passwords for this invitation; retry in ${retryAfterSeconds} seconds.`,
          params: { retryAfterSeconds },
        })
      }
    },
    async countFailure(accountUserId) {
      await counters.hit(key(accountUserId), CONFIRMATION_FAILURES.windowMs)
    },
  }
}

/** No limit (RATE_LIMIT=off). */
export const NO_CONFIRMATION_LIMIT: ConfirmationLimit = {
  assertOpen: async () => undefined,
  countFailure: async () => undefined,
}
