import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { enqueueEmail } from '../email/outbox.js'
import { randomDigits, secretsEqual } from '../lib/secrets.js'
import type { AccountUser } from './account-user.js'
import type { AccountUserDeps } from './account-user-lookup.js'
import { recipientOf } from './invitation-email.js'
import {
  countConfirmationAttempt,
  findConfirmation,
  saveConfirmation,
} from './invitation-confirmation-repository.js'

/** A mailed one-time code works this long, once. */
export const CONFIRMATION_TTL_MS = 15 * 60_000
/** Wrong codes tried against one mailed code before it stops working. */
export const CONFIRMATION_MAX_ATTEMPTS = 5
/** No new code within this long of the previous one: the request says it was sent already. */
export const CONFIRMATION_RESEND_AFTER_MS = 60_000
/** At most this many codes per account user per hour: nobody floods a mailbox through us. */
export const CONFIRMATION_MAX_SENDS_PER_HOUR = 5

const DIGITS = 6
const HOUR_MS = 3_600_000

/** The stored form of a code: an HMAC bound to the account user (never the code itself). */
function codeHash(deps: Pick<AccountUserDeps, 'box'>, accountUserId: string, code: string) {
  return deps.box.digest('invitation-confirmation', `${accountUserId}:${code}`)
}

export type ConfirmationRequest = 'sent' | 'sent-recently' | 'too-many'

/**
 * Mails a new one-time code to the invitation's address in the caller's transaction (it replaces
 * the previous code), unless one went out less than a minute ago or five this hour.
 */
export async function requestConfirmationCode(
  trx: Kysely<Database>,
  deps: Pick<AccountUserDeps, 'box' | 'clock' | 'templates'>,
  accountUser: Pick<AccountUser, 'id' | 'user' | 'account'>,
): Promise<ConfirmationRequest> {
  const now = deps.clock.now()
  const previous = await findConfirmation(trx, accountUser.id)
  if (previous && now.getTime() - previous.sentAt.getTime() < CONFIRMATION_RESEND_AFTER_MS)
    return 'sent-recently'
  const sameHour = previous && now.getTime() - previous.sendsSince.getTime() < HOUR_MS
  if (sameHour && previous.sends >= CONFIRMATION_MAX_SENDS_PER_HOUR) return 'too-many'
  const code = randomDigits(DIGITS)
  const expiresAt = new Date(now.getTime() + CONFIRMATION_TTL_MS)
  await saveConfirmation(trx, accountUser.id, {
    codeHash: codeHash(deps, accountUser.id, code),
    expiresAt,
    attempts: 0,
    sentAt: now,
    sends: sameHour ? previous.sends + 1 : 1,
    sendsSince: sameHour ? previous.sendsSince : now,
  })
  await enqueueEmail(
    trx,
    deps,
    deps.templates.invitationConfirmation(recipientOf(accountUser.user), {
      accountName: accountUser.account.name,
      code,
      expiresAt,
    }),
  )
  return 'sent'
}

export type CodeCheck = { ok: true; codeHash: string } | { ok: false; reason: string }

/**
 * Compares a typed one-time code with the mailed one. A wrong code is counted at once (its own
 * statement, committed even though the request fails); the fifth wrong one ends the code. The
 * caller consumes a matching code inside its transaction (consumeConfirmation).
 */
export async function checkConfirmationCode(
  db: Kysely<Database>,
  deps: Pick<AccountUserDeps, 'box' | 'clock'>,
  accountUserId: string,
  typed: string,
): Promise<CodeCheck> {
  const stored = await findConfirmation(db, accountUserId)
  const hash = codeHash(deps, accountUserId, typed.trim())
  if (!stored) return { ok: false, reason: 'No one-time code was mailed, or it was used already.' }
  if (deps.clock.now() >= stored.expiresAt)
    return { ok: false, reason: 'The one-time code has expired; ask for a new one.' }
  if (stored.attempts >= CONFIRMATION_MAX_ATTEMPTS)
    return { ok: false, reason: 'Too many wrong codes were tried; ask for a new one.' }
  if (!secretsEqual(hash, stored.codeHash)) {
    await countConfirmationAttempt(db, accountUserId, stored.codeHash)
    return { ok: false, reason: 'The one-time code is wrong.' }
  }
  return { ok: true, codeHash: stored.codeHash }
}
