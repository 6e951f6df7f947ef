import { sql } from 'kysely'
import type { FieldMap, ScalarField } from '../rql/rql-fields.js'

const text = (column: string): ScalarField => ({ type: 'string', sql: () => sql.ref(column) })
const flag = (column: string): ScalarField => ({ type: 'boolean', sql: () => sql.ref(column) })

export const MODULE_FIELDS: FieldMap = {
  id: text('m.id'),
  name: text('m.name'),
  description: text('m.description'),
  code: text('m.code'),
  paid: flag('m.paid'),
  isConfigurable: flag('m.is_configurable'),
  isEnabledByDefault: flag('m.is_enabled_by_default'),
  'audit.created.at': { type: 'date', sql: () => sql.ref('m.created_at') },
  'audit.updated.at': { type: 'date', sql: () => sql.ref('m.updated_at') },
}

export const MODULE_OUTPUT = [
  'id', 'name', 'description', 'paid', 'filters', 'settings', 'isConfigurable', 'isEnabledByDefault', 'code',
  'accountTypes', 'audit',
]
