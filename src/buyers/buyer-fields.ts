import type { ExpressionBuilder } from 'kysely'
import { addressFields, jsonMember } from '../accounts/account-fields.js'
import { type FieldMap, textColumn, dateColumn } from '../rql/rql-fields.js'
import { BUYER_STATUSES } from './buyer.js'

const text = textColumn
const instant = dateColumn

export const BUYER_FIELDS: FieldMap = {
  id: text('b.id'),
  name: text('b.name'),
  icon: text('b.icon'),
  status: { ...text('b.status'), values: BUYER_STATUSES },
  taxId: text('b.tax_id'),
  ...addressFields('b.address'),
  'contact.firstName': jsonMember('b.contact', 'firstName'),
  'contact.lastName': jsonMember('b.contact', 'lastName'),
  'contact.email': jsonMember('b.contact', 'email'),
  'externalIds.erpCompanyContact': jsonMember('b.external_ids', 'erpCompanyContact'),
  'externalIds.erpCustomer': jsonMember('b.external_ids', 'erpCustomer'),
  'externalIds.accountExternalId': jsonMember('b.external_ids', 'accountExternalId'),
  'account.id': text('a.id'),
  'account.name': text('a.name'),
  'account.type': text('a.type'),
  'account.status': text('a.status'),
  'audit.created.at': instant('b.created_at'),
  'audit.updated.at': instant('b.updated_at'),
  // `any(sellers,id=SEL-…)` (§11.6): the buyer's ERP links, seen from the buyer.
  sellers: {
    collection: (eb: ExpressionBuilder<any, any>) =>
      eb
        .selectFrom('erp_links as l_f')
        .innerJoin('sellers as s_f', 's_f.id', 'l_f.seller_id')
        .whereRef('l_f.buyer_id', '=', 'b.id'),
    fields: {
      id: text('s_f.id'),
      name: text('s_f.name'),
      externalId: text('s_f.external_id'),
      'erpLink.id': text('l_f.id'),
      'erpLink.status': text('l_f.status'),
    },
  },
}

/** Every output key; `errors` is Operations-only (§2) and dropped for everyone else. */
export const BUYER_OUTPUT = [
  'id',
  'name',
  'icon',
  'status',
  'address',
  'contact',
  'externalIds',
  'taxId',
  'account',
  'sellers',
  'errors',
  'audit',
]
export const BUYER_OUTPUT_WITHOUT_ERRORS = BUYER_OUTPUT.filter((key) => key !== 'errors')
