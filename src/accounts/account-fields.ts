import { sql, type ExpressionBuilder } from 'kysely'
import {
  type CompileContext,
  type FieldMap,
  type ScalarField,
  textColumn,
  dateColumn,
} from '../rql/rql-fields.js'
import { ACCOUNT_STATUSES, ACCOUNT_TYPES, SERVICE_LEVELS } from './account.js'

const text = textColumn
const instant = dateColumn

/**
 * A member of a JSON text column. The key is a literal from this file, never user input;
 * it is inlined because PostgreSQL cannot pick a `->>` overload for an untyped parameter.
 */
export function jsonMember(
  column: string,
  key: string,
  type: 'string' | 'boolean' = 'string',
): ScalarField {
  return {
    type,
    sql: (ctx: CompileContext) => {
      if (ctx.dialect === 'sqlite') {
        const value = sql`json_extract(${sql.ref(column)}, ${sql.lit(`$.${key}`)})`
        return type === 'boolean' ? sql`(CASE WHEN ${value} THEN 1 ELSE 0 END)` : value
      }
      const value = sql`(${sql.ref(column)}::jsonb ->> ${sql.lit(key)})`
      return type === 'boolean' ? sql`(CASE WHEN ${value} = 'true' THEN 1 ELSE 0 END)` : value
    },
  }
}

/** `address.*` of an `Address` JSON column. */
export function addressFields(column: string): FieldMap {
  const keys = ['addressLine1', 'addressLine2', 'postCode', 'city', 'state', 'country']
  return Object.fromEntries(keys.map((key) => [`address.${key}`, jsonMember(column, key)]))
}

export const ACCOUNT_FIELDS: FieldMap = {
  id: text('a.id'),
  name: text('a.name'),
  type: { ...text('a.type'), values: ACCOUNT_TYPES },
  status: { ...text('a.status'), values: ACCOUNT_STATUSES },
  icon: text('a.icon'),
  externalId: text('a.external_id'),
  externalName: text('a.external_name'),
  'externalIds.pyraTenantId': jsonMember('a.external_ids', 'pyraTenantId'),
  serviceLevel: { ...text('a.service_level'), values: SERVICE_LEVELS },
  ...addressFields('a.address'),
  technicalSupportEmail: text('a.technical_support_email'),
  website: text('a.website'),
  description: text('a.description'),
  'eligibility.client': jsonMember('a.eligibility', 'client', 'boolean'),
  'eligibility.partner': jsonMember('a.eligibility', 'partner', 'boolean'),
  'settings.invitations.selfRenew': {
    type: 'boolean',
    sql: (ctx: CompileContext) =>
      ctx.dialect === 'sqlite'
        ? sql`(CASE WHEN json_extract(${sql.ref('a.settings')}, '$.invitations.selfRenew') THEN 1 ELSE 0 END)`
        : sql`(CASE WHEN (${sql.ref('a.settings')}::jsonb -> 'invitations' ->> 'selfRenew') = 'true' THEN 1 ELSE 0 END)`,
  },
  'audit.created.at': instant('a.created_at'),
  'audit.updated.at': instant('a.updated_at'),
  groups: {
    collection: (eb: ExpressionBuilder<any, any>) =>
      eb.selectFrom('user_groups as g_f').whereRef('g_f.account_id', '=', 'a.id'),
    fields: {
      id: text('g_f.id'),
      name: text('g_f.name'),
      isDefault: { type: 'boolean', sql: () => sql.ref('g_f.is_default') },
    },
  },
}

export const ACCOUNT_OUTPUT = [
  'id',
  'name',
  'type',
  'status',
  'icon',
  'externalId',
  'externalName',
  'externalIds',
  'serviceLevel',
  'address',
  'technicalSupportEmail',
  'website',
  'description',
  'groups',
  'eligibility',
  'settings',
  'audit',
]
