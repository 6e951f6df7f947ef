import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import type { SecretBox } from '../lib/secrets.js'
import { parseOutgoingEmail } from './email.js'
import type { Logger, Mailer, SentMail } from './mailer.js'
import {
  claimEmail,
  findDueEmails,
  markEmailFailed,
  markEmailSent,
  releaseEmailClaim,
  scheduleEmailRetry,
  type DueEmail,
  type EmailClaim,
} from './outbox.js'

/** A claim older than this belongs to a sender that stopped; another process may take it over. */
export const STALE_CLAIM_MS = 5 * 60_000
const MAX_BACKOFF_MS = 60 * 60_000
const DEFAULT_BATCH_SIZE = 20
const MAX_ERROR_LENGTH = 200

export interface EmailDispatcherDeps {
  db: Kysely<Database>
  box: SecretBox
  clock: Clock
  mailer: Mailer
  logger: Logger
  config: { mailFrom: string; mailMaxAttempts: number }
}

export interface EmailDispatcher {
  /** Sends up to `batchSize` due messages; resolves to how many the mailer accepted. */
  dispatchDue(batchSize?: number): Promise<number>
  /** Shutdown: claim nothing more; the message being sent finishes. */
  stop(): void
  /**
   * Shutdown past its bound: hands the messages still being sent back to the outbox (pending,
   * due now) so another node sends them at once instead of after STALE_CLAIM_MS. At least once:
   * a send that completes anyway after this may be repeated by that node.
   */
  releaseClaims(): Promise<number>
}

/**
 * Delivers the outbox at least once. Any number of processes may run it at the same time:
 * each message is claimed with a guarded update, so only a sender that stops mid-send for
 * longer than STALE_CLAIM_MS can cause a second delivery.
 */
export function createEmailDispatcher(deps: EmailDispatcherDeps): EmailDispatcher {
  let stopped = false
  const held = new Set<EmailClaim>()
  return {
    async dispatchDue(batchSize = DEFAULT_BATCH_SIZE) {
      if (stopped) return 0
      const due = await findDueEmails(deps.db, claimWindow(deps.clock), batchSize)
      let delivered = 0
      for (const email of due) {
        if (stopped) break
        if (await dispatchOne(deps, email, held)) delivered += 1
      }
      return delivered
    },
    stop() {
      stopped = true
    },
    async releaseClaims() {
      let released = 0
      for (const claim of [...held]) {
        if (await releaseEmailClaim(deps.db, claim, deps.clock.now())) released += 1
        held.delete(claim)
      }
      return released
    },
  }
}

function claimWindow(clock: Clock) {
  const now = clock.now()
  return { now, staleBefore: new Date(now.getTime() - STALE_CLAIM_MS) }
}

async function dispatchOne(
  deps: EmailDispatcherDeps,
  email: DueEmail,
  held: Set<EmailClaim>,
): Promise<boolean> {
  const claim = await claimEmail(deps.db, email, claimWindow(deps.clock))
  if (!claim) return false // another process claimed it between our read and our update
  held.add(claim)
  try {
    return await sendClaimed(deps, email, claim)
  } finally {
    held.delete(claim)
  }
}

async function sendClaimed(
  deps: EmailDispatcherDeps,
  email: DueEmail,
  claim: EmailClaim,
): Promise<boolean> {
  const { db, clock, logger, config } = deps
  const attempts = email.attempts + 1
  const context = { emailId: email.id, kind: email.kind, attempts }
  if (email.status === 'sending' && email.attempts >= config.mailMaxAttempts) {
    // The last allowed try never reported back; sending again would exceed the limit.
    await markEmailFailed(db, claim, 'sender stopped during the last attempt')
    logger.error(context, 'email abandoned after its last attempt stopped')
    return false
  }
  let sent: SentMail
  try {
    const message = parseOutgoingEmail(deps.box.open(email.payload))
    sent = await deps.mailer.send({ ...message, from: config.mailFrom })
  } catch (error) {
    await recordFailure(deps, claim, attempts, describeSendError(error), context)
    return false
  }
  const sentContext = { ...context, messageId: sent.messageId }
  if (await markEmailSent(db, claim, clock.now())) {
    logger.info(sentContext, 'email sent')
  } else {
    // Held past STALE_CLAIM_MS: another sender may have delivered it too (at least once).
    logger.warn(sentContext, 'email sent after its claim was taken over')
  }
  return true
}

async function recordFailure(
  deps: EmailDispatcherDeps,
  claim: EmailClaim,
  attempts: number,
  lastError: string,
  context: object,
): Promise<void> {
  const { db, clock, logger, config } = deps
  if (attempts >= config.mailMaxAttempts) {
    await markEmailFailed(db, claim, lastError)
    logger.error({ ...context, error: lastError }, 'email failed; giving up')
    return
  }
  const nextAttemptAt = new Date(clock.now().getTime() + backoffMs(attempts))
  await scheduleEmailRetry(db, claim, { nextAttemptAt, lastError })
  logger.warn({ ...context, error: lastError, nextAttemptAt }, 'email failed; will retry')
}

/** 2, 4, 8 … seconds after the 1st, 2nd, 3rd … failed try, at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(2 ** attempts * 1000, MAX_BACKOFF_MS)
}

/**
 * A short, loggable reason. Transport errors may quote the message they failed on, so URLs and
 * long token-like strings (invitation codes) are blanked and only the first line is kept.
 */
export function describeSendError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | null)?.code
  const firstLine = (message.split(/\r?\n/)[0] ?? '')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
    .replace(/[A-Za-z0-9+/_=%-]{24,}/g, '[redacted]')
  const reason = typeof code === 'string' && code ? `${code}: ${firstLine}` : firstLine
  return (reason || 'unknown error').slice(0, MAX_ERROR_LENGTH)
}
