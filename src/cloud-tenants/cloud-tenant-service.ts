import type { Static } from '@sinclair/typebox'
import type { Kysely } from 'kysely'
import { actorRef, type Actor } from '../access/actor.js'
import { findAccountRef } from '../accounts/account-repository.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import { isUniqueViolation } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { auditEvent } from '../lib/audit-event.js'
import { projectForQuery } from '../rql/rql-select.js'
import type { CloudTenant } from './cloud-tenant.js'
import { CLOUD_TENANT_FIELDS, CLOUD_TENANT_OUTPUT } from './cloud-tenant-fields.js'
import {
  CLOUD_TENANT_COLUMNS,
  cloudTenantBase,
  findAccountsByPyraTenantId,
  insertCloudTenant,
  isCloudConsumptionIdTaken,
  toCloudTenant,
  updateCloudTenantColumns,
} from './cloud-tenant-repository.js'
import type { CreateCloudTenantBody, UpdateCloudTenantBody } from './cloud-tenant-schemas.js'

const VIEW = { fields: CLOUD_TENANT_OUTPUT, omittedByDefault: ['audit'] }

function present(tenant: CloudTenant): Record<string, unknown> {
  return {
    id: tenant.id,
    name: tenant.name,
    status: tenant.status,
    type: tenant.type,
    account: tenant.account,
    externalIds: tenant.externalIds,
    audit: {
      created: auditEvent(tenant.createdAt, tenant.createdBy),
      ...(tenant.updatedAt ? { updated: auditEvent(tenant.updatedAt, tenant.updatedBy) } : {}),
    },
  }
}

function accountInvalid(detail: string, property: string): AppError {
  return ruleError('CLOUD_TENANT_ACCOUNT_INVALID', detail, [property])
}

function duplicate(): AppError {
  return ruleError(
    'CLOUD_TENANT_DUPLICATE',
    'Another cloud tenant already has this cloud consumption id.',
    ['externalIds.cloudConsumptionId'],
  )
}

/** A clash found before writing, or one a concurrent write won (the partial unique index). */
async function guardDuplicate<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate()
    throw error
  }
}

/** Cloud tenants (§11.5): Operations only (decision 45), so nothing here is scoped. */
export function createCloudTenantService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
}) {
  const { db, clock, dialect } = deps

  async function getTenant(executor: Kysely<Database>, id: string): Promise<CloudTenant> {
    const row = await cloudTenantBase(executor)
      .select(CLOUD_TENANT_COLUMNS)
      .where('ct.id', '=', id)
      .executeTakeFirst()
    if (!row) throw new AppError('CLOUD_TENANT_NOT_FOUND')
    return toCloudTenant(row)
  }

  /** The owning Client account: the one named, or the one with the tenant's PYC id (decision 46). */
  async function owningAccount(
    trx: Kysely<Database>,
    account: { id: string } | undefined,
    pyraTenantId: string,
  ): Promise<string> {
    if (account) {
      const found = await findAccountRef(trx, account.id)
      if (!found) throw accountInvalid(`No account ${account.id}.`, 'account.id')
      if (found.type !== 'Client')
        throw accountInvalid(
          `${account.id} is a ${found.type} account, not a Client.`,
          'account.id',
        )
      return found.id
    }
    const candidates = await findAccountsByPyraTenantId(trx, dialect, pyraTenantId)
    if (candidates.length !== 1) {
      throw accountInvalid(
        candidates.length === 0
          ? `No account has the PyraCloud tenant id ${pyraTenantId}; name the account.`
          : `Several accounts have the PyraCloud tenant id ${pyraTenantId}; name the account.`,
        'externalIds.pyraTenantId',
      )
    }
    const only = candidates[0]!
    if (only.type !== 'Client')
      throw accountInvalid(`${only.id} is a ${only.type} account, not a Client.`, 'account.id')
    return only.id
  }

  return {
    async create(input: Static<typeof CreateCloudTenantBody> & { actor: Actor }) {
      const name = input.name.trim()
      if (!name) throw validationError({ name: ['Must not be empty.'] })
      const pyraTenantId = input.externalIds.pyraTenantId.toLowerCase()
      const cloudConsumptionId = input.externalIds.cloudConsumptionId.toLowerCase()
      return guardDuplicate(() =>
        db.transaction().execute(async (trx) => {
          const accountId = await owningAccount(trx, input.account, pyraTenantId)
          if (await isCloudConsumptionIdTaken(trx, cloudConsumptionId)) throw duplicate()
          const now = clock.now()
          const by = actorRef(input.actor)
          const id = await insertCloudTenant(trx, {
            account_id: accountId,
            name,
            status: input.status ?? 'Active',
            type: input.type ?? null,
            pyra_tenant_id: pyraTenantId,
            cloud_consumption_id: cloudConsumptionId,
            provider_id: input.externalIds.providerId ?? null,
            created_at: now.toISOString(),
            created_by: JSON.stringify(by),
            updated_at: null,
            updated_by: null,
          })
          await recordAuditEvents(trx, [
            { objectType: 'cloud-tenant', objectId: id, accountId, event: 'created', at: now, by },
          ])
          return present(await getTenant(trx, id))
        }),
      )
    },

    async list(input: { actor: Actor; rawQuery: string }) {
      return serveList({
        rawQuery: input.rawQuery,
        output: VIEW,
        base: cloudTenantBase(db),
        fields: CLOUD_TENANT_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'ct.id',
        columns: (qb) => qb.select(CLOUD_TENANT_COLUMNS),
        hydrate: async (rows) => rows.map(toCloudTenant),
        present,
      })
    },

    async get(input: { id: string; rawQuery: string }) {
      return projectForQuery(input.rawQuery, VIEW, present(await getTenant(db, input.id)))
    },

    async assertExists(input: { id: string }) {
      await getTenant(db, input.id)
    },

    /** name, status (Active ⇄ Disabled), provider id and owning account; the rest is fixed. */
    async update(input: { actor: Actor; id: string; body: Static<typeof UpdateCloudTenantBody> }) {
      const { body } = input
      return db.transaction().execute(async (trx) => {
        const current = await getTenant(trx, input.id)
        if (current.status === 'Deleted') {
          throw ruleError(
            'CLOUD_TENANT_STATUS_INVALID',
            'The cloud tenant is Deleted; it cannot be changed.',
            ['status'],
            { status: current.status },
          )
        }
        const fixed: Record<string, string[]> = {}
        const differs = (given: string | null | undefined, stored: string | null) =>
          given !== undefined && given !== stored
        // uuids are stored lower-cased; the same uuid in capitals is the same value
        const lower = (value: string | undefined) => value?.toLowerCase()
        if (differs(body.id, current.id)) fixed.id = ['Cannot be changed.']
        if (differs(body.type, current.type)) fixed.type = ['Set on create only.']
        const ids = body.externalIds
        if (differs(lower(ids?.pyraTenantId), current.externalIds.pyraTenantId))
          fixed['externalIds.pyraTenantId'] = ['Set on create only.']
        if (differs(lower(ids?.cloudConsumptionId), current.externalIds.cloudConsumptionId))
          fixed['externalIds.cloudConsumptionId'] = ['Set on create only.']
        if (Object.keys(fixed).length > 0) throw validationError(fixed)
        const name = body.name?.trim()
        if (name === '') throw validationError({ name: ['Must not be empty.'] })
        const accountId =
          body.account && body.account.id !== current.account.id
            ? await owningAccount(trx, body.account, current.externalIds.pyraTenantId)
            : undefined
        const now = clock.now()
        const by = actorRef(input.actor)
        const changed = await updateCloudTenantColumns(
          trx,
          input.id,
          {
            ...(name ? { name } : {}),
            ...(body.status ? { status: body.status } : {}),
            ...(ids?.providerId !== undefined ? { provider_id: ids.providerId } : {}),
            ...(accountId ? { account_id: accountId } : {}),
            updated_at: now.toISOString(),
            updated_by: JSON.stringify(by),
          },
          current.status,
        )
        if (!changed) throw new AppError('CONCURRENT_UPDATE')
        await recordAuditEvents(trx, [
          {
            objectType: 'cloud-tenant',
            objectId: input.id,
            accountId: accountId ?? current.account.id,
            event: 'updated',
            at: now,
            by,
          },
        ])
        return present(await getTenant(trx, input.id))
      })
    },

    /** Soft delete; a deleted tenant answers 404 to a second DELETE (decision 47). */
    async remove(input: { actor: Actor; id: string }) {
      await db.transaction().execute(async (trx) => {
        const current = await getTenant(trx, input.id)
        if (current.status === 'Deleted') throw new AppError('CLOUD_TENANT_NOT_FOUND')
        const now = clock.now()
        const by = actorRef(input.actor)
        const changed = await updateCloudTenantColumns(
          trx,
          input.id,
          { status: 'Deleted', updated_at: now.toISOString(), updated_by: JSON.stringify(by) },
          current.status,
        )
        if (!changed) throw new AppError('CONCURRENT_UPDATE')
        await recordAuditEvents(trx, [
          {
            objectType: 'cloud-tenant',
            objectId: input.id,
            accountId: current.account.id,
            event: 'deleted',
            at: now,
            by,
          },
        ])
      })
    },
  }
}

export type CloudTenantService = ReturnType<typeof createCloudTenantService>
