import type { Static } from '@sinclair/typebox'
import type { Kysely, Updateable } from 'kysely'
import { actorRef, isOperations, visibleAccountId, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import type { AccountTable, Database } from '../db/schema.js'
import { AppError, validationError } from '../errors.js'
import { storeIcon } from '../icons/icon-store.js'
import { checkPersonInput } from '../users/person-input.js'
import type { Clock } from '../lib/clock.js'
import { embeddedReferences } from '../references/embedded-references.js'
import { projectWithReferences } from '../rql/rql-select.js'
import { DEFAULT_SERVICE_LEVEL, enabledStatusOf } from './account.js'
import { ACCOUNT_FIELDS, ACCOUNT_OUTPUT } from './account-fields.js'
import { presentAccount } from './account-presenter.js'
import {
  ACCOUNT_COLUMNS,
  accountBase,
  hydrateAccounts,
  insertDefaultUserGroup,
  newAccountId,
  updateAccountColumns,
  type AccountRecord,
} from './account-repository.js'
import type {
  CreateAccountBody,
  UpdateAccountBody,
  ValidateAccountBody,
} from './account-schemas.js'
import { createAccountStatusUseCases } from './account-status-service.js'

type Upload = { data: Buffer } | undefined
type CreateInput = Static<typeof CreateAccountBody> & { actor: Actor; upload?: Upload }
type UpdateInput = Static<typeof UpdateAccountBody> & { actor: Actor; id: string; upload?: Upload }

/** Reads one account; `actor` undefined means unscoped (re-reading what was just written). */
export type GetAccount = (
  executor: Kysely<Database>,
  actor: Actor | undefined,
  id: string,
) => Promise<AccountRecord>

export function createAccountService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
  onStatusChanged?: () => void
}) {
  const { db, clock, dialect } = deps
  const references = embeddedReferences(db, { groups: { kind: 'group' } })
  const SPEC = {
    fields: ACCOUNT_OUTPUT,
    omittedByDefault: ['audit'],
    expandable: references.expandable,
  }

  /** Non-Operations callers see their own account only (decision 20). */
  function scoped(executor: Kysely<Database>, actor: Actor | undefined) {
    const scope = actor ? visibleAccountId(actor) : undefined
    return scope ? accountBase(executor).where('a.id', '=', scope) : accountBase(executor)
  }

  const getAccount: GetAccount = async (executor, actor, id) => {
    const row = await scoped(executor, actor)
      .select(ACCOUNT_COLUMNS)
      .where('a.id', '=', id)
      .executeTakeFirst()
    if (!row) throw new AppError('ACCOUNT_NOT_FOUND')
    return (await hydrateAccounts(executor, [row]))[0]!
  }

  function trimmedName(name: string): string {
    const trimmed = name.trim()
    if (!trimmed) throw validationError({ name: ['Must not be empty.'] })
    return trimmed
  }

  /** The columns of the editable members present in a create or update body. */
  function editableColumns(
    input: Static<typeof UpdateAccountBody>,
    canManage: boolean,
  ): Updateable<AccountTable> {
    const json = (value: unknown) => (value === null ? null : JSON.stringify(value))
    // The one email rule of every endpoint (issue #12): a single bare address, normalised.
    const check = checkPersonInput()
    const supportEmail = check.email('technicalSupportEmail', input.technicalSupportEmail)
    check.assertValid()
    return {
      ...(input.name !== undefined ? { name: trimmedName(input.name) } : {}),
      ...(input.address !== undefined ? { address: json(input.address) } : {}),
      ...(input.technicalSupportEmail !== undefined
        ? { technical_support_email: supportEmail ?? null }
        : {}),
      ...(input.website !== undefined ? { website: input.website } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      // Service level, eligibility and external ids are SoftwareOne's to set: others' values are ignored.
      ...(canManage && input.serviceLevel !== undefined
        ? { service_level: input.serviceLevel }
        : {}),
      ...(canManage && input.externalIds !== undefined
        ? {
            external_ids: json(
              input.externalIds && { pyraTenantId: input.externalIds.pyraTenantId ?? null },
            ),
          }
        : {}),
      ...(canManage && input.eligibility !== undefined
        ? {
            eligibility: json(
              input.eligibility && {
                client: input.eligibility.client ?? false,
                partner: input.eligibility.partner ?? false,
              },
            ),
          }
        : {}),
      ...(input.settings?.invitations?.selfRenew !== undefined
        ? {
            settings: JSON.stringify({
              invitations: { selfRenew: input.settings.invitations.selfRenew },
            }),
          }
        : {}),
    }
  }

  return {
    /** Creates the account and its default "Administrators" user group, in one transaction. */
    async create(input: CreateInput) {
      const columns = editableColumns(input, true)
      return db.transaction().execute(async (trx) => {
        const id = await newAccountId(trx)
        const at = clock.now()
        const now = at.toISOString()
        const by = actorRef(input.actor)
        const icon = input.upload ? await storeIcon(trx, { clock }, input.upload, 'logo', id) : null
        const externalId = input.externalId?.trim() || null
        await trx
          .insertInto('accounts')
          .values({
            id,
            name: columns.name!,
            type: input.type,
            status: enabledStatusOf(input.type, externalId),
            icon,
            external_id: externalId,
            external_name: input.externalName ?? null,
            external_ids: columns.external_ids ?? null,
            service_level: input.serviceLevel ?? DEFAULT_SERVICE_LEVEL,
            address: columns.address ?? null,
            technical_support_email: columns.technical_support_email ?? null,
            website: columns.website ?? null,
            description: columns.description ?? null,
            eligibility: columns.eligibility ?? null,
            settings: columns.settings ?? null,
            created_at: now,
            created_by: JSON.stringify(by),
            updated_at: null,
            updated_by: null,
          })
          .execute()
        const groupId = await insertDefaultUserGroup(
          trx,
          { id, type: input.type },
          { at: now, by: JSON.stringify(by) },
        )
        await recordAuditEvents(trx, [
          { objectType: 'account', objectId: id, accountId: id, event: 'created', at, by },
          { objectType: 'user-group', objectId: groupId, accountId: id, event: 'created', at, by },
        ])
        return presentAccount(await getAccount(trx, undefined, id))
      })
    },

    async list(input: { actor: Actor; rawQuery: string }) {
      return serveList({
        rawQuery: input.rawQuery,
        output: SPEC,
        expand: references.expand,
        base: scoped(db, input.actor),
        fields: ACCOUNT_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'a.id',
        columns: (qb) => qb.select(ACCOUNT_COLUMNS),
        hydrate: (rows) => hydrateAccounts(db, rows),
        present: presentAccount,
      })
    },

    async get(input: { actor: Actor; id: string; rawQuery: string }) {
      const account = await getAccount(db, input.actor, input.id)
      return projectWithReferences(input.rawQuery, SPEC, presentAccount(account), references.expand)
    },

    async assertExists(input: { actor: Actor; id: string }) {
      await getAccount(db, input.actor, input.id)
    },

    async update(input: UpdateInput) {
      const columns = editableColumns(input, isOperations(input.actor))
      return db.transaction().execute(async (trx) => {
        await getAccount(trx, input.actor, input.id)
        const now = clock.now()
        const by = actorRef(input.actor)
        const icon = input.upload
          ? await storeIcon(trx, { clock }, input.upload, 'logo', input.id)
          : undefined
        await updateAccountColumns(trx, input.id, {
          ...columns,
          ...(icon ? { icon } : {}),
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        })
        await recordAuditEvents(trx, [
          {
            objectType: 'account',
            objectId: input.id,
            accountId: input.id,
            event: 'updated',
            at: now,
            by,
          },
        ])
        return presentAccount(await getAccount(trx, undefined, input.id))
      })
    },

    /** Checks a would-be account body (the schema already did) against the account; changes nothing. */
    async validate(input: Static<typeof ValidateAccountBody> & { actor: Actor; id: string }) {
      if (input.name !== undefined) trimmedName(input.name)
      const check = checkPersonInput()
      check.email('technicalSupportEmail', input.technicalSupportEmail)
      check.assertValid()
      return presentAccount(await getAccount(db, input.actor, input.id))
    },

    /** The stored logo path of any account (icons are public), or null when it has none. */
    async iconOf(input: { id: string }) {
      const row = await accountBase(db)
        .select('a.icon')
        .where('a.id', '=', input.id)
        .executeTakeFirst()
      if (!row) throw new AppError('ACCOUNT_NOT_FOUND')
      return row.icon
    },

    ...createAccountStatusUseCases({
      db,
      clock,
      getAccount,
      onStatusChanged: deps.onStatusChanged,
    }),
  }
}

export type AccountService = ReturnType<typeof createAccountService>
