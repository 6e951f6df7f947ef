import type { Static } from '@sinclair/typebox'
import type { Kysely } from 'kysely'
import { actorRef, visibleAccountId, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import type { Upload } from '../http/multipart.js'
import { storeIcon } from '../icons/icon-store.js'
import type { Clock } from '../lib/clock.js'
import { reconnectLicensees } from '../licensees/licensee-cascades.js'
import { projectForQuery } from '../rql/rql-select.js'
import { ERP_LINK_ACTIONS, type ErpLink, type ErpLinkAction } from './erp-link.js'
import { erpLinkView } from './erp-link-presenter.js'
import {
  ERP_LINK_COLUMNS,
  erpLinkBase,
  hydrateErpLinks,
  updateErpLinkColumns,
} from './erp-link-repository.js'
import type { CreateErpLinkBody, UpdateErpLinkBody } from './erp-link-schemas.js'
import { createLink, guardPair } from './erp-link-writes.js'

type Target = { actor: Actor; id: string }

export function createErpLinkService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
}) {
  const { db, clock, dialect } = deps

  /** §11.9: a Client sees the links of its non-deleted buyers; Operations sees every link. */
  function scoped(executor: Kysely<Database>, actor: Actor | undefined) {
    const scope = actor ? visibleAccountId(actor) : undefined
    const base = erpLinkBase(executor)
    return scope ? base.where('b.account_id', '=', scope).where('b.status', '!=', 'Deleted') : base
  }

  async function getLink(
    executor: Kysely<Database>,
    actor: Actor | undefined,
    id: string,
  ): Promise<ErpLink> {
    const row = await scoped(executor, actor)
      .select(ERP_LINK_COLUMNS)
      .where('l.id', '=', id)
      .executeTakeFirst()
    if (!row) throw new AppError('ERP_LINK_NOT_FOUND')
    return (await hydrateErpLinks(executor, [row]))[0]!
  }

  async function reread(trx: Kysely<Database>, actor: Actor, id: string) {
    return erpLinkView(actor).present(await getLink(trx, undefined, id))
  }

  async function transition(actor: Actor, id: string, action: ErpLinkAction, note?: string | null) {
    return db.transaction().execute(async (trx) => {
      const current = await getLink(trx, actor, id)
      const rule = ERP_LINK_ACTIONS[action]
      if (current.status !== rule.from) {
        throw ruleError(
          'ERP_LINK_STATUS_INVALID',
          `The ERP link is ${current.status}; it cannot be ${rule.event}.`,
          ['status'],
          { status: current.status },
        )
      }
      const now = clock.now()
      const by = actorRef(actor)
      const changed = await updateErpLinkColumns(
        trx,
        id,
        {
          status: rule.to,
          ...(note !== undefined ? { note } : {}),
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        },
        current.status,
      )
      if (!changed) throw new AppError('CONCURRENT_UPDATE')
      await recordAuditEvents(trx, [
        {
          objectType: 'erp-link',
          objectId: id,
          accountId: current.buyer.accountId,
          event: rule.event,
          at: now,
          by,
        },
      ])
      await reconnectLicensees(
        trx,
        { buyerId: current.buyer.id, sellerId: current.seller.id },
        { at: now, by },
      )
      return reread(trx, actor, id)
    })
  }

  return {
    /** The SDK's create (decision 41): Operations links a buyer to a seller that is usable. */
    async create(input: Static<typeof CreateErpLinkBody> & { actor: Actor }) {
      return guardPair(() =>
        db.transaction().execute(async (trx) => {
          const buyer = await trx
            .selectFrom('buyers')
            .select(['id', 'account_id', 'status'])
            .where('id', '=', input.buyer.id)
            .executeTakeFirst()
          if (!buyer || buyer.status === 'Deleted')
            throw validationError({ 'buyer.id': ['Unknown buyer.'] })
          const seller = await trx
            .selectFrom('sellers')
            .select(['id', 'status'])
            .where('id', '=', input.seller.id)
            .executeTakeFirst()
          if (!seller || seller.status === 'Deleted')
            throw validationError({ 'seller.id': ['Unknown seller.'] })
          if (seller.status === 'Disabled')
            throw validationError({ 'seller.id': ['The seller is Disabled.'] })
          const id = await createLink(
            trx,
            {
              buyerId: buyer.id,
              accountId: buyer.account_id,
              sellerId: seller.id,
              externalIds: input.externalIds,
              address: input.address,
              note: input.note,
            },
            { at: clock.now(), by: actorRef(input.actor) },
          )
          return reread(trx, input.actor, id)
        }),
      )
    },

    async list(input: { actor: Actor; rawQuery: string }) {
      const view = erpLinkView(input.actor)
      return serveList({
        rawQuery: input.rawQuery,
        output: view.spec,
        base: scoped(db, input.actor),
        fields: view.fields,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'l.id',
        columns: (qb) => qb.select(ERP_LINK_COLUMNS),
        hydrate: (rows) => hydrateErpLinks(db, rows),
        present: view.present,
      })
    },

    async get(input: Target & { rawQuery: string }) {
      const view = erpLinkView(input.actor)
      const link = await getLink(db, input.actor, input.id)
      return projectForQuery(input.rawQuery, view.spec, view.present(link))
    },

    async assertExists(input: Target) {
      await getLink(db, input.actor, input.id)
    },

    /** `externalIds`, `address`, `note` and the logo; the pair itself never changes. */
    async update(
      input: Static<typeof UpdateErpLinkBody> & Target & { upload?: Upload | undefined },
    ) {
      return db.transaction().execute(async (trx) => {
        const current = await getLink(trx, input.actor, input.id)
        const moved: Record<string, string[]> = {}
        if (input.buyer && input.buyer.id !== current.buyer.id)
          moved['buyer.id'] = ['The buyer of an ERP link cannot be changed.']
        if (input.seller && input.seller.id !== current.seller.id)
          moved['seller.id'] = ['The seller of an ERP link cannot be changed.']
        if (Object.keys(moved).length > 0) throw validationError(moved)
        const now = clock.now()
        const by = actorRef(input.actor)
        const icon = input.upload
          ? await storeIcon(trx, { clock }, input.upload, 'logo', input.id)
          : undefined
        const json = (value: unknown) => (value ? JSON.stringify(value) : null)
        await updateErpLinkColumns(trx, input.id, {
          ...(input.externalIds !== undefined ? { external_ids: json(input.externalIds) } : {}),
          ...(input.address !== undefined ? { address: json(input.address) } : {}),
          ...(input.note !== undefined ? { note: input.note } : {}),
          ...(icon ? { icon } : {}),
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        })
        await recordAuditEvents(trx, [
          {
            objectType: 'erp-link',
            objectId: input.id,
            accountId: current.buyer.accountId,
            event: 'updated',
            at: now,
            by,
          },
        ])
        return reread(trx, input.actor, input.id)
      })
    },

    /** The buyer cannot transact with the seller; `note` keeps the reason (decision 42). */
    block: (input: Target & { note?: string | null | undefined }) =>
      transition(input.actor, input.id, 'block', input.note),
    unblock: (input: Target & { note?: string | null | undefined }) =>
      transition(input.actor, input.id, 'unblock', input.note),
  }
}

export type ErpLinkService = ReturnType<typeof createErpLinkService>
