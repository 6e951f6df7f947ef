import type { Kysely } from 'kysely'
import { parseJson } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import { ruleError } from '../errors.js'

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

/**
 * The module ids a token or group asks for, each checked against the catalogue modules offered
 * to the account's type, and held by `grantor`, the actor granting them: modules are
 * permissions, and nobody hands out one they do not have. `offered` (those the grantor holds) is
 * the default when none are named. Throws MODULE_NOT_AVAILABLE or MODULE_NOT_HELD naming
 * `modules[i].id`.
 */
export async function chooseOfferedModules(
  db: Kysely<Database>,
  accountType: string,
  modules: Array<{ id: string }>,
  grantor: { modules: ReadonlySet<string> },
): Promise<{ offered: string[]; chosen: string[] }> {
  const offered = await findModulesForAccountType(db, accountType)
  const bad = modules.findIndex((m) => !offered.has(m.id))
  if (bad !== -1) {
    throw ruleError(
      'MODULE_NOT_AVAILABLE',
      `Module ${modules[bad]!.id} is not available to ${accountType} accounts.`,
      [`modules[${bad}].id`],
    )
  }
  const notHeld = modules.findIndex((m) => !grantor.modules.has(m.id))
  if (notHeld !== -1) {
    throw ruleError(
      'MODULE_NOT_HELD',
      `Module ${modules[notHeld]!.id} cannot be granted by a caller that does not hold it.`,
      [`modules[${notHeld}].id`],
    )
  }
  return {
    offered: [...offered].filter((id) => grantor.modules.has(id)),
    chosen: [...new Set(modules.map((m) => m.id))],
  }
}

/**
 * What a module carries beyond its embedded reference (`select=modules.code`, issue #11), by id.
 */
export async function findModuleDetails(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('modules')
    .select(['id', 'code', 'is_configurable', 'is_enabled_by_default', 'account_types'])
    .where('id', 'in', [...ids])
    .execute()
  return new Map(
    rows.map((row) => [
      row.id,
      {
        isConfigurable: Number(row.is_configurable) === 1,
        isEnabledByDefault: Number(row.is_enabled_by_default) === 1,
        code: row.code,
        accountTypes: parseJson<string[]>(row.account_types, []),
      },
    ]),
  )
}
