import type { Kysely } from 'kysely'
import { defineQuery } from '../db/defined-query.js'
import type { Database, EmailOutboxTable } from '../db/schema.js'
import { toDate } from '../db/rows.js'
import type { Clock } from '../lib/clock.js'
import type { SecretBox } from '../lib/secrets.js'
import type { OutgoingEmail } from './email.js'

/**
 * Queues a message. Pass the caller's transaction, so the state change that causes the email
 * and the email itself commit (or roll back) together. The whole message is sealed: bodies
 * carry invitation links, which are secrets at rest. `accountUserId` ties an invitation email to
 * its membership (`invitation.delivery`).
 */
export async function enqueueEmail(
  trx: Kysely<Database>,
  deps: { box: SecretBox; clock: Clock },
  email: OutgoingEmail,
  options: { accountUserId?: string } = {},
): Promise<void> {
  await INSERT_EMAIL.execute(trx, {
    kind: email.kind,
    payload: deps.box.seal(JSON.stringify(email)),
    now: deps.clock.now().toISOString(),
    accountUserId: options.accountUserId ?? null,
  })
}

const INSERT_EMAIL = defineQuery(
  (db, v: { kind: string; payload: string; now: string; accountUserId: string | null }) =>
    db.insertInto('email_outbox').values({
      kind: v.kind,
      payload: v.payload,
      status: 'pending',
      attempts: 0,
      next_attempt_at: v.now,
      created_at: v.now,
      account_user_id: v.accountUserId,
    }),
)

export interface DueEmail {
  id: number
  kind: string
  payload: string
  /** `sending` means a lapsed lease: its sender stopped before recording the outcome */
  status: 'pending' | 'sending'
  /** delivery tries started before this one */
  attempts: number
  createdAt: Date
}

/** A claim this process holds: later updates are guarded by it, so a lost claim writes nothing. */
export interface EmailClaim {
  id: number
  claimedAt: Date
  /** the Message-ID every try of this message uses */
  messageId: string
}

/** Pending messages whose time has come, and claimed messages whose lease has run out. */
export async function findDueEmails(
  db: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<DueEmail[]> {
  const at = now.toISOString()
  const rows = await db
    .selectFrom('email_outbox')
    .select(['id', 'kind', 'payload', 'status', 'attempts', 'created_at'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', at)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_expires_at', '<=', at)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.flatMap((row) =>
    row.status === 'pending' || row.status === 'sending'
      ? [
          {
            id: Number(row.id),
            kind: row.kind,
            payload: row.payload,
            status: row.status,
            attempts: Number(row.attempts),
            createdAt: toDate(row.created_at)!,
          },
        ]
      : [],
  )
}

/**
 * Claims one message for `leaseMs` and counts the try. The update repeats the condition the row
 * was read under, so of several processes that read the same row exactly one gets a row back: on
 * PostgreSQL a second updater waits for the first's row lock and then re-checks the condition
 * against the new row, which is `sending` with a lease that has not run out. The first claim
 * fixes the Message-ID (`newMessageId`); a later one keeps it.
 */
export async function claimEmail(
  db: Kysely<Database>,
  email: DueEmail,
  claim: { now: Date; leaseMs: number; newMessageId: string },
): Promise<EmailClaim | undefined> {
  const at = claim.now.toISOString()
  let update = db
    .updateTable('email_outbox')
    .set((eb) => ({
      status: 'sending',
      claimed_at: at,
      lease_expires_at: new Date(claim.now.getTime() + claim.leaseMs).toISOString(),
      last_attempt_at: at,
      attempts: eb('attempts', '+', 1),
      message_id: eb.fn.coalesce('message_id', eb.val(claim.newMessageId)),
    }))
    .where('id', '=', email.id)
    .where('status', '=', email.status)
  update =
    email.status === 'pending'
      ? update.where('next_attempt_at', '<=', at)
      : update.where('lease_expires_at', '<=', at)
  const row = await update.returning('message_id').executeTakeFirst()
  if (!row) return undefined
  return { id: email.id, claimedAt: claim.now, messageId: row.message_id ?? claim.newMessageId }
}

/** Extends a claim's lease while its sender is alive; false when the claim is no longer ours. */
export async function renewEmailLease(
  db: Kysely<Database>,
  claim: EmailClaim,
  leaseExpiresAt: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('email_outbox')
    .set({ lease_expires_at: leaseExpiresAt.toISOString() })
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('claimed_at', '=', claim.claimedAt.toISOString())
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
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
    .set({ ...change, claimed_at: null, lease_expires_at: null })
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('claimed_at', '=', claim.claimedAt.toISOString())
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** `invitation.delivery` (issue #15): the newest invitation email of an account user. */
export interface InvitationDelivery {
  status: 'Queued' | 'Sent' | 'Failed'
  /** tries started so far */
  attempts: number
  lastAttemptAt: Date | null
  sentAt: Date | null
  /** the latest failure (links and codes blanked), while not sent */
  error: string | null
}

/** The delivery of the newest invitation email of each of the account users that has one. */
export async function findInvitationDeliveries(
  db: Kysely<Database>,
  accountUserIds: readonly string[],
): Promise<Map<string, InvitationDelivery>> {
  const found = new Map<string, InvitationDelivery>()
  if (accountUserIds.length === 0) return found
  const rows = await db
    .selectFrom('email_outbox')
    .select(['account_user_id', 'status', 'attempts', 'last_attempt_at', 'sent_at', 'last_error'])
    .where('account_user_id', 'in', [...new Set(accountUserIds)])
    .where('kind', '=', 'invitation')
    .orderBy('id')
    .execute()
  for (const row of rows) {
    found.set(row.account_user_id!, {
      status: row.status === 'sent' ? 'Sent' : row.status === 'failed' ? 'Failed' : 'Queued',
      attempts: Number(row.attempts),
      lastAttemptAt: toDate(row.last_attempt_at),
      sentAt: toDate(row.sent_at),
      error: row.status === 'sent' ? null : row.last_error,
    })
  }
  return found
}
