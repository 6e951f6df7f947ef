import { sql, type ExpressionBuilder } from 'kysely'
import { type FieldMap, textColumn, dateColumn } from '../rql/rql-fields.js'

const text = textColumn
const instant = dateColumn

export const API_TOKEN_FIELDS: FieldMap = {
  id: text('t.id'),
  name: text('t.name'),
  description: text('t.description'),
  icon: text('t.icon'),
  status: {
    type: 'string',
    sql: () => sql.ref('t.status'),
    values: ['Active', 'Disabled', 'Deleted'],
  },
  lastAccessAt: instant('t.last_access_at'),
  'account.id': text('a.id'),
  'account.name': text('a.name'),
  'account.type': text('a.type'),
  'audit.created.at': instant('t.created_at'),
  'audit.updated.at': instant('t.updated_at'),
  modules: {
    collection: (eb: ExpressionBuilder<any, any>) =>
      eb
        .selectFrom('api_token_modules as tm_f')
        .innerJoin('modules as m_f', 'm_f.id', 'tm_f.module_id')
        .whereRef('tm_f.api_token_id', '=', 't.id'),
    fields: { id: text('m_f.id'), name: text('m_f.name') },
  },
}

export const API_TOKEN_OUTPUT = [
  'id',
  'icon',
  'name',
  'description',
  'status',
  'token',
  'lastAccessAt',
  'account',
  'modules',
  'audit',
]
