import { type FieldMap, dateColumn, textColumn } from '../rql/rql-fields.js'
import { CLOUD_TENANT_STATUSES, CLOUD_TENANT_TYPES } from './cloud-tenant.js'

/** §11.10. */
export const CLOUD_TENANT_FIELDS: FieldMap = {
  id: textColumn('ct.id'),
  name: textColumn('ct.name'),
  status: { ...textColumn('ct.status'), values: CLOUD_TENANT_STATUSES },
  type: { ...textColumn('ct.type'), values: CLOUD_TENANT_TYPES },
  'account.id': textColumn('a.id'),
  'account.name': textColumn('a.name'),
  'externalIds.pyraTenantId': textColumn('ct.pyra_tenant_id'),
  'externalIds.cloudConsumptionId': textColumn('ct.cloud_consumption_id'),
  'externalIds.providerId': textColumn('ct.provider_id'),
  'audit.created.at': dateColumn('ct.created_at'),
  'audit.updated.at': dateColumn('ct.updated_at'),
}

export const CLOUD_TENANT_OUTPUT = [
  'id',
  'name',
  'status',
  'type',
  'account',
  'externalIds',
  'audit',
]
