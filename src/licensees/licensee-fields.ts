import { sql } from 'kysely'
import { addressFields, jsonMember } from '../accounts/account-fields.js'
import { latestEventAt } from '../rql/audit-event-fields.js'
import {
  type CompileContext,
  type FieldMap,
  dateColumn,
  flagColumn,
  textColumn,
} from '../rql/rql-fields.js'
import { LICENSEE_STATUSES } from './licensee.js'

/** `contact.name`: first and last name joined as the presenter joins them (NULL when both are absent). */
function contactName(ctx: CompileContext) {
  const member = (key: string) =>
    ctx.dialect === 'sqlite'
      ? sql`coalesce(json_extract(lc.contact, ${sql.lit(`$.${key}`)}), '')`
      : sql`coalesce((lc.contact::jsonb ->> ${sql.lit(key)}), '')`
  return sql`nullif(trim(${member('firstName')} || ' ' || ${member('lastName')}), '')`
}

/** §11.10. */
export const LICENSEE_FIELDS: FieldMap = {
  id: textColumn('lc.id'),
  name: textColumn('lc.name'),
  externalId: textColumn('lc.external_id'),
  icon: textColumn('lc.icon'),
  status: { ...textColumn('lc.status'), values: LICENSEE_STATUSES },
  useBuyerAddress: flagColumn('lc.use_buyer_address'),
  description: textColumn('lc.description'),
  'account.id': textColumn('a.id'),
  'account.name': textColumn('a.name'),
  'buyer.id': textColumn('b.id'),
  'buyer.name': textColumn('b.name'),
  'seller.id': textColumn('s.id'),
  'seller.name': textColumn('s.name'),
  'seller.externalId': textColumn('s.external_id'),
  'eligibility.client': jsonMember('lc.eligibility', 'client', 'boolean'),
  'eligibility.partner': jsonMember('lc.eligibility', 'partner', 'boolean'),
  'contact.name': { type: 'string', sql: contactName },
  'contact.firstName': jsonMember('lc.contact', 'firstName'),
  'contact.lastName': jsonMember('lc.contact', 'lastName'),
  'contact.email': jsonMember('lc.contact', 'email'),
  ...addressFields('lc.address'),
  'audit.created.at': dateColumn('lc.created_at'),
  'audit.updated.at': dateColumn('lc.updated_at'),
  'audit.disabled.at': latestEventAt('licensee', 'lc.id', 'disabled'),
}

export const LICENSEE_OUTPUT = [
  'id',
  'name',
  'externalId',
  'icon',
  'status',
  'useBuyerAddress',
  'address',
  'description',
  'contact',
  'account',
  'buyer',
  'seller',
  'eligibility',
  'audit',
]
