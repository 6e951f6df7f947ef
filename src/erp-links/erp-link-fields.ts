import { sql } from 'kysely'
import { addressFields, jsonMember } from '../accounts/account-fields.js'
import { type FieldMap, dateColumn, textColumn } from '../rql/rql-fields.js'
import { latestEventAt } from '../rql/audit-event-fields.js'
import { ERP_LINK_STATUSES } from './erp-link.js'

/** §11.10, without the Operations-only `note`: a Client can neither read nor filter it. */
export const ERP_LINK_FIELDS: FieldMap = {
  id: textColumn('l.id'),
  name: {
    type: 'string',
    sql: () => sql`(${sql.ref('b.name')} || ' - ' || ${sql.ref('s.name')})`,
  },
  icon: textColumn('l.icon'),
  status: { ...textColumn('l.status'), values: ERP_LINK_STATUSES },
  'buyer.id': textColumn('b.id'),
  'buyer.name': textColumn('b.name'),
  'seller.id': textColumn('s.id'),
  'seller.name': textColumn('s.name'),
  'seller.externalId': textColumn('s.external_id'),
  'externalIds.erpCompanyContact': jsonMember('l.external_ids', 'erpCompanyContact'),
  'externalIds.erpCustomer': jsonMember('l.external_ids', 'erpCustomer'),
  'externalIds.accountExternalId': jsonMember('l.external_ids', 'accountExternalId'),
  ...addressFields('l.address'),
  'audit.created.at': dateColumn('l.created_at'),
  'audit.updated.at': dateColumn('l.updated_at'),
  'audit.blocked.at': latestEventAt('erp-link', 'l.id', 'blocked'),
  'audit.unblocked.at': latestEventAt('erp-link', 'l.id', 'unblocked'),
}

export const ERP_LINK_FIELDS_WITH_NOTE: FieldMap = {
  ...ERP_LINK_FIELDS,
  note: textColumn('l.note'),
}

export const ERP_LINK_OUTPUT = [
  'id',
  'name',
  'icon',
  'status',
  'buyer',
  'seller',
  'externalIds',
  'address',
  'note',
  'audit',
]
export const ERP_LINK_OUTPUT_WITHOUT_NOTE = ERP_LINK_OUTPUT.filter((key) => key !== 'note')
