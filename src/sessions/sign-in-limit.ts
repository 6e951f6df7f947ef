import { AppError } from '../errors.js'
import type { WindowCounters } from '../lib/window-counters.js'

/**
 * Failed console sign-ins. Per client address: past 30 in 10 minutes the address is refused
 * (429) before any password is checked. Per email address (the lockout): 5 failures in 15 minutes
 * lock it until the window ends, whatever the password, with a message that says so; a password
 * reset through the mailbox lifts it. Password-reset mails: at most 3 an hour per email address
 * (past that the form answers as usual and sends nothing), 10 an hour per client address.
 */
export const SIGN_IN_LIMITS = {
  failuresPerAddress: { max: 30, windowMs: 10 * 60_000 },
  failuresPerEmail: { max: 5, windowMs: 15 * 60_000 },
  resetsPerEmail: { max: 3, windowMs: 60 * 60_000 },
  resetsPerAddress: { max: 10, windowMs: 60 * 60_000 },
} as const

export interface SignInLimit {
  /** Throws RATE_LIMITED when the client address used up its failures. */
  assertAddressOpen(clientAddress: string): Promise<void>
  /** Throws SIGN_IN_LOCKED while the email address is locked. */
  assertEmailOpen(emailKey: string): Promise<void>
  /** Counts a failure; throws SIGN_IN_LOCKED when it is the one that locks the email address. */
  countFailure(emailKey: string, clientAddress: string): Promise<{ attemptsLeft: number }>
  /** Lifts the lock of an email address (its owner proved the mailbox). */
  unlock(emailKey: string): Promise<void>
  /** Counts a reset request; false when this email or address asked too often already. */
  allowReset(emailKey: string, clientAddress: string): Promise<boolean>
}

function minutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000))
}

function locked(ttlMs: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000))
  return new AppError('SIGN_IN_LOCKED', {
    detail:
      `Too many failed sign-ins for this email address: it is locked for ${minutes(ttlMs)} ` +
      `more minute${minutes(ttlMs) === 1 ? '' : 's'}. Try again later, or reset your password to unlock it now.`,
    params: { retryAfterSeconds },
  })
}

export function createSignInLimit(counters: WindowCounters): SignInLimit {
  const { failuresPerAddress, failuresPerEmail, resetsPerEmail, resetsPerAddress } = SIGN_IN_LIMITS
  const emailKeyOf = (emailKey: string) => `sign-in-email:${emailKey}`
  const addressKeyOf = (address: string) => `sign-in-address:${address}`
  return {
    async assertAddressOpen(clientAddress) {
      const { count, ttlMs } = await counters.peek(
        addressKeyOf(clientAddress),
        failuresPerAddress.windowMs,
      )
      if (count >= failuresPerAddress.max) {
        const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000))
        throw new AppError('RATE_LIMITED', {
          detail: `Too many failed sign-ins from your network; retry in ${minutes(ttlMs)} minutes.`,
          params: { retryAfterSeconds },
        })
      }
    },
    async assertEmailOpen(emailKey) {
      const { count, ttlMs } = await counters.peek(emailKeyOf(emailKey), failuresPerEmail.windowMs)
      if (count >= failuresPerEmail.max) throw locked(ttlMs)
    },
    async countFailure(emailKey, clientAddress) {
      await counters.hit(addressKeyOf(clientAddress), failuresPerAddress.windowMs)
      const { count, ttlMs } = await counters.hit(emailKeyOf(emailKey), failuresPerEmail.windowMs)
      if (count >= failuresPerEmail.max) throw locked(ttlMs)
      return { attemptsLeft: failuresPerEmail.max - count }
    },
    async unlock(emailKey) {
      await counters.clear(emailKeyOf(emailKey))
    },
    async allowReset(emailKey, clientAddress) {
      const byAddress = await counters.hit(
        `reset-address:${clientAddress}`,
        resetsPerAddress.windowMs,
      )
      if (byAddress.count > resetsPerAddress.max) return false
      const byEmail = await counters.hit(`reset-email:${emailKey}`, resetsPerEmail.windowMs)
      return byEmail.count <= resetsPerEmail.max
    },
  }
}

/** No limit (RATE_LIMIT=off), as the other public limits. */
export const NO_SIGN_IN_LIMIT: SignInLimit = {
  assertAddressOpen: async () => undefined,
  assertEmailOpen: async () => undefined,
  countFailure: async () => ({ attemptsLeft: SIGN_IN_LIMITS.failuresPerEmail.max }),
  unlock: async () => undefined,
  allowReset: async () => true,
}
