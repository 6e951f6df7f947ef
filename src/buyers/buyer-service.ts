import type { Static } from '@sinclair/typebox'
import type { Kysely } from 'kysely'
import { actorRef, visibleAccountId, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError } from '../errors.js'
import { storeIcon } from '../icons/icon-store.js'
import type { Clock } from '../lib/clock.js'
import { embeddedReferences } from '../references/embedded-references.js'
import { projectWithReferences } from '../rql/rql-select.js'
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
import { guardPair } from '../erp-links/erp-link-writes.js'
import { clientAccountOf, editableColumns } from './buyer-rules.js'
import { applyBuyerSellers } from './buyer-sellers.js'
import { createBuyerStatusUseCases } from './buyer-status-service.js'
import { createBuyerSynchronizeUseCase } from './buyer-synchronize.js'
import { createBuyerTransferUseCases } from './buyer-transfer.js'
import { createBuyerValidateUseCases } from './buyer-validate.js'
import type { ErpSync } from './erp-sync.js'

type Upload = { data: Buffer } | undefined
type UpdateInput = Static<typeof UpdateBuyerBody> & { actor: Actor; id: string; upload?: Upload }

/** Reads one buyer; `actor` undefined means unscoped (re-reading what was just written). */
export type GetBuyer = (
  executor: Kysely<Database>,
  actor: Actor | undefined,
  id: string,
) => Promise<Buyer>

export function createBuyerService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
  erpSync: ErpSync
}) {
  const { db, clock, dialect, erpSync } = deps
  const references = embeddedReferences(db, { account: { kind: 'account' } })

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

  return {
    /** Creates an `Enabled` buyer of a Client account (Operations only, by the permission table). */
    async create(input: Static<typeof CreateBuyerBody> & { actor: Actor; upload?: Upload }) {
      const columns = editableColumns(input, input.actor)
      return db.transaction().execute(async (trx) => {
        const account = await clientAccountOf(trx, input.account.id)
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
        await applyBuyerSellers(trx, { id, accountId: account.id }, input.sellers, input.actor, {
          at: now,
          by,
        })
        return buyerView(input.actor).present(await getBuyer(trx, undefined, id))
      })
    },

    async list(input: { actor: Actor; rawQuery: string }) {
      const view = buyerView(input.actor)
      return serveList({
        rawQuery: input.rawQuery,
        output: { ...view.spec, expandable: references.expandable },
        expand: references.expand,
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
      return projectWithReferences(
        input.rawQuery,
        { ...view.spec, expandable: references.expandable },
        view.present(buyer),
        references.expand,
      )
    },

    async assertExists(input: { actor: Actor; id: string }) {
      await getBuyer(db, input.actor, input.id)
    },

    async update(input: UpdateInput) {
      const columns = editableColumns(input, input.actor)
      // A concurrent update that added the same seller wins the pair's unique constraint.
      return guardPair(() =>
        db.transaction().execute(async (trx) => {
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
          await applyBuyerSellers(trx, current, input.sellers, input.actor, { at: now, by })
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
        }),
      )
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
    ...createBuyerValidateUseCases({ db, getBuyer }),
    ...createBuyerTransferUseCases({ db, clock, getBuyer }),
    ...createBuyerSynchronizeUseCase({ db, clock, getBuyer, erpSync }),
  }
}

export type BuyerService = ReturnType<typeof createBuyerService>
