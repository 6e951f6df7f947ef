import type { Kysely } from 'kysely'
import type { AccountType } from '../access/actor.js'
import { toDate } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import type { Membership, PasswordTokenPurpose, Session, SignedIn } from './session.js'

export async function insertSession(
  db: Kysely<Database>,
  row: {
    id: string
    secretHash: string
    userId: string
    accountId: string | null
    userAgent: string | null
    clientAddress: string | null
    now: Date
    expiresAt: Date
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: row.id,
      secret_hash: row.secretHash,
      user_id: row.userId,
      account_id: row.accountId,
      user_agent: row.userAgent,
      client_address: row.clientAddress,
      created_at: row.now.toISOString(),
      last_seen_at: row.now.toISOString(),
      expires_at: row.expiresAt.toISOString(),
    })
    .execute()
}

const SESSION_COLUMNS = [
  's.id',
  's.user_id',
  's.account_id',
  's.user_agent',
  's.client_address',
  's.created_at',
  's.last_seen_at',
  's.expires_at',
] as const

type SessionRow = {
  id: string
  user_id: string
  account_id: string | null
  user_agent: string | null
  client_address: string | null
  created_at: Date | string
  last_seen_at: Date | string
  expires_at: Date | string
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    accountId: row.account_id,
    userAgent: row.user_agent,
    clientAddress: row.client_address,
    createdAt: toDate(row.created_at),
    lastSeenAt: toDate(row.last_seen_at),
    expiresAt: toDate(row.expires_at),
  }
}

/** The session a cookie's secret hash names, with its person and the person's status. */
export async function findSessionBySecretHash(
  db: Kysely<Database>,
  secretHash: string,
): Promise<(SignedIn & { userStatus: string }) | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      ...SESSION_COLUMNS,
      'u.email',
      'u.first_name',
      'u.last_name',
      'u.icon',
      'u.status as user_status',
    ])
    .where('s.secret_hash', '=', secretHash)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    session: toSession(row),
    user: {
      id: row.user_id,
      email: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      icon: row.icon,
    },
    userStatus: row.user_status,
  }
}

export async function touchSession(
  db: Kysely<Database>,
  id: string,
  changes: { lastSeenAt?: Date; accountId?: string },
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({
      ...(changes.lastSeenAt ? { last_seen_at: changes.lastSeenAt.toISOString() } : {}),
      ...(changes.accountId ? { account_id: changes.accountId } : {}),
    })
    .where('id', '=', id)
    .execute()
}

/** The person's sessions, newest first. */
export async function findSessionsOfUser(db: Kysely<Database>, userId: string): Promise<Session[]> {
  const rows = await db
    .selectFrom('sessions as s')
    .select(SESSION_COLUMNS)
    .where('s.user_id', '=', userId)
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id')
    .execute()
  return rows.map(toSession)
}

/** Deletes one session of the person (by its handle); says whether there was one. */
export async function deleteSession(
  db: Kysely<Database>,
  where: { id: string; userId: string } | { secretHash: string },
): Promise<boolean> {
  const query =
    'secretHash' in where
      ? db.deleteFrom('sessions').where('secret_hash', '=', where.secretHash)
      : db.deleteFrom('sessions').where('id', '=', where.id).where('user_id', '=', where.userId)
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Ends every session of the person except `keepId` (a password change, "sign out elsewhere"). */
export async function deleteSessionsOfUser(
  db: Kysely<Database>,
  userId: string,
  keepId?: string,
): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (keepId !== undefined) query = query.where('id', '!=', keepId)
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Deletes sessions past their absolute limit or idle since `idleBefore`; returns how many. */
export async function deleteEndedSessions(
  db: Kysely<Database>,
  at: { now: Date; idleBefore: Date },
  batchSize: number,
): Promise<number> {
  const ended = db
    .selectFrom('sessions')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', at.now.toISOString()),
        eb('last_seen_at', '<=', at.idleBefore.toISOString()),
      ]),
    )
    .limit(batchSize)
  const result = await db.deleteFrom('sessions').where('id', 'in', ended).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * The person's Active memberships in accounts that are not Disabled, Operations first, then by
 * account name: the accounts they may open in the console.
 */
export async function findActiveMemberships(
  db: Kysely<Database>,
  userId: string,
): Promise<Membership[]> {
  const rows = await db
    .selectFrom('account_users as au')
    .innerJoin('accounts as a', 'a.id', 'au.account_id')
    .select(['au.id', 'au.account_id', 'au.access_at', 'a.name', 'a.type'])
    .where('au.user_id', '=', userId)
    .where('au.status', '=', 'Active')
    .where('a.status', '!=', 'Disabled')
    .execute()
  return rows
    .map((r) => ({
      accountUserId: r.id,
      accountId: r.account_id,
      accountName: r.name,
      accountType: r.type as AccountType,
      accessAt: toDate(r.access_at),
    }))
    .sort(
      (x, y) =>
        Number(y.accountType === 'Operations') - Number(x.accountType === 'Operations') ||
        x.accountName.localeCompare(y.accountName),
    )
}

/** The modules a membership's groups grant: the union, as `can()` reads them. */
export async function findMembershipModules(
  db: Kysely<Database>,
  accountUserId: string,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom('account_user_groups as aug')
    .innerJoin('user_group_modules as gm', 'gm.user_group_id', 'aug.user_group_id')
    .select('gm.module_id')
    .distinct()
    .where('aug.account_user_id', '=', accountUserId)
    .execute()
  return new Set(rows.map((r) => r.module_id))
}

export async function insertPasswordToken(
  db: Kysely<Database>,
  row: {
    tokenHash: string
    userId: string
    purpose: PasswordTokenPurpose
    now: Date
    expiresAt: Date
  },
): Promise<void> {
  // One link at a time: a new one replaces the person's earlier unused links of that purpose.
  await db
    .deleteFrom('password_tokens')
    .where('user_id', '=', row.userId)
    .where('purpose', '=', row.purpose)
    .execute()
  await db
    .insertInto('password_tokens')
    .values({
      token_hash: row.tokenHash,
      user_id: row.userId,
      purpose: row.purpose,
      created_at: row.now.toISOString(),
      expires_at: row.expiresAt.toISOString(),
      used_at: null,
    })
    .execute()
}

/** An unused, unexpired link's person and purpose. */
export async function findUsablePasswordToken(db: Kysely<Database>, tokenHash: string, now: Date) {
  return db
    .selectFrom('password_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.user_id', 't.purpose', 'u.email', 'u.status', 'u.first_name'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', now.toISOString())
    .executeTakeFirst()
}

/** Marks a link used, if it still was usable: false means another request used it first. */
export async function consumePasswordToken(
  db: Kysely<Database>,
  tokenHash: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('password_tokens')
    .set({ used_at: now.toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Deletes used or expired links; returns how many (a sweep). */
export async function deleteEndedPasswordTokens(
  db: Kysely<Database>,
  now: Date,
  batchSize: number,
): Promise<number> {
  const ended = db
    .selectFrom('password_tokens')
    .select('token_hash')
    .where((eb) =>
      eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', now.toISOString())]),
    )
    .limit(batchSize)
  const result = await db
    .deleteFrom('password_tokens')
    .where('token_hash', 'in', ended)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
