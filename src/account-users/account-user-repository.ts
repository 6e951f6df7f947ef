import { ACCOUNT_REF_COLUMNS, toAccountRef } from '../accounts/account-repository.js'
import type { Kysely, SelectQueryBuilder } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import type { Database } from '../db/schema.js'
import { parseJson, toDate } from '../db/rows.js'
import { MODULE_REF_COLUMNS, toModuleRef, type ModuleRef } from '../modules/module-ref.js'
import {
  effectiveInvitationStatus,
  type AccountUser,
  type BuyerRef,
  type InvitationStatus,
  type UserGroupRef,
} from './account-user.js'

/** The joined rows every account-user read starts from: `au` membership, `u` person, `a` account. */
export function accountUserBase(db: Kysely<Database>) {
  return db
    .selectFrom('account_users as au')
    .innerJoin('users as u', 'u.id', 'au.user_id')
    .innerJoin('accounts as a', 'a.id', 'au.account_id')
}

/** The joins of {@link accountUserBase} a list's count may leave out (see fetchListPage). */
export const ACCOUNT_USER_JOINS = ['u', 'a'] as const

/**
 * {@link accountUserBase} with only the named joins. Both are inner joins on a NOT NULL foreign
 * key to a primary key: each membership has exactly one user and one account, so leaving either
 * out changes no count. Typed as the full base; reading a column of a left-out join is an error
 * the database reports.
 */
export function accountUserBaseJoining(
  db: Kysely<Database>,
  joins: ReadonlySet<string>,
): AccountUserBaseQuery {
  let qb = db.selectFrom('account_users as au') as unknown as AccountUserBaseQuery
  if (joins.has('u')) qb = qb.innerJoin('users as u', 'u.id', 'au.user_id') as typeof qb
  if (joins.has('a')) qb = qb.innerJoin('accounts as a', 'a.id', 'au.account_id') as typeof qb
  return qb
}

export type AccountUserBaseQuery = ReturnType<typeof accountUserBase>

const COLUMNS = [
  'au.id',
  'au.account_id',
  'au.user_id',
  'au.status',
  'au.invitation_secret',
  'au.invitation_sent_at',
  'au.invitation_expires_at',
  'au.invitation_accepted_at',
  'au.joined_at',
  'au.access_at',
  'au.last_login_at',
  'au.version',
  'au.created_at',
  'au.created_by',
  'au.updated_at',
  'au.updated_by',
  'u.email as u_email',
  'u.first_name as u_first_name',
  'u.last_name as u_last_name',
  'u.phone_prefix as u_phone_prefix',
  'u.phone_number as u_phone_number',
  'u.icon as u_icon',
  'u.status as u_status',
  'u.settings as u_settings',
  'u.last_login_at as u_last_login_at',
  'u.password_hash as u_password_hash',
  ...ACCOUNT_REF_COLUMNS,
] as const

export function selectAccountUserColumns<O>(query: SelectQueryBuilder<any, any, O>) {
  return (query as unknown as AccountUserBaseQuery).select(COLUMNS)
}

export type AccountUserRow = Awaited<
  ReturnType<ReturnType<typeof selectAccountUserColumns>['executeTakeFirstOrThrow']>
>
type Row = AccountUserRow

export async function findAccountUserRows(
  db: Kysely<Database>,
  where: { id?: string; accountId?: string; userId?: string },
): Promise<Row[]> {
  let query = selectAccountUserColumns(accountUserBase(db))
  if (where.id) query = query.where('au.id', '=', where.id)
  if (where.accountId) query = query.where('au.account_id', '=', where.accountId)
  if (where.userId) query = query.where('au.user_id', '=', where.userId)
  return query.execute()
}

/** Loads rows with their groups and the modules and buyers those groups grant, in three queries. */
export async function hydrateAccountUsers(
  db: Kysely<Database>,
  rows: Row[],
  now: Date,
): Promise<AccountUser[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [groupRows, moduleRows, buyerRows] = await Promise.all([
    db
      .selectFrom('account_user_groups as aug')
      .innerJoin('user_groups as g', 'g.id', 'aug.user_group_id')
      .select([
        'aug.account_user_id',
        'g.id',
        'g.name',
        'g.description',
        'g.logo',
        'g.is_default',
        'g.all_buyers',
      ])
      .where('aug.account_user_id', 'in', ids)
      .orderBy('g.name')
      .orderBy('g.id')
      .execute(),
    db
      .selectFrom('account_user_groups as aug')
      .innerJoin('user_group_modules as gm', 'gm.user_group_id', 'aug.user_group_id')
      .innerJoin('modules as m', 'm.id', 'gm.module_id')
      .select(['aug.account_user_id', ...MODULE_REF_COLUMNS])
      .distinct()
      .where('aug.account_user_id', 'in', ids)
      .orderBy('m.id')
      .execute(),
    db
      .selectFrom('account_user_groups as aug')
      .innerJoin('user_group_buyers as gb', 'gb.user_group_id', 'aug.user_group_id')
      .innerJoin('buyers as b', 'b.id', 'gb.buyer_id')
      .select(['aug.account_user_id', 'b.id', 'b.name', 'b.icon'])
      .distinct()
      .where('aug.account_user_id', 'in', ids)
      .orderBy('b.id')
      .execute(),
  ])
  const groups = groupBy(groupRows, (g) => g.account_user_id)
  const modules = groupBy(moduleRows, (m) => m.account_user_id)
  const buyers = groupBy(buyerRows, (b) => b.account_user_id)
  return rows.map((row) => {
    const memberGroups = groups.get(row.id) ?? []
    const grantsAllBuyers =
      memberGroups.length === 0 || memberGroups.some((g) => Number(g.all_buyers) === 1)
    return toAccountUser(row, {
      now,
      groups: memberGroups.map((g): UserGroupRef => ({
        id: g.id,
        name: g.name,
        description: g.description,
        logo: g.logo,
        isDefault: Number(g.is_default) === 1,
      })),
      modules: (modules.get(row.id) ?? []).map(toModuleRef),
      buyers: grantsAllBuyers
        ? null
        : (buyers.get(row.id) ?? []).map((b): BuyerRef => ({
            id: b.id,
            name: b.name,
            icon: b.icon,
          })),
    })
  })
}

function toAccountUser(
  row: Row,
  extra: { now: Date; groups: UserGroupRef[]; modules: ModuleRef[]; buyers: BuyerRef[] | null },
): AccountUser {
  const storedStatus = row.status as InvitationStatus
  const expiresAt = toDate(row.invitation_expires_at)
  return {
    id: row.id,
    accountId: row.account_id,
    userId: row.user_id,
    storedStatus,
    status: effectiveInvitationStatus(storedStatus, expiresAt, extra.now),
    sealedSecret: row.invitation_secret,
    invitationSentAt: toDate(row.invitation_sent_at),
    invitationExpiresAt: expiresAt,
    invitationAcceptedAt: toDate(row.invitation_accepted_at),
    joinedAt: toDate(row.joined_at),
    accessAt: toDate(row.access_at),
    lastLoginAt: toDate(row.last_login_at) ?? toDate(row.u_last_login_at),
    version: Number(row.version),
    createdAt: toDate(row.created_at),
    createdBy: parseJson<ActorRef | null>(row.created_by, null),
    updatedAt: toDate(row.updated_at),
    updatedBy: parseJson<ActorRef | null>(row.updated_by, null),
    user: {
      id: row.user_id,
      email: row.u_email,
      firstName: row.u_first_name,
      lastName: row.u_last_name,
      phone: { prefix: row.u_phone_prefix, number: row.u_phone_number },
      icon: row.u_icon,
      status: row.u_status,
      settings: parseJson(row.u_settings, null),
      lastLoginAt: toDate(row.u_last_login_at),
      hasPassword: row.u_password_hash !== null,
    },
    account: toAccountRef(row.account_id, row),
    groups: extra.groups,
    modules: extra.modules,
    buyers: extra.buyers,
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list) list.push(item)
    else map.set(k, [item])
  }
  return map
}

/**
 * Applies a change only if nobody changed the row since it was read: zero rows updated
 * means a concurrent request won, and the caller decides what that means.
 */
export async function updateAccountUserGuarded(
  db: Kysely<Database>,
  id: string,
  expectedVersion: number,
  changes: Partial<Record<keyof Database['account_users'], string | number | null>>,
): Promise<boolean> {
  const result = await db
    .updateTable('account_users')
    .set({ ...(changes as object), version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function accountUserIdExists(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('account_users')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst()
  return row !== undefined
}

export async function setAccountUserGroups(
  db: Kysely<Database>,
  accountUserId: string,
  groupIds: string[],
): Promise<void> {
  await db.deleteFrom('account_user_groups').where('account_user_id', '=', accountUserId).execute()
  if (groupIds.length === 0) return
  await db
    .insertInto('account_user_groups')
    .values(groupIds.map((gid) => ({ account_user_id: accountUserId, user_group_id: gid })))
    .execute()
}

/**
 * What a set of groups grants (§7): the union of their modules, and their buyers, or null when
 * any of them grants every buyer of the account.
 */
export async function findGroupGrants(
  db: Kysely<Database>,
  groups: Array<{ id: string; all_buyers: number }>,
): Promise<{ modules: ModuleRef[]; buyers: BuyerRef[] | null }> {
  const ids = groups.map((g) => g.id)
  if (ids.length === 0) return { modules: [], buyers: null }
  const grantsAllBuyers = groups.some((g) => Number(g.all_buyers) === 1)
  const [modules, buyers] = await Promise.all([
    db
      .selectFrom('user_group_modules as gm')
      .innerJoin('modules as m', 'm.id', 'gm.module_id')
      .select(MODULE_REF_COLUMNS)
      .distinct()
      .where('gm.user_group_id', 'in', ids)
      .orderBy('m.id')
      .execute(),
    grantsAllBuyers
      ? Promise.resolve(null)
      : db
          .selectFrom('user_group_buyers as gb')
          .innerJoin('buyers as b', 'b.id', 'gb.buyer_id')
          .select(['b.id', 'b.name', 'b.icon'])
          .distinct()
          .where('gb.user_group_id', 'in', ids)
          .orderBy('b.id')
          .execute(),
  ])
  return { modules: modules.map(toModuleRef), buyers }
}

/**
 * The first invitation expiry after `now`: until then no account user's effective status (and
 * so no read of account users) changes with time alone.
 */
export async function nextInvitationExpiry(db: Kysely<Database>, now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom('account_users')
    .select((eb) => eb.fn.min('invitation_expires_at').as('next'))
    .where('status', '=', 'Invited')
    .where('invitation_expires_at', '>', now.toISOString())
    .executeTakeFirst()
  return toDate(row?.next ?? null)
}
