import type { Kysely } from 'kysely'
import { toDate } from '../db/rows.js'
import { defineQuery } from '../db/defined-query.js'
import type { Database } from '../db/schema.js'

export interface StoredConfirmation {
  codeHash: string
  expiresAt: Date
  attempts: number
  sentAt: Date
  sends: number
  sendsSince: Date
}

export async function findConfirmation(
  db: Kysely<Database>,
  accountUserId: string,
): Promise<StoredConfirmation | undefined> {
  const row = await db
    .selectFrom('invitation_confirmations')
    .selectAll()
    .where('account_user_id', '=', accountUserId)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    codeHash: row.code_hash,
    expiresAt: toDate(row.expires_at),
    attempts: Number(row.attempts),
    sentAt: toDate(row.sent_at),
    sends: Number(row.sends),
    sendsSince: toDate(row.sends_since),
  }
}

/** Stores a newly mailed code for the account user, replacing the previous one. */
export async function saveConfirmation(
  db: Kysely<Database>,
  accountUserId: string,
  confirmation: StoredConfirmation,
): Promise<void> {
  const values = {
    code_hash: confirmation.codeHash,
    expires_at: confirmation.expiresAt.toISOString(),
    attempts: confirmation.attempts,
    sent_at: confirmation.sentAt.toISOString(),
    sends: confirmation.sends,
    sends_since: confirmation.sendsSince.toISOString(),
  }
  await db
    .insertInto('invitation_confirmations')
    .values({ account_user_id: accountUserId, ...values })
    .onConflict((oc) => oc.column('account_user_id').doUpdateSet(values))
    .execute()
}

/** Counts a wrong code against the one it was compared with (a newer one is left alone). */
export async function countConfirmationAttempt(
  db: Kysely<Database>,
  accountUserId: string,
  codeHash: string,
): Promise<void> {
  await db
    .updateTable('invitation_confirmations')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('account_user_id', '=', accountUserId)
    .where('code_hash', '=', codeHash)
    .execute()
}

/**
 * Uses up the code: true when this call removed it (single use: of two concurrent accepts with
 * the same code, one gets false).
 */
export async function consumeConfirmation(
  db: Kysely<Database>,
  accountUserId: string,
  codeHash: string,
): Promise<boolean> {
  const deleted = await db
    .deleteFrom('invitation_confirmations')
    .where('account_user_id', '=', accountUserId)
    .where('code_hash', '=', codeHash)
    .executeTakeFirst()
  return Number(deleted.numDeletedRows) === 1
}

export async function deleteConfirmation(
  db: Kysely<Database>,
  accountUserId: string,
): Promise<void> {
  await DELETE_CONFIRMATION.execute(db, { accountUserId })
}

const DELETE_CONFIRMATION = defineQuery((db, v: { accountUserId: string }) =>
  db.deleteFrom('invitation_confirmations').where('account_user_id', '=', v.accountUserId),
)
