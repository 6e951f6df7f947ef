import type { Kysely } from 'kysely'
import { parseJson } from '../db/rows.js'
import type { Database } from '../db/schema.js'

/** The catalogue modules offered to an account type, by id. */
export async function findModulesForAccountType(
  db: Kysely<Database>,
  accountType: string,
): Promise<Set<string>> {
  const rows = await db.selectFrom('modules').select(['id', 'account_types']).execute()
  return new Set(
    rows
      .filter((r) => parseJson<string[]>(r.account_types, []).includes(accountType))
      .map((r) => r.id),
  )
}
