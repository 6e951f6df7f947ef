import type { AuditEventInput } from '../db/audit.js'
import { ACCOUNT_REF_COLUMNS, toAccountRef } from '../accounts/account-repository.js'
import { sql, type Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { effectiveInvitationStatus, type InvitationStatus } from '../account-users/account-user.js'
import { parseJson, toDate } from '../db/rows.js'
import { defineQuery } from '../db/defined-query.js'
import type { Database } from '../db/schema.js'
import type { User, UserStatus } from './user.js'

export function emailKey(email: string): string {
  return email.trim().toLowerCase()
}

export async function findUserIdByEmail(db: Kysely<Database>, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'status', 'password_hash'])
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst()
}

/** The person behind an email, with what an account-user response shows of them. */
const USER_BY_EMAIL_KEY = defineQuery((db, v: { emailKey: string }) =>
  db
    .selectFrom('users')
    .select([
      'id',
      'email',
      'first_name',
      'last_name',
      'phone_prefix',
      'phone_number',
      'icon',
      'status',
      'settings',
      'last_login_at',
      'password_hash',
    ])
    .where('email_key', '=', v.emailKey),
)

export async function findUserByEmail(db: Kysely<Database>, email: string) {
  return USER_BY_EMAIL_KEY.first(db, { emailKey: emailKey(email) })
}

/** The stored password hash of a user (null: none set); never leaves the service layer. */
export async function findPasswordHash(
  db: Kysely<Database>,
  userId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirst()
  return row?.password_hash ?? null
}

export async function userIdExists(db: Kysely<Database>, id: string): Promise<boolean> {
  return (
    (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !==
    undefined
  )
}

/**
 * The users a caller may see: every user (`accountId` undefined, Operations), or the members
 * of one account (invited or joined).
 */
export function userBase(db: Kysely<Database>, accountId: string | undefined) {
  const base = db.selectFrom('users as u')
  if (accountId === undefined) return base
  return base.where(({ exists, selectFrom }) =>
    exists(
      selectFrom('account_users as m')
        .select('m.id')
        .whereRef('m.user_id', '=', 'u.id')
        .where('m.account_id', '=', accountId),
    ),
  )
}

/**
 * The person's own fields behind embedded user references (`select=user.phone`, issue #11), by
 * id; the status is left out: embedded users read the one of their context.
 */
export async function findUserProfiles(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('users')
    .select([
      'id',
      'email',
      'first_name',
      'last_name',
      'phone_prefix',
      'phone_number',
      'last_login_at',
      'settings',
    ])
    .where('id', 'in', [...ids])
    .execute()
  return new Map(
    rows.map((row) => {
      const settings = parseJson<{ cultureCode?: string | null; languageCode?: string | null }>(
        row.settings,
        {},
      )
      return [
        row.id,
        {
          email: row.email,
          firstName: row.first_name,
          lastName: row.last_name,
          phone: { prefix: row.phone_prefix, number: row.phone_number },
          lastLoginAt: toDate(row.last_login_at)?.toISOString() ?? null,
          settings: {
            cultureCode: settings.cultureCode ?? null,
            languageCode: settings.languageCode ?? null,
          },
        },
      ]
    }),
  )
}

export const USER_COLUMNS = [
  'u.id',
  'u.email',
  'u.first_name',
  'u.last_name',
  'u.phone_prefix',
  'u.phone_number',
  'u.icon',
  'u.status',
  'u.status_before_block',
  'u.settings',
  'u.last_login_at',
  'u.invitation_accepted_at',
  'u.password_hash',
  'u.created_at',
  'u.created_by',
  'u.updated_at',
  'u.updated_by',
] as const

type Row = Awaited<
  ReturnType<ReturnType<ReturnType<typeof userBase>['select']>['executeTakeFirstOrThrow']>
> & {
  id: string
}

/** Rows to models, with every user's memberships in one more query. */
export async function hydrateUsers(db: Kysely<Database>, rows: Row[], now: Date): Promise<User[]> {
  const ids = rows.map((r) => r.id)
  const memberships =
    ids.length === 0
      ? []
      : await db
          .selectFrom('account_users as au')
          .innerJoin('accounts as a', 'a.id', 'au.account_id')
          .select([
            'au.user_id',
            'au.status',
            'au.invitation_expires_at',
            'au.access_at',
            'au.joined_at',
            'au.invitee_first_name',
            'au.invitee_last_name',
            'au.invitee_phone_prefix',
            'au.invitee_phone_number',
            'a.id as a_id',
            ...ACCOUNT_REF_COLUMNS,
          ])
          .where('au.user_id', 'in', ids)
          .orderBy('a.name')
          .orderBy('a.id')
          .execute()
  return rows.map((r) => {
    const row = r as unknown as Record<string, string | null> & Row
    return {
      id: row.id,
      email: row.email as string,
      firstName: row.first_name as string,
      lastName: row.last_name as string,
      phone: { prefix: row.phone_prefix, number: row.phone_number },
      icon: row.icon,
      status: row.status as UserStatus,
      statusBeforeBlock: row.status_before_block as UserStatus | null,
      settings: parseJson(row.settings, null),
      lastLoginAt: toDate(row.last_login_at as string | null),
      invitationAcceptedAt: toDate(row.invitation_accepted_at as string | null),
      hasPassword: row.password_hash !== null,
      createdAt: toDate(row.created_at as string),
      createdBy: parseJson<ActorRef | null>(row.created_by, null),
      updatedAt: toDate(row.updated_at as string | null),
      updatedBy: parseJson<ActorRef | null>(row.updated_by, null),
      memberships: memberships
        .filter((m) => m.user_id === row.id)
        .map((m) => ({
          account: toAccountRef(m.a_id, m),
          status: effectiveInvitationStatus(
            m.status as InvitationStatus,
            toDate(m.invitation_expires_at),
            now,
          ),
          accessAt: toDate(m.access_at),
          joinedAt: toDate(m.joined_at),
          invitee:
            m.invitee_first_name === null
              ? null
              : {
                  firstName: m.invitee_first_name,
                  lastName: m.invitee_last_name ?? (row.last_name as string),
                  phone: { prefix: m.invitee_phone_prefix, number: m.invitee_phone_number },
                },
        })),
    }
  })
}

/**
 * Applies a change only while the user still has the status it was read with: zero rows
 * updated means a concurrent block, unblock or delete won.
 */
export async function updateUserGuarded(
  db: Kysely<Database>,
  id: string,
  expectedStatus: UserStatus,
  changes: Partial<Record<keyof Database['users'], string | null>>,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set(changes as object)
    .where('id', '=', id)
    .where('status', '=', expectedStatus)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * §6.2 #5: a user removed from their last account is Disabled; a blocked one returns to Disabled
 * when unblocked (#8). Call it in the transaction that removed a membership. The no-op update
 * first takes the user's row lock: a concurrent removal of the person's other last membership
 * waits for this one and then sees both gone (without it, each would see the other's membership
 * and neither would disable). Returns whether the user had no membership left.
 */
export async function disableIfDetached(
  db: Kysely<Database>,
  userId: string,
  changes: { updated_at: string; updated_by: string | null },
): Promise<boolean> {
  await db
    .updateTable('users')
    .set({ status: sql`status` })
    .where('id', '=', userId)
    .execute()
  const remaining = await db
    .selectFrom('account_users')
    .select('id')
    .where('user_id', '=', userId)
    .limit(1)
    .executeTakeFirst()
  if (remaining) return false
  await db
    .updateTable('users')
    .set({ status: 'Disabled', ...changes })
    .where('id', '=', userId)
    .where('status', 'in', ['Active', 'Invited'])
    .execute()
  await db
    .updateTable('users')
    .set({ status_before_block: 'Disabled', ...changes })
    .where('id', '=', userId)
    .where('status', '=', 'Blocked')
    .execute()
  return true
}

/** The user's `disabled` audit event when `disableIfDetached` disabled them; none otherwise. */
export function detachedUserEvents(
  detached: boolean,
  membership: { userId: string; accountId: string },
  at: Date,
  by: ActorRef | null,
): AuditEventInput[] {
  if (!detached) return []
  return [
    {
      objectType: 'user',
      objectId: membership.userId,
      accountId: null,
      event: 'disabled',
      at,
      by,
      details: { lastAccount: membership.accountId },
    },
  ]
}
