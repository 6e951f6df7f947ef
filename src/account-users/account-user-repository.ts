import { ACCOUNT_REF_COLUMNS, toAccountRef } from '../accounts/account-repository.js'
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { defineQuery } from '../db/defined-query.js'
import type { Database } from '../db/schema.js'
import { parseJson, toDate } from '../db/rows.js'
import { MODULE_REF_COLUMNS, toModuleRef, type ModuleRef } from '../modules/module-ref.js'
import {
  effectiveInvitationStatus,
  type AccountUser,
  type AccountUserPerson,
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
  'au.invitation_proof',
  'au.invitee_first_name',
  'au.invitee_last_name',
  'au.invitee_phone_prefix',
  'au.invitee_phone_number',
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

const ACCOUNT_USER_ROWS = defineQuery(
  (
    db,
    where: { id: string | undefined; accountId: string | undefined; userId: string | undefined },
  ) => {
    let query = selectAccountUserColumns(accountUserBase(db))
    if (where.id !== undefined) query = query.where('au.id', '=', where.id)
    if (where.accountId !== undefined) query = query.where('au.account_id', '=', where.accountId)
    if (where.userId !== undefined) query = query.where('au.user_id', '=', where.userId)
    return query
  },
)

export async function findAccountUserRows(
  db: Kysely<Database>,
  where: { id?: string; accountId?: string; userId?: string },
): Promise<Row[]> {
  return ACCOUNT_USER_ROWS.rows(db, {
    id: where.id || undefined,
    accountId: where.accountId || undefined,
    userId: where.userId || undefined,
  })
}

/**
 * One row of the hydration query: a group (`g`), a module (`m`) or a buyer (`b`) of one
 * membership, in the columns the three kinds share (NULL where a kind has no such column).
 */
interface GrantRow {
  kind: 'g' | 'm' | 'b'
  account_user_id: string
  id: string
  name: string
  /** groups: their name, to order by; NULL for the others */
  sort_name: string | null
  description: string | null
  /** a group's logo, a buyer's icon */
  media: string | null
  /** a group's is_default, a module's paid */
  flag1: Flag | null
  /** a group's all_buyers */
  flag2: Flag | null
  filters: string | null
  settings: string | null
}

type Flag = Database['user_groups']['is_default']

/** The hydration's one query (see hydrateAccountUsers), built once per number of memberships. */
const GRANTS_OF_ACCOUNT_USERS = defineQuery((db, { ids }: { ids: readonly string[] }) => {
  // Typed NULLs: PostgreSQL types an untyped NULL of a DISTINCT branch as text, and a UNION's
  // columns must agree.
  const none = sql<null>`CAST(NULL AS TEXT)`
  const noFlag = sql<null>`CAST(NULL AS INTEGER)`
  const groupRows = db
    .selectFrom('account_user_groups as aug')
    .innerJoin('user_groups as g', 'g.id', 'aug.user_group_id')
    .where('aug.account_user_id', 'in', ids)
    .select([
      sql<'g'>`'g'`.as('kind'),
      'aug.account_user_id',
      'g.id',
      'g.name',
      'g.name as sort_name',
      'g.description',
      'g.logo as media',
      'g.is_default as flag1',
      'g.all_buyers as flag2',
      none.as('filters'),
      none.as('settings'),
    ])
    .$castTo<GrantRow>()
  const moduleRows = db
    .selectFrom('account_user_groups as aug')
    .innerJoin('user_group_modules as gm', 'gm.user_group_id', 'aug.user_group_id')
    .innerJoin('modules as m', 'm.id', 'gm.module_id')
    .where('aug.account_user_id', 'in', ids)
    .select([
      sql<'m'>`'m'`.as('kind'),
      'aug.account_user_id',
      'm.id',
      'm.name',
      none.as('sort_name'),
      'm.description',
      none.as('media'),
      'm.paid as flag1',
      noFlag.as('flag2'),
      'm.filters',
      'm.settings',
    ])
    .distinct()
    .$castTo<GrantRow>()
  const buyerRows = db
    .selectFrom('account_user_groups as aug')
    .innerJoin('user_group_buyers as gb', 'gb.user_group_id', 'aug.user_group_id')
    .innerJoin('buyers as b', 'b.id', 'gb.buyer_id')
    .where('aug.account_user_id', 'in', ids)
    .select([
      sql<'b'>`'b'`.as('kind'),
      'aug.account_user_id',
      'b.id',
      'b.name',
      none.as('sort_name'),
      none.as('description'),
      'b.icon as media',
      noFlag.as('flag1'),
      noFlag.as('flag2'),
      none.as('filters'),
      none.as('settings'),
    ])
    .distinct()
    .$castTo<GrantRow>()
  return groupRows
    .unionAll(moduleRows)
    .unionAll(buyerRows)
    .orderBy('kind')
    .orderBy('sort_name')
    .orderBy('id')
})

/**
 * The groups, modules and buyers of a page of memberships, in one query (one round trip: on
 * PostgreSQL the page's hydration overlaps the list's count, and every extra query there costs
 * the count CPU on a small machine). Modules and buyers come through the member's groups, once
 * each; groups in name order, modules and buyers in id order.
 */
export async function hydrateAccountUsers(
  db: Kysely<Database>,
  rows: Row[],
  now: Date,
): Promise<AccountUser[]> {
  if (rows.length === 0) return []
  const grants = await GRANTS_OF_ACCOUNT_USERS.rows(db, { ids: rows.map((r) => r.id) })
  const groups = new Map<string, UserGroupRef[]>()
  const allBuyers = new Set<string>()
  const modules = new Map<string, ModuleRef[]>()
  const buyers = new Map<string, BuyerRef[]>()
  for (const r of grants) {
    if (r.kind === 'g') {
      push(groups, r.account_user_id, {
        id: r.id,
        name: r.name,
        description: r.description,
        logo: r.media,
        isDefault: Number(r.flag1) === 1,
      })
      if (Number(r.flag2) === 1) allBuyers.add(r.account_user_id)
    } else if (r.kind === 'm') {
      push(
        modules,
        r.account_user_id,
        toModuleRef({
          id: r.id,
          name: r.name,
          description: r.description ?? '',
          paid: Number(r.flag1),
          filters: r.filters ?? '{}',
          settings: r.settings ?? '{}',
        }),
      )
    } else {
      push(buyers, r.account_user_id, { id: r.id, name: r.name, icon: r.media })
    }
  }
  return rows.map((row) => {
    const memberGroups = groups.get(row.id) ?? []
    const grantsAllBuyers = memberGroups.length === 0 || allBuyers.has(row.id)
    return toAccountUser(row, {
      now,
      groups: memberGroups,
      modules: modules.get(row.id) ?? [],
      buyers: grantsAllBuyers ? null : (buyers.get(row.id) ?? []),
    })
  })
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key)
  if (list) list.push(item)
  else map.set(key, [item])
}

/**
 * The names and phone this account sees: until the person registers (sets a password) the ones
 * this account typed when it invited them (another account's are never shown, issue #12), then
 * the person's own. account-user-fields.ts compiles the same rule for RQL.
 */
function seenInThisAccount(row: Row): Pick<AccountUserPerson, 'firstName' | 'lastName' | 'phone'> {
  if (row.u_password_hash !== null || row.invitee_first_name === null)
    return {
      firstName: row.u_first_name,
      lastName: row.u_last_name,
      phone: { prefix: row.u_phone_prefix, number: row.u_phone_number },
    }
  return {
    firstName: row.invitee_first_name,
    lastName: row.invitee_last_name ?? row.u_last_name,
    phone: { prefix: row.invitee_phone_prefix, number: row.invitee_phone_number },
  }
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
    sealedProof: row.invitation_proof,
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
      ...seenInThisAccount(row),
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

/**
 * Applies a change only if nobody changed the row since it was read: zero rows updated
 * means a concurrent request won, and the caller decides what that means.
 */
type AccountUserChanges = Partial<Record<keyof Database['account_users'], string | number | null>>

/** The guarded update, built once per set of changed columns (values `set.<column>`). */
const GUARDED_UPDATE = defineQuery((db, v: Record<string, string | number | null | undefined>) => {
  const changes: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(v))
    if (key.startsWith('set.')) changes[key.slice(4)] = value
  return db
    .updateTable('account_users')
    .set({ ...(changes as object), version: v.next as number })
    .where('id', '=', v.id as string)
    .where('version', '=', v.version as number)
})

export async function updateAccountUserGuarded(
  db: Kysely<Database>,
  id: string,
  expectedVersion: number,
  changes: AccountUserChanges,
): Promise<boolean> {
  const values: Record<string, string | number | null | undefined> = {
    id,
    version: expectedVersion,
    next: expectedVersion + 1,
  }
  for (const [column, value] of Object.entries(changes)) values[`set.${column}`] = value
  const result = await GUARDED_UPDATE.execute(db, values)
  return Number(result.numAffectedRows) === 1
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
    MODULES_OF_GROUPS.rows(db, { ids }),
    grantsAllBuyers ? Promise.resolve(null) : BUYERS_OF_GROUPS.rows(db, { ids }),
  ])
  return { modules: modules.map(toModuleRef), buyers }
}

const MODULES_OF_GROUPS = defineQuery((db, v: { ids: readonly string[] }) =>
  db
    .selectFrom('user_group_modules as gm')
    .innerJoin('modules as m', 'm.id', 'gm.module_id')
    .select(MODULE_REF_COLUMNS)
    .distinct()
    .where('gm.user_group_id', 'in', v.ids)
    .orderBy('m.id'),
)

const BUYERS_OF_GROUPS = defineQuery((db, v: { ids: readonly string[] }) =>
  db
    .selectFrom('user_group_buyers as gb')
    .innerJoin('buyers as b', 'b.id', 'gb.buyer_id')
    .select(['b.id', 'b.name', 'b.icon'])
    .distinct()
    .where('gb.user_group_id', 'in', v.ids)
    .orderBy('b.id'),
)

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

/**
 * Records that the member used the account at `at` (`audit.access`), for the sign-in and console
 * work to call whenever a person acts in an account. Only an Active membership has access, and
 * the instant only moves forward. `version` is left alone: an administrator's concurrent change to
 * the membership must not fail because its member was busy. Returns whether the instant moved.
 */
export async function recordAccountAccess(
  db: Kysely<Database>,
  accountUserId: string,
  at: Date,
): Promise<boolean> {
  const iso = at.toISOString()
  const result = await db
    .updateTable('account_users')
    .set({ access_at: iso })
    .where('id', '=', accountUserId)
    .where('status', '=', 'Active')
    .where((eb) => eb.or([eb('access_at', 'is', null), eb('access_at', '<', iso)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Writes the names and phone an account typed for a person who has not registered, on the
 * memberships of `userId` (of `accountId` only, when given): what those accounts see of them.
 */
export async function setInviteeProfile(
  db: Kysely<Database>,
  userId: string,
  profile: {
    firstName?: string | undefined
    lastName?: string | undefined
    phone?: { prefix: string | null; number: string | null } | undefined
  },
  accountId?: string,
): Promise<void> {
  let update = db
    .updateTable('account_users')
    .set({
      ...(profile.firstName !== undefined ? { invitee_first_name: profile.firstName } : {}),
      ...(profile.lastName !== undefined ? { invitee_last_name: profile.lastName } : {}),
      ...(profile.phone !== undefined
        ? {
            invitee_phone_prefix: profile.phone.prefix,
            invitee_phone_number: profile.phone.number,
          }
        : {}),
    })
    .where('user_id', '=', userId)
  if (accountId !== undefined) update = update.where('account_id', '=', accountId)
  await update.execute()
}
