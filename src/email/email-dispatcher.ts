import { randomUUID } from 'node:crypto'
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
  renewEmailLease,
  scheduleEmailRetry,
  type DueEmail,
  type EmailClaim,
} from './outbox.js'

const MAX_BACKOFF_MS = 15 * 60_000
const DEFAULT_BATCH_SIZE = 20
const MAX_ERROR_LENGTH = 200

export interface EmailDispatcherDeps {
  db: Kysely<Database>
  box: SecretBox
  clock: Clock
  mailer: Mailer
  logger: Logger
  config: {
    mailFrom: string
    /** how long after it was queued a message is still tried again (MAIL_RETRY_WINDOW) */
    mailRetryWindowMs: number
    /** how long a claim lasts unless its sender renews it (MAIL_CLAIM_LEASE) */
    mailClaimLeaseMs: number
  }
  /** the jitter's randomness, [0, 1); tests fix it */
  random?: () => number
}

export interface EmailDispatcher {
  /** Sends up to `batchSize` due messages; resolves to how many the mailer accepted. */
  dispatchDue(batchSize?: number): Promise<number>
  /** Shutdown: claim nothing more; the message being sent finishes. */
  stop(): void
  /**
   * Shutdown past its bound: hands the messages still being sent back to the outbox (pending,
   * due now) so another node sends them at once instead of after their lease. At least once:
   * a send that completes anyway after this may be repeated by that node.
   */
  releaseClaims(): Promise<number>
}

/**
 * Delivers the outbox at least once. Any number of processes may run it at the same time: each
 * message is claimed with a guarded update for a short lease, which the sender renews while the
 * transport works; a sender that dies stops renewing, and another process takes the message over
 * once the lease has run out. A repeat (the sender died after the server accepted the message but
 * before it was marked sent) carries the same Message-ID, so the receiving side can recognise it.
 * Transient failures (4xx replies, connection errors) are tried again with exponential backoff and
 * jitter until MAIL_RETRY_WINDOW after queueing; a permanent one (5xx) fails the message at once.
 */
export function createEmailDispatcher(deps: EmailDispatcherDeps): EmailDispatcher {
  let stopped = false
  const held = new Set<EmailClaim>()
  return {
    async dispatchDue(batchSize = DEFAULT_BATCH_SIZE) {
      if (stopped) return 0
      const due = await findDueEmails(deps.db, deps.clock.now(), batchSize)
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

async function dispatchOne(
  deps: EmailDispatcherDeps,
  email: DueEmail,
  held: Set<EmailClaim>,
): Promise<boolean> {
  const claim = await claimEmail(deps.db, email, {
    now: deps.clock.now(),
    leaseMs: deps.config.mailClaimLeaseMs,
    newMessageId: newMessageId(deps.config.mailFrom),
  })
  if (!claim) return false // another process claimed it between our read and our update
  held.add(claim)
  const renewal = keepLease(deps, claim)
  try {
    return await sendClaimed(deps, email, claim)
  } finally {
    clearInterval(renewal)
    held.delete(claim)
  }
}

/** Renews the lease every third of it while the transport works. */
function keepLease(deps: EmailDispatcherDeps, claim: EmailClaim): NodeJS.Timeout {
  const leaseMs = deps.config.mailClaimLeaseMs
  const timer = setInterval(() => {
    const until = new Date(deps.clock.now().getTime() + leaseMs)
    renewEmailLease(deps.db, claim, until).catch((error: unknown) =>
      deps.logger.warn({ emailId: claim.id, err: error }, 'email lease renewal failed'),
    )
  }, leaseMs / 3)
  timer.unref()
  return timer
}

async function sendClaimed(
  deps: EmailDispatcherDeps,
  email: DueEmail,
  claim: EmailClaim,
): Promise<boolean> {
  const { db, clock, logger, config } = deps
  const attempts = email.attempts + 1
  const context = { emailId: email.id, kind: email.kind, attempts, messageId: claim.messageId }
  const deadline = email.createdAt.getTime() + config.mailRetryWindowMs
  if (email.status === 'sending' && clock.now().getTime() >= deadline) {
    // The last try of the window never reported back; the window is over.
    await markEmailFailed(db, claim, 'sender stopped during the last attempt')
    logger.error(context, 'email abandoned: its sender stopped and the retry window is over')
    return false
  }
  let sent: SentMail
  try {
    const message = openPayload(deps, email)
    sent = await deps.mailer.send({
      ...message,
      from: config.mailFrom,
      messageId: claim.messageId,
    })
  } catch (error) {
    await recordFailure(deps, claim, { attempts, deadline, error }, context)
    return false
  }
  if (await markEmailSent(db, claim, clock.now())) {
    logger.info({ ...context, messageId: sent.messageId }, 'email sent')
  } else {
    // Held past its lease (a stalled process): another sender may have delivered it too.
    logger.warn(context, 'email sent after its claim was taken over')
  }
  return true
}

function openPayload(deps: EmailDispatcherDeps, email: DueEmail) {
  try {
    return parseOutgoingEmail(deps.box.open(email.payload))
  } catch (error) {
    throw new PermanentSendError(`payload cannot be opened: ${(error as Error).message}`)
  }
}

class PermanentSendError extends Error {}

async function recordFailure(
  deps: EmailDispatcherDeps,
  claim: EmailClaim,
  failure: { attempts: number; deadline: number; error: unknown },
  context: object,
): Promise<void> {
  const { db, clock, logger } = deps
  const lastError = describeSendError(failure.error)
  const now = clock.now().getTime()
  if (isPermanentFailure(failure.error)) {
    await markEmailFailed(db, claim, lastError)
    logger.error({ ...context, error: lastError }, 'email refused permanently; giving up')
    return
  }
  if (now >= failure.deadline) {
    await markEmailFailed(db, claim, lastError)
    logger.error({ ...context, error: lastError }, 'email failed until its retry window ended')
    return
  }
  const nextAttemptAt = new Date(
    Math.min(now + backoffMs(failure.attempts, deps.random), failure.deadline),
  )
  await scheduleEmailRetry(db, claim, { nextAttemptAt, lastError })
  logger.warn({ ...context, error: lastError, nextAttemptAt }, 'email failed; will retry')
}

/**
 * A permanent failure is not tried again: an SMTP reply in the 5xx range (the server refused the
 * message or a recipient for good) or a payload that cannot be opened. Everything else (4xx
 * replies such as 421 and 451, refused or dropped connections, timeouts) is transient.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof PermanentSendError) return true
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600
}

/**
 * 2, 4, 8 … seconds after the 1st, 2nd, 3rd … failed try, at most 15 minutes, each spread ±25 %
 * at random so that messages that failed together (a server outage) do not retry together.
 */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(2 ** attempts * 1000, MAX_BACKOFF_MS)
  return Math.round(base * (0.75 + 0.5 * random()))
}

/** `<uuid@domain of MAIL_FROM>`: unique, and the same for every try of one message. */
export function newMessageId(mailFrom: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'accounts.local'
  return `<${randomUUID()}@${domain}>`
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
