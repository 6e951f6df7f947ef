import type { Kysely, Updateable } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import type { AccountType } from '../access/actor.js'
import { findModulesForAccountType } from '../modules/module-repository.js'
import { parseJson, toDate } from '../db/rows.js'
import { defineQuery } from '../db/defined-query.js'
import type { AccountTable, Database } from '../db/schema.js'
import { newUniqueId } from '../lib/ids.js'
import { accountSettingsOf, type Account, type AccountStatus } from './account.js'
import { findLatestAuditEvents, type AuditEvents } from './latest-audit-events.js'

const ACCOUNT_REF = defineQuery((db, v: { id: string }) =>
  db.selectFrom('accounts').select(['id', 'name', 'type', 'status', 'icon']).where('id', '=', v.id),
)

export async function findAccountRef(db: Kysely<Database>, id: string) {
  return ACCOUNT_REF.first(db, { id })
}

/** The owning account's reference columns, for objects joined to `accounts as a`. */
export const ACCOUNT_REF_COLUMNS = [
  'a.name as a_name',
  'a.type as a_type',
  'a.status as a_status',
  'a.icon as a_icon',
] as const

/** The embedded account reference (`AccountRef`) from those columns and the owner's id. */
export function toAccountRef(
  id: string,
  row: { a_name: string; a_type: string; a_status: string; a_icon: string | null },
) {
  return { id, name: row.a_name, type: row.a_type, status: row.a_status, icon: row.a_icon }
}

const ACCOUNT_ID = defineQuery((db, v: { id: string }) =>
  db.selectFrom('accounts').select('id').where('id', '=', v.id),
)

export async function accountIdExists(db: Kysely<Database>, id: string): Promise<boolean> {
  return (await ACCOUNT_ID.first(db, { id })) !== undefined
}

export function accountBase(db: Kysely<Database>) {
  return db.selectFrom('accounts as a')
}

export const ACCOUNT_COLUMNS = [
  'a.id',
  'a.name',
  'a.type',
  'a.status',
  'a.icon',
  'a.external_id',
  'a.external_name',
  'a.external_ids',
  'a.service_level',
  'a.address',
  'a.technical_support_email',
  'a.website',
  'a.description',
  'a.eligibility',
  'a.settings',
  'a.created_at',
  'a.created_by',
  'a.updated_at',
  'a.updated_by',
] as const

type Row = Omit<AccountTable, 'created_at' | 'updated_at'> & {
  created_at: Date | string
  updated_at: Date | string | null
}

/** Audit events shown beside created/updated (the docs' account examples). */
const STATUS_EVENTS = ['enabled', 'disabled', 'activated'] as const

export interface GroupRef {
  id: string
  name: string
  description: string | null
  logo: string | null
  isDefault: boolean
}

export interface AccountRecord extends Account {
  groups: GroupRef[]
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
  statusEvents: AuditEvents
}

function toAccount(row: Row): Account {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    status: row.status,
    icon: row.icon,
    externalId: row.external_id,
    externalName: row.external_name,
    externalIds: parseJson(row.external_ids, null),
    serviceLevel: row.service_level,
    address: parseJson(row.address, null),
    technicalSupportEmail: row.technical_support_email,
    website: row.website,
    description: row.description,
    eligibility: parseJson(row.eligibility, null),
    settings: accountSettingsOf(parseJson(row.settings, null)),
  }
}

/** Rows to models, with the page's user groups and status events in two more queries. */
export async function hydrateAccounts(db: Kysely<Database>, rows: Row[]): Promise<AccountRecord[]> {
  const ids = rows.map((r) => r.id)
  const [groups, events] = await Promise.all([
    ids.length === 0
      ? []
      : db
          .selectFrom('user_groups')
          .select(['id', 'account_id', 'name', 'description', 'logo', 'is_default'])
          .where('account_id', 'in', ids)
          .orderBy('id')
          .execute(),
    findLatestAuditEvents(db, 'account', ids, STATUS_EVENTS),
  ])
  return rows.map((row) => ({
    ...toAccount(row),
    groups: groups
      .filter((g) => g.account_id === row.id)
      .map((g) => ({
        id: g.id,
        name: g.name,
        description: g.description,
        logo: g.logo,
        isDefault: Number(g.is_default) === 1,
      })),
    createdAt: toDate(row.created_at),
    createdBy: parseJson<ActorRef | null>(row.created_by, null),
    updatedAt: toDate(row.updated_at),
    updatedBy: parseJson<ActorRef | null>(row.updated_by, null),
    statusEvents: events.get(row.id) ?? {},
  }))
}

/** The accounts behind embedded references, by id (`select=account.address`, issue #11). */
export async function findAccountsByIds(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, Account>> {
  if (ids.length === 0) return new Map()
  const rows = await accountBase(db)
    .select(ACCOUNT_COLUMNS)
    .where('a.id', 'in', [...ids])
    .execute()
  return new Map(rows.map((row) => [row.id, toAccount(row as Row)]))
}

export async function newAccountId(db: Kysely<Database>): Promise<string> {
  return newUniqueId('account', async (candidate) => accountIdExists(db, candidate))
}

/** Only the columns present are written; `status` is guarded by `expectedStatus` when given. */
export async function updateAccountColumns(
  db: Kysely<Database>,
  id: string,
  columns: Omit<Updateable<AccountTable>, 'id' | 'type' | 'created_at' | 'created_by'>,
  expectedStatus?: AccountStatus,
): Promise<boolean> {
  let query = db.updateTable('accounts').set(columns).where('id', '=', id)
  if (expectedStatus) query = query.where('status', '=', expectedStatus)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * The default "Administrators" group a new account starts with, so it can invite users at once:
 * every catalogue module offered to the account type, every buyer. Returns the group's id.
 */
export async function insertDefaultUserGroup(
  db: Kysely<Database>,
  account: { id: string; type: AccountType },
  audit: { at: string; by: string | null },
): Promise<string> {
  const id = await newUniqueId(
    'userGroup',
    async (candidate) =>
      (await db
        .selectFrom('user_groups')
        .select('id')
        .where('id', '=', candidate)
        .executeTakeFirst()) !== undefined,
  )
  await db
    .insertInto('user_groups')
    .values({
      id,
      account_id: account.id,
      name: 'Administrators',
      description: 'Default group: every module, every buyer.',
      logo: null,
      is_default: 1,
      all_buyers: 1,
      created_at: audit.at,
      created_by: audit.by,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  const modules = [...(await findModulesForAccountType(db, account.type))].sort()
  if (modules.length > 0) {
    await db
      .insertInto('user_group_modules')
      .values(modules.map((m) => ({ user_group_id: id, module_id: m })))
      .execute()
  }
  return id
}
