import type { Kysely } from 'kysely'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import { parseJson, toIso } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { projectForQuery } from '../rql/rql-select.js'
import { MODULE_FIELDS, MODULE_OUTPUT } from './module-fields.js'

const COLUMNS = [
  'm.id',
  'm.name',
  'm.description',
  'm.code',
  'm.paid',
  'm.is_configurable',
  'm.is_enabled_by_default',
  'm.filters',
  'm.settings',
  'm.account_types',
  'm.created_at',
  'm.updated_at',
] as const

/** The read-only module catalogue. */
export function createModuleService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
}) {
  const { db, clock, dialect } = deps
  const base = () => db.selectFrom('modules as m')
  type Row = Awaited<
    ReturnType<ReturnType<ReturnType<typeof base>['select']>['executeTakeFirstOrThrow']>
  >

  function present(row: Row) {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      paid: Number(row.paid) === 1,
      filters: parseJson(row.filters, {}),
      settings: parseJson(row.settings, {}),
      isConfigurable: Number(row.is_configurable) === 1,
      isEnabledByDefault: Number(row.is_enabled_by_default) === 1,
      code: row.code,
      accountTypes: parseJson<string[]>(row.account_types, []),
      audit: {
        created: { at: toIso(row.created_at) },
        ...(row.updated_at ? { updated: { at: toIso(row.updated_at) } } : {}),
      },
    }
  }
  const spec = { fields: MODULE_OUTPUT, omittedByDefault: ['audit'] }

  return {
    async list(input: { rawQuery: string }) {
      return serveList({
        rawQuery: input.rawQuery,
        output: spec,
        base: base(),
        fields: MODULE_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'm.id',
        columns: (qb) => qb.select(COLUMNS),
        hydrate: async (rows) => rows as Row[],
        present,
      })
    },

    async get(input: { id: string; rawQuery: string }) {
      const row = await base().select(COLUMNS).where('m.id', '=', input.id).executeTakeFirst()
      if (!row) throw new AppError('MODULE_NOT_FOUND')
      return projectForQuery(input.rawQuery, spec, present(row as Row))
    },
  }
}

export type ModuleService = ReturnType<typeof createModuleService>
