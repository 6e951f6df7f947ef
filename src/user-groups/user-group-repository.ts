import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

/** The ids among `ids` that name groups of `accountId`. */
export async function findGroupIdsOfAccount(
  db: Kysely<Database>,
  accountId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .selectFrom('user_groups')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute()
  return new Set(rows.map((r) => r.id))
}
