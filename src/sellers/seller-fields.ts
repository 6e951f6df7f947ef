import { addressFields } from '../accounts/account-fields.js'
import { type FieldMap, dateColumn, textColumn } from '../rql/rql-fields.js'
import { SELLER_STATUSES } from './seller.js'

/** §11.10: `currencies` is select-only. */
export const SELLER_FIELDS: FieldMap = {
  id: textColumn('s.id'),
  name: textColumn('s.name'),
  externalId: textColumn('s.external_id'),
  icon: textColumn('s.icon'),
  status: { ...textColumn('s.status'), values: SELLER_STATUSES },
  ...addressFields('s.address'),
  'audit.created.at': dateColumn('s.created_at'),
  'audit.updated.at': dateColumn('s.updated_at'),
}

export const SELLER_OUTPUT = [
  'id',
  'name',
  'externalId',
  'icon',
  'status',
  'currencies',
  'address',
  'audit',
]
