import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'

/**
 * Every row of every account-owned table, keyed, so two snapshots can be compared and each
 * changed row traced to the account(s) owning it. The outbox (sealed, no account) and the
 * content-addressed icons are not owned by an account and are left out.
 */
const TABLES = {
  accounts: (r: Row) => String(r.id),
  users: (r: Row) => String(r.id),
  account_users: (r: Row) => String(r.id),
  account_user_groups: (r: Row) => `${r.account_user_id}|${r.user_group_id}`,
  user_groups: (r: Row) => String(r.id),
  user_group_modules: (r: Row) => `${r.user_group_id}|${r.module_id}`,
  user_group_buyers: (r: Row) => `${r.user_group_id}|${r.buyer_id}`,
  buyers: (r: Row) => String(r.id),
  api_tokens: (r: Row) => String(r.id),
  api_token_modules: (r: Row) => `${r.api_token_id}|${r.module_id}`,
  audit_events: (r: Row) => String(r.id),
  sellers: (r: Row) => String(r.id),
  erp_links: (r: Row) => String(r.id),
  licensees: (r: Row) => String(r.id),
  cloud_tenants: (r: Row) => String(r.id),
  event_outbox: (r: Row) => String(r.id),
} as const

type Row = Record<string, unknown>
export type TableName = keyof typeof TABLES
export type Snapshot = Record<TableName, Map<string, Row>>

export async function takeSnapshot(db: Kysely<Database>): Promise<Snapshot> {
  const snapshot = {} as Snapshot
  for (const [table, keyOf] of Object.entries(TABLES) as Array<[TableName, (r: Row) => string]>) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Row[]
    snapshot[table] = new Map(rows.map((r) => [keyOf(r), r]))
  }
  return snapshot
}

/**
 * The accounts a row belongs to, looked up in any of the given snapshots. Sellers are global:
 * they belong to the accounts that may see them (§11.9: through a live buyer's ERP link or a
 * live licensee); an ERP link belongs to its buyer's account.
 */
export function ownersOf(table: TableName, row: Row, snapshots: Snapshot[]): string[] {
  const accountOf = (t: 'account_users' | 'user_groups' | 'api_tokens' | 'buyers', id: unknown) =>
    snapshots.map((s) => s[t].get(String(id))?.account_id).find((a) => a !== undefined)
  const membershipsOf = (userId: unknown) => [
    ...new Set(
      snapshots.flatMap((s) =>
        [...s.account_users.values()]
          .filter((m) => m.user_id === userId)
          .map((m) => String(m.account_id)),
      ),
    ),
  ]
  const one = (id: unknown) => (id === undefined || id === null ? [] : [String(id)])
  switch (table) {
    case 'accounts':
      return [String(row.id)]
    case 'users':
      return membershipsOf(row.id)
    case 'account_user_groups':
      return one(accountOf('account_users', row.account_user_id))
    case 'user_group_modules':
    case 'user_group_buyers':
      return one(accountOf('user_groups', row.user_group_id))
    case 'api_token_modules':
      return one(accountOf('api_tokens', row.api_token_id))
    case 'audit_events':
      return row.account_id ? [String(row.account_id)] : membershipsOf(row.object_id)
    case 'erp_links':
      return one(accountOf('buyers', row.buyer_id))
    case 'sellers':
      return sellerViewers(String(row.id), snapshots)
    default:
      return one(row.account_id)
  }
}

function sellerViewers(sellerId: string, snapshots: Snapshot[]): string[] {
  const viewers = new Set<string>()
  for (const s of snapshots) {
    for (const link of s.erp_links.values()) {
      if (link.seller_id !== sellerId) continue
      const buyer = s.buyers.get(String(link.buyer_id))
      if (buyer && buyer.status !== 'Deleted') viewers.add(String(buyer.account_id))
    }
    for (const licensee of s.licensees.values()) {
      if (licensee.seller_id === sellerId && licensee.status !== 'Deleted')
        viewers.add(String(licensee.account_id))
    }
  }
  return [...viewers]
}

const same = (a: Row | undefined, b: Row | undefined) => JSON.stringify(a) === JSON.stringify(b)

/** Rows added, removed or changed between two snapshots, with the accounts owning each. */
export function changedRows(
  before: Snapshot,
  after: Snapshot,
): Array<{ table: TableName; key: string; owners: string[] }> {
  const changes: Array<{ table: TableName; key: string; owners: string[] }> = []
  for (const table of Object.keys(TABLES) as TableName[]) {
    const keys = new Set([...before[table].keys(), ...after[table].keys()])
    for (const key of keys) {
      const [was, now] = [before[table].get(key), after[table].get(key)]
      if (same(was, now)) continue
      changes.push({ table, key, owners: ownersOf(table, (now ?? was)!, [before, after]) })
    }
  }
  return changes
}

/** The rows owned by any of `accountIds`, serialised, for a byte-for-byte comparison. */
export function rowsOwnedBy(snapshot: Snapshot, accountIds: string[]): string[] {
  const wanted = new Set(accountIds)
  return (Object.keys(TABLES) as TableName[])
    .flatMap((table) =>
      [...snapshot[table].entries()]
        .filter(([, row]) => ownersOf(table, row, [snapshot]).some((a) => wanted.has(a)))
        .map(([key, row]) => `${table}:${key}:${JSON.stringify(row)}`),
    )
    .sort()
}

/** Public id (ACC-, USR-, AUSR-, UGR-, BUY-, TKN-, SEL-, ERP-, LCE-, CLT-) → the accounts that own it. */
export function idOwners(
  snapshot: Snapshot,
  into = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  const add = (id: unknown, owners: string[]) => {
    const set = into.get(String(id)) ?? new Set<string>()
    for (const o of owners) set.add(o)
    into.set(String(id), set)
  }
  for (const table of [
    'accounts',
    'users',
    'account_users',
    'user_groups',
    'buyers',
    'api_tokens',
    'sellers',
    'erp_links',
    'licensees',
    'cloud_tenants',
  ] as const) {
    for (const row of snapshot[table].values()) add(row.id, ownersOf(table, row, [snapshot]))
  }
  return into
}
