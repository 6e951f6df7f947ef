import { ACCOUNT_REF_COLUMNS, toAccountRef } from '../accounts/account-repository.js'
import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { parseJson, toDate } from '../db/rows.js'
import { defineQuery } from '../db/defined-query.js'
import type { Database } from '../db/schema.js'
import { MODULE_REF_COLUMNS, toModuleRef, type ModuleRef } from '../modules/module-ref.js'
import type { BuyerRef } from '../account-users/account-user.js'
import type { UserGroup } from './user-group.js'

/** The groups among `ids` that belong to `accountId`, as embedded references plus `all_buyers`. */
export async function findGroupRefsOfAccount(
  db: Kysely<Database>,
  accountId: string,
  ids: string[],
) {
  if (ids.length === 0) return []
  return GROUP_REFS_OF_ACCOUNT.rows(db, { accountId, ids })
}

const GROUP_REFS_OF_ACCOUNT = defineQuery((db, v: { accountId: string; ids: readonly string[] }) =>
  db
    .selectFrom('user_groups')
    .select(['id', 'name', 'description', 'logo', 'is_default', 'all_buyers'])
    .where('account_id', '=', v.accountId)
    .where('id', 'in', v.ids)
    .orderBy('name')
    .orderBy('id'),
)

/** The ids among `ids` that name rows of `table` belonging to `accountId`. */
async function findIdsOfAccount(
  db: Kysely<Database>,
  table: 'user_groups' | 'buyers',
  accountId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .selectFrom(table)
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute()
  return new Set(rows.map((r) => r.id))
}

/** The ids among `ids` that name groups of `accountId`. */
export function findGroupIdsOfAccount(
  db: Kysely<Database>,
  accountId: string,
  ids: string[],
): Promise<Set<string>> {
  return findIdsOfAccount(db, 'user_groups', accountId, ids)
}

/** The groups a caller may see: all (`accountId` undefined, Operations) or one account's. */
export function userGroupBase(db: Kysely<Database>, accountId: string | undefined) {
  const base = db.selectFrom('user_groups as g').innerJoin('accounts as a', 'a.id', 'g.account_id')
  return accountId === undefined ? base : base.where('g.account_id', '=', accountId)
}

export const USER_GROUP_COLUMNS = [
  'g.id',
  'g.account_id',
  'g.name',
  'g.description',
  'g.logo',
  'g.is_default',
  'g.all_buyers',
  'g.created_at',
  'g.created_by',
  'g.updated_at',
  'g.updated_by',
  ...ACCOUNT_REF_COLUMNS,
] as const

type Row = Awaited<
  ReturnType<ReturnType<ReturnType<typeof userGroupBase>['select']>['executeTakeFirstOrThrow']>
> & {
  id: string
}

/** Rows to models, with the modules and buyers of the whole page in two more queries. */
export async function hydrateUserGroups(db: Kysely<Database>, rows: Row[]): Promise<UserGroup[]> {
  const ids = rows.map((r) => r.id)
  const [modules, buyers] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          db
            .selectFrom('user_group_modules as gm')
            .innerJoin('modules as m', 'm.id', 'gm.module_id')
            .select(['gm.user_group_id', ...MODULE_REF_COLUMNS])
            .where('gm.user_group_id', 'in', ids)
            .orderBy('m.id')
            .execute(),
          db
            .selectFrom('user_group_buyers as gb')
            .innerJoin('buyers as b', 'b.id', 'gb.buyer_id')
            .select(['gb.user_group_id', 'b.id', 'b.name', 'b.icon'])
            .where('gb.user_group_id', 'in', ids)
            .orderBy('b.id')
            .execute(),
        ])
  return rows.map((r) => {
    const row = r as unknown as Record<string, string | number | null> & Row
    return {
      id: row.id,
      accountId: row.account_id as string,
      name: row.name as string,
      description: row.description as string | null,
      logo: row.logo as string | null,
      isDefault: Number(row.is_default) === 1,
      account: toAccountRef(row.account_id as string, row),
      modules: modules.filter((m) => m.user_group_id === row.id).map(toModuleRef),
      buyers:
        Number(row.all_buyers) === 1
          ? null
          : buyers
              .filter((b) => b.user_group_id === row.id)
              .map((b) => ({ id: b.id, name: b.name, icon: b.icon })),
      createdAt: toDate(row.created_at as string),
      createdBy: parseJson<ActorRef | null>(row.created_by as string | null, null),
      updatedAt: toDate(row.updated_at as string | null),
      updatedBy: parseJson<ActorRef | null>(row.updated_by as string | null, null),
    }
  })
}

/**
 * What groups grant, by group id (`select=groups.modules`, issue #11): their modules, and their
 * buyers or null for every buyer.
 */
export async function findGroupGrantsByGroup(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, { modules: ModuleRef[]; buyers: BuyerRef[] | null }>> {
  if (ids.length === 0) return new Map()
  const [groups, modules, buyers] = await Promise.all([
    db
      .selectFrom('user_groups')
      .select(['id', 'all_buyers'])
      .where('id', 'in', [...ids])
      .execute(),
    db
      .selectFrom('user_group_modules as gm')
      .innerJoin('modules as m', 'm.id', 'gm.module_id')
      .select(['gm.user_group_id', ...MODULE_REF_COLUMNS])
      .where('gm.user_group_id', 'in', [...ids])
      .orderBy('m.id')
      .execute(),
    db
      .selectFrom('user_group_buyers as gb')
      .innerJoin('buyers as b', 'b.id', 'gb.buyer_id')
      .select(['gb.user_group_id', 'b.id', 'b.name', 'b.icon'])
      .where('gb.user_group_id', 'in', [...ids])
      .orderBy('b.id')
      .execute(),
  ])
  return new Map(
    groups.map((group) => [
      group.id,
      {
        modules: modules.filter((m) => m.user_group_id === group.id).map(toModuleRef),
        buyers:
          Number(group.all_buyers) === 1
            ? null
            : buyers
                .filter((b) => b.user_group_id === group.id)
                .map((b) => ({ id: b.id, name: b.name, icon: b.icon })),
      },
    ]),
  )
}

/**
 * The account users in each group (`userGroup.users`, issue #11), as users: `{id, name, icon,
 * email}`, in name order.
 */
export async function findGroupMembers(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, Array<{ id: string; name: string; icon: string | null; email: string }>>> {
  const members = new Map<
    string,
    Array<{ id: string; name: string; icon: string | null; email: string }>
  >()
  if (ids.length === 0) return members
  const rows = await db
    .selectFrom('account_user_groups as aug')
    .innerJoin('account_users as au', 'au.id', 'aug.account_user_id')
    .innerJoin('users as u', 'u.id', 'au.user_id')
    .select(['aug.user_group_id', 'u.id', 'u.first_name', 'u.last_name', 'u.icon', 'u.email'])
    .where('aug.user_group_id', 'in', [...ids])
    .orderBy('u.first_name')
    .orderBy('u.last_name')
    .orderBy('u.id')
    .execute()
  for (const row of rows) {
    const list = members.get(row.user_group_id) ?? []
    list.push({
      id: row.id,
      name: `${row.first_name} ${row.last_name}`,
      icon: row.icon,
      email: row.email,
    })
    members.set(row.user_group_id, list)
  }
  return members
}

export async function setUserGroupModules(
  db: Kysely<Database>,
  groupId: string,
  moduleIds: string[],
): Promise<void> {
  await db.deleteFrom('user_group_modules').where('user_group_id', '=', groupId).execute()
  if (moduleIds.length === 0) return
  await db
    .insertInto('user_group_modules')
    .values(moduleIds.map((m) => ({ user_group_id: groupId, module_id: m })))
    .execute()
}

/** `null`: every buyer of the account; a list: only those. */
export async function setUserGroupBuyers(
  db: Kysely<Database>,
  groupId: string,
  buyerIds: string[] | null,
): Promise<void> {
  await db.deleteFrom('user_group_buyers').where('user_group_id', '=', groupId).execute()
  await db
    .updateTable('user_groups')
    .set({ all_buyers: buyerIds === null ? 1 : 0 })
    .where('id', '=', groupId)
    .execute()
  if (!buyerIds || buyerIds.length === 0) return
  await db
    .insertInto('user_group_buyers')
    .values(buyerIds.map((b) => ({ user_group_id: groupId, buyer_id: b })))
    .execute()
}

/** The ids among `ids` that name buyers of `accountId`. */
export function findBuyerIdsOfAccount(
  db: Kysely<Database>,
  accountId: string,
  ids: string[],
): Promise<Set<string>> {
  return findIdsOfAccount(db, 'buyers', accountId, ids)
}

export async function countGroupMembers(db: Kysely<Database>, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('account_user_groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_group_id', '=', groupId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Clears the account's current default, so another group can take the flag. */
export async function clearDefaultGroup(db: Kysely<Database>, accountId: string): Promise<void> {
  await db
    .updateTable('user_groups')
    .set({ is_default: 0 })
    .where('account_id', '=', accountId)
    .where('is_default', '=', 1)
    .execute()
}
