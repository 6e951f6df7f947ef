import { sql, type Insertable, type Kysely, type Updateable } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { ACCOUNT_REF_COLUMNS, toAccountRef } from '../accounts/account-repository.js'
import type { Dialect } from '../db/connect.js'
import { parseJson, toDate } from '../db/rows.js'
import type { CloudTenantTable, Database } from '../db/schema.js'
import { insertWithUniqueId } from '../lib/ids.js'
import type { CloudTenant, CloudTenantStatus } from './cloud-tenant.js'

export function cloudTenantBase(db: Kysely<Database>) {
  return db.selectFrom('cloud_tenants as ct').innerJoin('accounts as a', 'a.id', 'ct.account_id')
}

export const CLOUD_TENANT_COLUMNS = [
  'ct.id',
  'ct.account_id',
  'ct.name',
  'ct.status',
  'ct.type',
  'ct.pyra_tenant_id',
  'ct.cloud_consumption_id',
  'ct.provider_id',
  'ct.created_at',
  'ct.created_by',
  'ct.updated_at',
  'ct.updated_by',
  ...ACCOUNT_REF_COLUMNS,
] as const

type Row = Omit<CloudTenantTable, 'created_at' | 'updated_at'> & {
  created_at: Date | string
  updated_at: Date | string | null
  a_name: string
  a_type: string
  a_status: string
  a_icon: string | null
}

export function toCloudTenant(row: Row): CloudTenant {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    type: row.type,
    account: toAccountRef(row.account_id, row),
    externalIds: {
      pyraTenantId: row.pyra_tenant_id,
      cloudConsumptionId: row.cloud_consumption_id,
      providerId: row.provider_id,
    },
    createdAt: toDate(row.created_at),
    createdBy: parseJson<ActorRef | null>(row.created_by, null),
    updatedAt: toDate(row.updated_at),
    updatedBy: parseJson<ActorRef | null>(row.updated_by, null),
  }
}

/** Up to two accounts whose `externalIds.pyraTenantId` is `pyraTenantId` (case-insensitive). */
export async function findAccountsByPyraTenantId(
  db: Kysely<Database>,
  dialect: Dialect,
  pyraTenantId: string,
) {
  const member =
    dialect === 'sqlite'
      ? sql<string>`lower(json_extract(external_ids, '$.pyraTenantId'))`
      : sql<string>`lower(external_ids::jsonb ->> 'pyraTenantId')`
  return db
    .selectFrom('accounts')
    .select(['id', 'type'])
    .where(member, '=', pyraTenantId.toLowerCase())
    .orderBy('id')
    .limit(2)
    .execute()
}

/** Whether a non-deleted tenant other than `exceptId` has the cloud consumption id. */
export async function isCloudConsumptionIdTaken(
  db: Kysely<Database>,
  cloudConsumptionId: string,
  exceptId?: string,
): Promise<boolean> {
  let query = db
    .selectFrom('cloud_tenants')
    .select('id')
    .where('cloud_consumption_id', '=', cloudConsumptionId)
    .where('status', '!=', 'Deleted')
  if (exceptId) query = query.where('id', '!=', exceptId)
  return (await query.executeTakeFirst()) !== undefined
}

export async function insertCloudTenant(
  db: Kysely<Database>,
  values: Omit<Insertable<CloudTenantTable>, 'id'>,
): Promise<string> {
  return insertWithUniqueId('cloudTenant', async (id) => {
    const row = await db
      .insertInto('cloud_tenants')
      .values({ ...values, id })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst()
    return row !== undefined
  })
}

/** Writes the columns while the tenant still has `expectedStatus`. */
export async function updateCloudTenantColumns(
  db: Kysely<Database>,
  id: string,
  columns: Omit<
    Updateable<CloudTenantTable>,
    'id' | 'type' | 'pyra_tenant_id' | 'cloud_consumption_id' | 'created_at' | 'created_by'
  >,
  expectedStatus: CloudTenantStatus,
): Promise<boolean> {
  const result = await db
    .updateTable('cloud_tenants')
    .set(columns)
    .where('id', '=', id)
    .where('status', '=', expectedStatus)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
