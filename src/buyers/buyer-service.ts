import type { Static } from '@sinclair/typebox'
import type { Kysely, Updateable } from 'kysely'
import { actorRef, isOperations, visibleAccountId, type Actor } from '../access/actor.js'
import { findAccountRef } from '../accounts/account-repository.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import type { BuyerTable, Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import { storeIcon } from '../icons/icon-store.js'
import { checkPersonInput } from '../users/person-input.js'
import type { Clock } from '../lib/clock.js'
import { projectForQuery } from '../rql/rql-select.js'
import type { Buyer } from './buyer.js'
import { BUYER_FIELDS } from './buyer-fields.js'
import { buyerView } from './buyer-presenter.js'
import {
  BUYER_COLUMNS,
  buyerBase,
  hydrateBuyers,
  newBuyerId,
  updateBuyerColumns,
} from './buyer-repository.js'
import type { CreateBuyerBody, UpdateBuyerBody } from './buyer-schemas.js'
import { createBuyerStatusUseCases } from './buyer-status-service.js'

type Upload = { data: Buffer } | undefined
type UpdateInput = Static<typeof UpdateBuyerBody> & { actor: Actor; id: string; upload?: Upload }

/** Reads one buyer; `actor` undefined means unscoped (re-reading what was just written). */
export type GetBuyer = (
  executor: Kysely<Database>,
  actor: Actor | undefined,
  id: string,
) => Promise<Buyer>

export function createBuyerService(deps: { db: Kysely<Database>; clock: Clock; dialect: Dialect }) {
  const { db, clock, dialect } = deps

  /** A Client sees its own buyers, never deleted ones; Operations sees all (decision 20). */
  function scoped(executor: Kysely<Database>, actor: Actor | undefined) {
    const scope = actor ? visibleAccountId(actor) : undefined
    const base = buyerBase(executor)
    return scope ? base.where('b.account_id', '=', scope).where('b.status', '!=', 'Deleted') : base
  }

  const getBuyer: GetBuyer = async (executor, actor, id) => {
    const row = await scoped(executor, actor)
      .select(BUYER_COLUMNS)
      .where('b.id', '=', id)
      .executeTakeFirst()
    if (!row) throw new AppError('BUYER_NOT_FOUND')
    return (await hydrateBuyers(executor, [row]))[0]!
  }

  /** The columns of the editable members; ERP external ids are SoftwareOne's to set. */
  function editableColumns(
    input: Static<typeof UpdateBuyerBody>,
    actor: Actor,
  ): Updateable<BuyerTable> {
    const name = input.name.trim()
    if (!name) throw validationError({ name: ['Must not be empty.'] })
    const json = (value: unknown) =>
      value === null || value === undefined ? null : JSON.stringify(value)
    // The one email rule of every endpoint (issue #12): a single bare address, normalised.
    const check = checkPersonInput()
    const contactEmail = check.email('contact.email', input.contact?.email)
    check.assertValid()
    const contact =
      input.contact && contactEmail ? { ...input.contact, email: contactEmail } : input.contact
    return {
      name,
      address: json(input.address),
      ...(contact !== undefined ? { contact: json(contact) } : {}),
      ...(input.taxId !== undefined ? { tax_id: input.taxId } : {}),
      ...(input.sellers !== undefined ? { sellers: json(input.sellers) } : {}),
      ...(input.externalIds !== undefined && isOperations(actor)
        ? { external_ids: json(input.externalIds) }
        : {}),
    }
  }

  return {
    /** Creates an `Enabled` buyer of a Client account (Operations only, by the permission table). */
    async create(input: Static<typeof CreateBuyerBody> & { actor: Actor; upload?: Upload }) {
      const columns = editableColumns(input, input.actor)
      return db.transaction().execute(async (trx) => {
        const account = await findAccountRef(trx, input.account.id)
        if (!account) throw validationError({ 'account.id': ['Unknown account.'] })
        if (account.type !== 'Client') {
          throw ruleError(
            'BUYER_ACCOUNT_INVALID',
            `Buyers belong to Client accounts; ${account.id} is a ${account.type} account.`,
            ['account.id'],
            { type: account.type },
          )
        }
        const id = await newBuyerId(trx)
        const now = clock.now()
        const by = actorRef(input.actor)
        const icon = input.upload ? await storeIcon(trx, { clock }, input.upload, 'logo', id) : null
        await trx
          .insertInto('buyers')
          .values({
            id,
            account_id: account.id,
            name: columns.name!,
            icon,
            status: 'Enabled',
            address: columns.address ?? null,
            contact: columns.contact ?? null,
            external_ids: columns.external_ids ?? null,
            tax_id: columns.tax_id ?? null,
            sellers: columns.sellers ?? null,
            created_at: now.toISOString(),
            created_by: JSON.stringify(by),
            updated_at: null,
            updated_by: null,
          })
          .execute()
        await recordAuditEvents(trx, [
          {
            objectType: 'buyer',
            objectId: id,
            accountId: account.id,
            event: 'created',
            at: now,
            by,
          },
        ])
        return buyerView(input.actor).present(await getBuyer(trx, undefined, id))
      })
    },

    async list(input: { actor: Actor; rawQuery: string }) {
      const view = buyerView(input.actor)
      return serveList({
        rawQuery: input.rawQuery,
        output: view.spec,
        base: scoped(db, input.actor),
        fields: BUYER_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'b.id',
        columns: (qb) => qb.select(BUYER_COLUMNS),
        hydrate: (rows) => hydrateBuyers(db, rows),
        present: view.present,
      })
    },

    async get(input: { actor: Actor; id: string; rawQuery: string }) {
      const view = buyerView(input.actor)
      const buyer = await getBuyer(db, input.actor, input.id)
      return projectForQuery(input.rawQuery, view.spec, view.present(buyer))
    },

    async assertExists(input: { actor: Actor; id: string }) {
      await getBuyer(db, input.actor, input.id)
    },

    async update(input: UpdateInput) {
      const columns = editableColumns(input, input.actor)
      return db.transaction().execute(async (trx) => {
        const current = await getBuyer(trx, input.actor, input.id)
        if (current.status === 'Deleted') {
          throw ruleError(
            'BUYER_STATUS_INVALID',
            'The buyer is Deleted; it cannot be changed.',
            ['status'],
            { status: current.status },
          )
        }
        const now = clock.now()
        const by = actorRef(input.actor)
        const icon = input.upload
          ? await storeIcon(trx, { clock }, input.upload, 'logo', input.id)
          : undefined
        await updateBuyerColumns(trx, input.id, {
          ...columns,
          ...(icon ? { icon } : {}),
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        })
        await recordAuditEvents(trx, [
          {
            objectType: 'buyer',
            objectId: input.id,
            accountId: current.accountId,
            event: 'updated',
            at: now,
            by,
          },
        ])
        return buyerView(input.actor).present(await getBuyer(trx, undefined, input.id))
      })
    },

    /** The stored logo path of any buyer (icons are public), or null when it has none. */
    async iconOf(input: { id: string }) {
      const row = await db
        .selectFrom('buyers')
        .select('icon')
        .where('id', '=', input.id)
        .executeTakeFirst()
      if (!row) throw new AppError('BUYER_NOT_FOUND')
      return row.icon
    },

    ...createBuyerStatusUseCases({ db, clock, getBuyer }),
  }
}

export type BuyerService = ReturnType<typeof createBuyerService>
