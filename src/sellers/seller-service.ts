import type { Static } from '@sinclair/typebox'
import type { Kysely } from 'kysely'
import { actorRef, visibleAccountId, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import { isUniqueViolation } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import type { Upload } from '../http/multipart.js'
import { removeIcon, storeIcon } from '../icons/icon-store.js'
import type { Clock } from '../lib/clock.js'
import { projectForQuery } from '../rql/rql-select.js'
import { SELLER_ACTIONS, type Seller, type SellerAction } from './seller.js'
import { currenciesFromInput } from './seller-currencies.js'
import { SELLER_FIELDS } from './seller-fields.js'
import { presentSeller, SELLER_VIEW } from './seller-presenter.js'
import {
  externalIdKey,
  insertSeller,
  isExternalIdTaken,
  isSellerInUse,
  SELLER_COLUMNS,
  sellerBase,
  sellerVisibleTo,
  toSeller,
  updateSellerColumns,
} from './seller-repository.js'
import type { SellerBody } from './seller-schemas.js'

type SellerInput = Static<typeof SellerBody> & { actor: Actor; upload?: Upload | undefined }

const PAST: Record<SellerAction, string> = {
  activate: 'activated',
  deactivate: 'deactivated',
  disable: 'disabled',
  delete: 'deleted',
}

export function createSellerService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
}) {
  const { db, clock, dialect } = deps

  /** §11.9: Operations sees every seller, Deleted too; a Client those of its buyers and licensees. */
  function scoped(executor: Kysely<Database>, actor: Actor | undefined) {
    const scope = actor ? visibleAccountId(actor) : undefined
    const base = sellerBase(executor)
    return scope ? base.where((eb) => sellerVisibleTo(eb, scope)) : base
  }

  async function getSeller(
    executor: Kysely<Database>,
    actor: Actor | undefined,
    id: string,
  ): Promise<Seller> {
    const row = await scoped(executor, actor)
      .select(SELLER_COLUMNS)
      .where('s.id', '=', id)
      .executeTakeFirst()
    if (!row) throw new AppError('SELLER_NOT_FOUND')
    return toSeller(row)
  }

  function refuse(seller: Seller, doing: string): AppError {
    return ruleError(
      'SELLER_STATUS_INVALID',
      `The seller is ${seller.status}; it cannot be ${doing}.`,
      ['status'],
      { status: seller.status },
    )
  }

  /** A clash found before writing, or one a concurrent write won (the partial unique index). */
  async function guardExternalId<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (isUniqueViolation(error)) throw externalIdTaken()
      throw error
    }
  }

  function columnsOf(input: SellerInput, previous?: Seller) {
    const name = input.name.trim()
    if (!name) throw validationError({ name: ['Must not be empty.'] })
    const currencies = currenciesFromInput(input, previous?.currencies)
    // Absent members keep their stored value; null clears a nullable one.
    const externalId =
      input.externalId === undefined ? previous?.externalId : input.externalId?.trim() || null
    const address = input.address === undefined ? previous?.address : input.address
    return {
      name,
      currencies: JSON.stringify(currencies),
      external_id: externalId ?? null,
      external_id_key: externalIdKey(externalId),
      address: address ? JSON.stringify(address) : null,
    }
  }

  async function transition(actor: Actor, id: string, action: SellerAction) {
    return db.transaction().execute(async (trx) => {
      const current = await getSeller(trx, actor, id)
      const rule = SELLER_ACTIONS[action]
      if (!rule.from.includes(current.status)) throw refuse(current, PAST[action])
      if (action === 'delete' && (await isSellerInUse(trx, id))) {
        throw ruleError(
          'SELLER_IN_USE',
          'The seller is still named by a licensee or linked to a buyer; it cannot be deleted.',
          ['id'],
        )
      }
      const now = clock.now()
      const by = actorRef(actor)
      const changed = await updateSellerColumns(
        trx,
        id,
        {
          status: rule.to,
          // A deleted seller's logo goes with it (issue #12): nothing serves it any more.
          ...(rule.to === 'Deleted' ? { icon: null } : {}),
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        },
        current.status,
      )
      if (!changed) throw new AppError('CONCURRENT_UPDATE')
      if (rule.to === 'Deleted') await removeIcon(trx, id)
      await recordAuditEvents(trx, [
        { objectType: 'seller', objectId: id, accountId: null, event: rule.event, at: now, by },
      ])
      return presentSeller(await getSeller(trx, undefined, id))
    })
  }

  type Target = { actor: Actor; id: string }
  return {
    /** A new seller is always Active (§11.2). */
    async create(input: SellerInput) {
      const columns = columnsOf(input)
      return guardExternalId(() =>
        db.transaction().execute(async (trx) => {
          if (columns.external_id_key && (await isExternalIdTaken(trx, columns.external_id_key)))
            throw externalIdTaken()
          const now = clock.now()
          const by = actorRef(input.actor)
          const id = await insertSeller(trx, {
            ...columns,
            icon: null,
            status: 'Active',
            created_at: now.toISOString(),
            created_by: JSON.stringify(by),
            updated_at: null,
            updated_by: null,
          })
          // The icon is owned by the new seller, so it is stored once the id exists (issue #12).
          if (input.upload) {
            const icon = await storeIcon(trx, { clock }, input.upload, 'logo', id)
            await updateSellerColumns(trx, id, { icon }, 'Active')
          }
          await recordAuditEvents(trx, [
            { objectType: 'seller', objectId: id, accountId: null, event: 'created', at: now, by },
          ])
          return presentSeller(await getSeller(trx, undefined, id))
        }),
      )
    },

    async list(input: { actor: Actor; rawQuery: string }) {
      return serveList({
        rawQuery: input.rawQuery,
        output: SELLER_VIEW,
        base: scoped(db, input.actor),
        fields: SELLER_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 's.id',
        columns: (qb) => qb.select(SELLER_COLUMNS),
        hydrate: async (rows) => rows.map(toSeller),
        present: presentSeller,
      })
    },

    async get(input: Target & { rawQuery: string }) {
      const seller = await getSeller(db, input.actor, input.id)
      return projectForQuery(input.rawQuery, SELLER_VIEW, presentSeller(seller))
    },

    async assertExists(input: Target) {
      await getSeller(db, input.actor, input.id)
    },

    async update(input: SellerInput & { id: string }) {
      return guardExternalId(() =>
        db.transaction().execute(async (trx) => {
          const current = await getSeller(trx, input.actor, input.id)
          if (current.status === 'Deleted') throw refuse(current, 'changed')
          const columns = columnsOf(input, current)
          if (
            columns.external_id_key &&
            (await isExternalIdTaken(trx, columns.external_id_key, input.id))
          )
            throw externalIdTaken()
          const now = clock.now()
          const by = actorRef(input.actor)
          const icon = input.upload
            ? await storeIcon(trx, { clock }, input.upload, 'logo', input.id)
            : undefined
          const changed = await updateSellerColumns(
            trx,
            input.id,
            {
              ...columns,
              ...(icon ? { icon } : {}),
              updated_at: now.toISOString(),
              updated_by: JSON.stringify(by),
            },
            current.status,
          )
          if (!changed) throw new AppError('CONCURRENT_UPDATE')
          await recordAuditEvents(trx, [
            {
              objectType: 'seller',
              objectId: input.id,
              accountId: null,
              event: 'updated',
              at: now,
              by,
            },
          ])
          return presentSeller(await getSeller(trx, undefined, input.id))
        }),
      )
    },

    activate: (input: Target) => transition(input.actor, input.id, 'activate'),
    deactivate: (input: Target) => transition(input.actor, input.id, 'deactivate'),
    disable: (input: Target) => transition(input.actor, input.id, 'disable'),
    /** Soft delete (decision 28): from Active, Offline or Disabled, while nothing uses it. */
    remove: async (input: Target) => {
      await transition(input.actor, input.id, 'delete')
    },

    /** The logo path of a seller that is not deleted (icons are public, decision 29). */
    async iconOf(input: { id: string }) {
      const row = await db
        .selectFrom('sellers')
        .select('icon')
        .where('id', '=', input.id)
        .where('status', '!=', 'Deleted')
        .executeTakeFirst()
      if (!row) throw new AppError('SELLER_NOT_FOUND')
      return row.icon
    },
  }
}

function externalIdTaken(): AppError {
  return ruleError('SELLER_EXTERNAL_ID_TAKEN', 'Another seller already has this external id.', [
    'externalId',
  ])
}

export type SellerService = ReturnType<typeof createSellerService>
