import type { Insertable, Kysely, Updateable } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { ACCOUNT_REF_COLUMNS, toAccountRef } from '../accounts/account-repository.js'
import { findLatestAuditEvents } from '../accounts/latest-audit-events.js'
import { parseJson, toDate } from '../db/rows.js'
import type { Database, LicenseeTable } from '../db/schema.js'
import { insertWithUniqueId } from '../lib/ids.js'
import {
  DEFAULT_ELIGIBILITY,
  type Licensee,
  type LicenseeStatus,
  type StoredContact,
} from './licensee.js'

/** A licensee with its account (`a`), buyer (`b`) and seller (`s`). */
export function licenseeBase(db: Kysely<Database>) {
  return db
    .selectFrom('licensees as lc')
    .innerJoin('accounts as a', 'a.id', 'lc.account_id')
    .innerJoin('buyers as b', 'b.id', 'lc.buyer_id')
    .innerJoin('sellers as s', 's.id', 'lc.seller_id')
}

export const LICENSEE_COLUMNS = [
  'lc.id',
  'lc.account_id',
  'lc.buyer_id',
  'lc.seller_id',
  'lc.name',
  'lc.external_id',
  'lc.icon',
  'lc.status',
  'lc.use_buyer_address',
  'lc.address',
  'lc.description',
  'lc.contact',
  'lc.eligibility',
  'lc.created_at',
  'lc.created_by',
  'lc.updated_at',
  'lc.updated_by',
  ...ACCOUNT_REF_COLUMNS,
  'b.name as buyer_name',
  'b.icon as buyer_icon',
  's.name as seller_name',
  's.external_id as seller_external_id',
  's.icon as seller_icon',
] as const

/** A row of `LICENSEE_COLUMNS` (SQLite reads instants as text, PostgreSQL as Date). */
type Row = Record<string, unknown>

/** Rows to models, with the page's contact users and disabled events in two more queries. */
export async function hydrateLicensees(db: Kysely<Database>, rows: Row[]): Promise<Licensee[]> {
  const ids = rows.map((r) => String(r.id))
  const contacts = rows.map((r) =>
    parseJson<StoredContact | null>(r.contact as string | null, null),
  )
  const userIds = [...new Set(contacts.flatMap((c) => (c?.userId ? [c.userId] : [])))]
  const [events, users] = await Promise.all([
    findLatestAuditEvents(db, 'licensee', ids, ['disabled']),
    userIds.length === 0
      ? []
      : db
          .selectFrom('users')
          .select(['id', 'first_name', 'last_name', 'icon'])
          .where('id', 'in', userIds)
          .execute(),
  ])
  return rows.map((r, index) => {
    const row = r as Record<string, string | null> & {
      a_name: string
      a_type: string
      a_status: string
      a_icon: string | null
    }
    const contact = contacts[index] ?? null
    const user = contact?.userId ? users.find((u) => u.id === contact.userId) : undefined
    return {
      id: row.id as string,
      accountId: row.account_id as string,
      name: row.name ?? null,
      externalId: row.external_id ?? null,
      icon: row.icon ?? null,
      status: row.status as LicenseeStatus,
      useBuyerAddress: Number(r.use_buyer_address) === 1,
      address: parseJson(row.address, null),
      description: row.description ?? null,
      contact,
      contactUser: user
        ? { id: user.id, name: `${user.first_name} ${user.last_name}`, icon: user.icon }
        : null,
      account: toAccountRef(row.account_id as string, row),
      buyer: {
        id: row.buyer_id as string,
        name: row.buyer_name as string,
        icon: row.buyer_icon ?? null,
      },
      seller: {
        id: row.seller_id as string,
        name: row.seller_name as string,
        externalId: row.seller_external_id ?? null,
        icon: row.seller_icon ?? null,
      },
      eligibility: parseJson(row.eligibility, DEFAULT_ELIGIBILITY),
      createdAt: toDate(r.created_at as Date | string),
      createdBy: parseJson<ActorRef | null>(row.created_by, null),
      updatedAt: toDate(r.updated_at as Date | string | null),
      updatedBy: parseJson<ActorRef | null>(row.updated_by, null),
      statusEvents: events.get(row.id as string) ?? {},
    }
  })
}

export async function insertLicensee(
  db: Kysely<Database>,
  values: Omit<Insertable<LicenseeTable>, 'id'>,
): Promise<string> {
  return insertWithUniqueId('licensee', async (id) => {
    const row = await db
      .insertInto('licensees')
      .values({ ...values, id })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst()
    return row !== undefined
  })
}

/** Writes the columns; with `expectedStatus`, only while the licensee still has it. */
export async function updateLicenseeColumns(
  db: Kysely<Database>,
  id: string,
  columns: Omit<
    Updateable<LicenseeTable>,
    'id' | 'account_id' | 'buyer_id' | 'seller_id' | 'created_at' | 'created_by'
  >,
  expectedStatus: LicenseeStatus,
): Promise<boolean> {
  const result = await db
    .updateTable('licensees')
    .set(columns)
    .where('id', '=', id)
    .where('status', '=', expectedStatus)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * A transferred buyer's non-deleted licensees follow it to `accountId` (decision 50). A contact
 * user who is not a user of that account is dropped from the contact (the names typed stay), so
 * the destination never reads another account's user. Returns the licensees moved.
 */
export async function moveLicenseesOfBuyer(
  db: Kysely<Database>,
  buyerId: string,
  accountId: string,
  audit: { at: string; by: string | null },
): Promise<string[]> {
  const rows = await db
    .selectFrom('licensees')
    .select(['id', 'contact'])
    .where('buyer_id', '=', buyerId)
    .where('status', '!=', 'Deleted')
    .orderBy('id')
    .execute()
  for (const row of rows) {
    const contact = parseJson<StoredContact | null>(row.contact, null)
    let kept = contact
    if (contact?.userId) {
      const member = await db
        .selectFrom('account_users')
        .select('id')
        .where('account_id', '=', accountId)
        .where('user_id', '=', contact.userId)
        .executeTakeFirst()
      if (!member) kept = { ...contact, userId: null }
    }
    await db
      .updateTable('licensees')
      .set({
        account_id: accountId,
        contact: kept ? JSON.stringify(kept) : null,
        updated_at: audit.at,
        updated_by: audit.by,
      })
      .where('id', '=', row.id)
      .execute()
  }
  return rows.map((row) => row.id)
}
