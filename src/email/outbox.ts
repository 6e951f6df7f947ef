import type { Kysely } from 'kysely'
import { defineQuery } from '../db/defined-query.js'
import type { Database, EmailOutboxTable } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import type { SecretBox } from '../lib/secrets.js'
import type { OutgoingEmail } from './email.js'

/**
 * Queues a message. Pass the caller's transaction, so the state change that causes the email
 * and the email itself commit (or roll back) together. The whole message is sealed: bodies
 * carry invitation links, which are secrets at rest.
 */
export async function enqueueEmail(
  trx: Kysely<Database>,
  deps: { box: SecretBox; clock: Clock },
  email: OutgoingEmail,
): Promise<void> {
  await INSERT_EMAIL.execute(trx, {
    kind: email.kind,
    payload: deps.box.seal(JSON.stringify(email)),
    now: deps.clock.now().toISOString(),
  })
}

const INSERT_EMAIL = defineQuery((db, v: { kind: string; payload: string; now: string }) =>
  db.insertInto('email_outbox').values({
    kind: v.kind,
    payload: v.payload,
    status: 'pending',
    attempts: 0,
    next_attempt_at: v.now,
    created_at: v.now,
  }),
)

export interface DueEmail {
  id: number
  kind: string
  payload: string
  /** `sending` means a stale claim: its sender stopped before recording the outcome */
  status: 'pending' | 'sending'
  /** delivery tries started before this one */
  attempts: number
}

/** A claim this process holds: later updates are guarded by it, so a lost claim writes nothing. */
export interface EmailClaim {
  id: number
  claimedAt: Date
}

/** Pending messages whose time has come, and messages claimed before `staleBefore`. */
export async function findDueEmails(
  db: Kysely<Database>,
  at: { now: Date; staleBefore: Date },
  limit: number,
): Promise<DueEmail[]> {
  const rows = await db
    .selectFrom('email_outbox')
    .select(['id', 'kind', 'payload', 'status', 'attempts'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', at.now.toISOString())]),
        eb.and([
          eb('status', '=', 'sending'),
          eb('claimed_at', '<=', at.staleBefore.toISOString()),
        ]),
      ]),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.flatMap((row) =>
    row.status === 'pending' || row.status === 'sending'
      ? [{ ...row, status: row.status, attempts: Number(row.attempts) }]
      : [],
  )
}

/**
 * Claims one message and counts the try. The update repeats the condition the row was read
 * under, so of several processes that read the same row exactly one gets a row back: on
 * PostgreSQL a second updater waits for the first's row lock and then re-checks the condition
 * against the new row, which is `sending` with a fresh `claimed_at`.
 */
export async function claimEmail(
  db: Kysely<Database>,
  email: DueEmail,
  at: { now: Date; staleBefore: Date },
): Promise<EmailClaim | undefined> {
  const claimedAt = at.now
  let update = db
    .updateTable('email_outbox')
    .set((eb) => ({
      status: 'sending',
      claimed_at: claimedAt.toISOString(),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', email.id)
    .where('status', '=', email.status)
  update =
    email.status === 'pending'
      ? update.where('next_attempt_at', '<=', at.now.toISOString())
      : update.where('claimed_at', '<=', at.staleBefore.toISOString())
  const result = await update.executeTakeFirst()
  return result.numUpdatedRows === 1n ? { id: email.id, claimedAt } : undefined
}

export function markEmailSent(db: Kysely<Database>, claim: EmailClaim, sentAt: Date) {
  return finishClaim(db, claim, { status: 'sent', sent_at: sentAt.toISOString(), last_error: null })
}

export function scheduleEmailRetry(
  db: Kysely<Database>,
  claim: EmailClaim,
  retry: { nextAttemptAt: Date; lastError: string },
) {
  return finishClaim(db, claim, {
    status: 'pending',
    next_attempt_at: retry.nextAttemptAt.toISOString(),
    last_error: retry.lastError,
  })
}

/** Gives a claimed message back: pending and due at `now`, the try it started still counted. */
export function releaseEmailClaim(db: Kysely<Database>, claim: EmailClaim, now: Date) {
  return finishClaim(db, claim, {
    status: 'pending',
    next_attempt_at: now.toISOString(),
    last_error: 'released at shutdown',
  })
}

export function markEmailFailed(db: Kysely<Database>, claim: EmailClaim, lastError: string) {
  return finishClaim(db, claim, { status: 'failed', last_error: lastError })
}

type OutboxChange = {
  status: EmailOutboxTable['status']
  next_attempt_at?: string
  sent_at?: string
  last_error: string | null
}

/** Records an outcome only while the claim is still ours; false means another sender took over. */
async function finishClaim(
  db: Kysely<Database>,
  claim: EmailClaim,
  change: OutboxChange,
): Promise<boolean> {
  const result = await db
    .updateTable('email_outbox')
    .set({ ...change, claimed_at: null })
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('claimed_at', '=', claim.claimedAt.toISOString())
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}
