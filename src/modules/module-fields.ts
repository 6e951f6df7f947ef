import { sql } from 'kysely'
import { type FieldMap, textColumn, flagColumn } from '../rql/rql-fields.js'

const text = textColumn
const flag = flagColumn

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
  'id',
  'name',
  'description',
  'paid',
  'filters',
  'settings',
  'isConfigurable',
  'isEnabledByDefault',
  'code',
  'accountTypes',
  'audit',
]
