import { ACCOUNT_REF_COLUMNS, toAccountRef } from '../accounts/account-repository.js'
import type { Kysely, Updateable } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { findLatestAuditEvents } from '../accounts/latest-audit-events.js'
import { findSellersOfBuyers } from '../erp-links/erp-link-repository.js'
import { parseJson, toDate } from '../db/rows.js'
import type { BuyerTable, Database } from '../db/schema.js'
import { newUniqueId } from '../lib/ids.js'
import { emailKey } from '../users/user-repository.js'
import type { Buyer, BuyerContact, BuyerStatus } from './buyer.js'

export function buyerBase(db: Kysely<Database>) {
  return db.selectFrom('buyers as b').innerJoin('accounts as a', 'a.id', 'b.account_id')
}

export const BUYER_COLUMNS = [
  'b.id',
  'b.account_id',
  'b.name',
  'b.icon',
  'b.status',
  'b.address',
  'b.contact',
  'b.external_ids',
  'b.tax_id',
  'b.created_at',
  'b.created_by',
  'b.updated_at',
  'b.updated_by',
  ...ACCOUNT_REF_COLUMNS,
] as const

type Row = Awaited<
  ReturnType<ReturnType<ReturnType<typeof buyerBase>['select']>['executeTakeFirstOrThrow']>
> & {
  id: string
}

/** `BuyerAudit` events beside created/updated. */
const STATUS_EVENTS = ['activated', 'unassigned', 'disabled'] as const

/**
 * The users behind buyer contacts (`contact.user`, issue #11): a member of the buyer's account
 * (invited or joined) whose email is the contact's, keyed `account id + email key`.
 */
async function findContactUsers(
  db: Kysely<Database>,
  contacts: Array<{ accountId: string; email: string }>,
): Promise<Map<string, { id: string; name: string; icon: string | null }>> {
  const found = new Map<string, { id: string; name: string; icon: string | null }>()
  if (contacts.length === 0) return found
  const rows = await db
    .selectFrom('account_users as au')
    .innerJoin('users as u', 'u.id', 'au.user_id')
    .select(['au.account_id', 'au.user_email_key', 'u.id', 'u.first_name', 'u.last_name', 'u.icon'])
    .where('au.account_id', 'in', [...new Set(contacts.map((c) => c.accountId))])
    .where('au.user_email_key', 'in', [...new Set(contacts.map((c) => emailKey(c.email)))])
    .execute()
  for (const row of rows) {
    found.set(`${row.account_id} ${row.user_email_key}`, {
      id: row.id,
      name: `${row.first_name} ${row.last_name}`,
      icon: row.icon,
    })
  }
  return found
}

/** Rows to models, with the page's status events, sellers and contacts' users in three more queries. */
export async function hydrateBuyers(db: Kysely<Database>, rows: Row[]): Promise<Buyer[]> {
  const contacts = rows.flatMap((r) => {
    const email = parseJson<BuyerContact | null>(r.contact as string | null, null)?.email
    return email ? [{ accountId: r.account_id as string, email }] : []
  })
  const [events, sellers, contactUsers] = await Promise.all([
    findLatestAuditEvents(
      db,
      'buyer',
      rows.map((r) => r.id),
      STATUS_EVENTS,
    ),
    findSellersOfBuyers(
      db,
      rows.map((r) => r.id),
    ),
    findContactUsers(db, contacts),
  ])
  return rows.map((r) => {
    const row = r as unknown as Record<string, string | null> & Row
    return {
      id: row.id,
      accountId: row.account_id as string,
      name: row.name as string,
      icon: row.icon,
      status: row.status as BuyerStatus,
      address: parseJson(row.address, null),
      contact: parseJson(row.contact, null),
      externalIds: parseJson(row.external_ids, null),
      taxId: row.tax_id,
      sellers: sellers.get(row.id) ?? [],
      account: toAccountRef(row.account_id as string, row),
      contactUser: (() => {
        const email = parseJson<BuyerContact | null>(row.contact, null)?.email
        return (email && contactUsers.get(`${row.account_id} ${emailKey(email)}`)) || null
      })(),
      createdAt: toDate(row.created_at as string),
      createdBy: parseJson<ActorRef | null>(row.created_by, null),
      updatedAt: toDate(row.updated_at as string | null),
      updatedBy: parseJson<ActorRef | null>(row.updated_by, null),
      statusEvents: events.get(row.id) ?? {},
    }
  })
}

/** The buyers behind embedded references, by id (`select=buyers.address`, issue #11). */
export async function findBuyersByIds(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Buyer[]> {
  if (ids.length === 0) return []
  const rows = await buyerBase(db)
    .select(BUYER_COLUMNS)
    .where('b.id', 'in', [...ids])
    .execute()
  return hydrateBuyers(db, rows)
}

export async function newBuyerId(db: Kysely<Database>): Promise<string> {
  return newUniqueId(
    'buyer',
    async (candidate) =>
      (await db
        .selectFrom('buyers')
        .select('id')
        .where('id', '=', candidate)
        .executeTakeFirst()) !== undefined,
  )
}

/** Writes the given columns; with `expectedStatus`, only while the buyer still has it. */
export async function updateBuyerColumns(
  db: Kysely<Database>,
  id: string,
  columns: Omit<Updateable<BuyerTable>, 'id' | 'account_id' | 'created_at' | 'created_by'>,
  expectedStatus?: BuyerStatus,
): Promise<boolean> {
  let query = db.updateTable('buyers').set(columns).where('id', '=', id)
  if (expectedStatus) query = query.where('status', '=', expectedStatus)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** A deleted buyer leaves every user group's list of buyers. */
export async function removeBuyerFromUserGroups(
  db: Kysely<Database>,
  buyerId: string,
): Promise<void> {
  await db.deleteFrom('user_group_buyers').where('buyer_id', '=', buyerId).execute()
}

/**
 * What a transfer takes away from the buyer's current account (decision 49): the groups of
 * `accountId` whose buyer list names the buyer, and the account users in them.
 */
export async function findTransferAudience(
  db: Kysely<Database>,
  buyerId: string,
  accountId: string,
) {
  const groups = await db
    .selectFrom('user_group_buyers as ugb')
    .innerJoin('user_groups as g', 'g.id', 'ugb.user_group_id')
    .select('g.id')
    .where('ugb.buyer_id', '=', buyerId)
    .where('g.account_id', '=', accountId)
    .execute()
  const groupIds = groups.map((g) => g.id)
  const users =
    groupIds.length === 0
      ? []
      : await db
          .selectFrom('account_user_groups as aug')
          .innerJoin('account_users as au', 'au.id', 'aug.account_user_id')
          .innerJoin('users as u', 'u.id', 'au.user_id')
          .select(['au.id', 'u.id as user_id', 'u.first_name', 'u.last_name', 'u.icon'])
          .where('aug.user_group_id', 'in', groupIds)
          .distinct()
          .orderBy('au.id')
          .execute()
  return {
    groupIds,
    users: users.map((u) => ({
      id: u.id,
      user: { id: u.user_id, name: `${u.first_name} ${u.last_name}`, icon: u.icon },
    })),
  }
}

/** The non-deleted licensees a transfer moves with the buyer. */
export async function countLiveLicenseesOfBuyer(
  db: Kysely<Database>,
  buyerId: string,
): Promise<number> {
  const row = await db
    .selectFrom('licensees')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('buyer_id', '=', buyerId)
    .where('status', '!=', 'Deleted')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The buyer leaves the user groups of `accountId` (a list left empty stays `[]`, decision 50). */
export async function removeBuyerFromGroupsOfAccount(
  db: Kysely<Database>,
  buyerId: string,
  groupIds: string[],
): Promise<void> {
  if (groupIds.length === 0) return
  await db
    .deleteFrom('user_group_buyers')
    .where('buyer_id', '=', buyerId)
    .where('user_group_id', 'in', groupIds)
    .execute()
}

/** Moves the buyer to `accountId` while it still belongs to `fromAccountId`. */
export async function moveBuyerToAccount(
  db: Kysely<Database>,
  id: string,
  fromAccountId: string,
  accountId: string,
  audit: { at: string; by: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('buyers')
    .set({ account_id: accountId, updated_at: audit.at, updated_by: audit.by })
    .where('id', '=', id)
    .where('account_id', '=', fromAccountId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
