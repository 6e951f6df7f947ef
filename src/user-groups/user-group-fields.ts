import { sql, type ExpressionBuilder } from 'kysely'
import { type FieldMap, textColumn } from '../rql/rql-fields.js'

const text = textColumn

export const USER_GROUP_FIELDS: FieldMap = {
  id: text('g.id'),
  name: text('g.name'),
  description: text('g.description'),
  logo: text('g.logo'),
  isDefault: { type: 'boolean', sql: () => sql.ref('g.is_default') },
  'account.id': text('a.id'),
  'account.name': text('a.name'),
  'account.type': text('a.type'),
  'audit.created.at': { type: 'date', sql: () => sql.ref('g.created_at') },
  'audit.updated.at': { type: 'date', sql: () => sql.ref('g.updated_at') },
  modules: {
    collection: (eb: ExpressionBuilder<any, any>) =>
      eb
        .selectFrom('user_group_modules as gm_f')
        .innerJoin('modules as m_f', 'm_f.id', 'gm_f.module_id')
        .whereRef('gm_f.user_group_id', '=', 'g.id'),
    fields: { id: text('m_f.id'), name: text('m_f.name') },
  },
  buyers: {
    collection: (eb: ExpressionBuilder<any, any>) =>
      eb
        .selectFrom('user_group_buyers as gb_f')
        .innerJoin('buyers as b_f', 'b_f.id', 'gb_f.buyer_id')
        .whereRef('gb_f.user_group_id', '=', 'g.id'),
    fields: { id: text('b_f.id'), name: text('b_f.name') },
  },
  users: {
    collection: (eb: ExpressionBuilder<any, any>) =>
      eb
        .selectFrom('account_user_groups as aug_f')
        .innerJoin('account_users as au_f', 'au_f.id', 'aug_f.account_user_id')
        .whereRef('aug_f.user_group_id', '=', 'g.id'),
    fields: { id: text('au_f.user_id'), email: text('au_f.user_email_key') },
  },
}

export const USER_GROUP_OUTPUT = [
  'id',
  'name',
  'description',
  'logo',
  'isDefault',
  'account',
  'modules',
  'buyers',
  'users',
  'audit',
]

/** The group's users are a list without bound: read only when selected (`select=users`). */
export const USER_GROUP_OMITTED = ['users', 'audit']
