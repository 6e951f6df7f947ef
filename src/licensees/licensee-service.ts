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
import { projectForQuery } from '../rql/rql-select.js'
import type { Licensee } from './licensee.js'
import { connectedStatus } from './licensee-cascades.js'
import { LICENSEE_FIELDS } from './licensee-fields.js'
import { LICENSEE_VIEW, presentLicensee } from './licensee-presenter.js'
import {
  hydrateLicensees,
  insertLicensee,
  LICENSEE_COLUMNS,
  licenseeBase,
  updateLicenseeColumns,
} from './licensee-repository.js'
import {
  assertBuyerAccount,
  contactToStore,
  eligibilityToStore,
  usableBuyer,
  usableSeller,
} from './licensee-rules.js'
import type { CreateLicenseeBody, UpdateLicenseeBody } from './licensee-schemas.js'
import { createLicenseeStatusUseCases } from './licensee-status-service.js'

type WithUpload = { actor: Actor; upload?: Upload | undefined }

/** Reads one licensee; `actor` undefined means unscoped (re-reading what was just written). */
export type GetLicensee = (
  executor: Kysely<Database>,
  actor: Actor | undefined,
  id: string,
) => Promise<Licensee>

/** Decision 38: the name is optional, but not empty. */
function nameOf(name: string | null | undefined): string | null | undefined {
  if (name === undefined || name === null) return name
  const trimmed = name.trim()
  if (!trimmed) throw validationError({ name: ['Must not be empty.'] })
  return trimmed
}

function addressRequired(): AppError {
  return ruleError(
    'LICENSEE_ADDRESS_REQUIRED',
    'A licensee that does not use the buyer address needs an address.',
    ['address'],
  )
}

export function createLicenseeService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
}) {
  const { db, clock, dialect } = deps

  /** §11.9: a Client sees its account's licensees, never deleted ones; Operations sees all. */
  function scoped(executor: Kysely<Database>, actor: Actor | undefined) {
    const scope = actor ? visibleAccountId(actor) : undefined
    const base = licenseeBase(executor)
    return scope
      ? base.where('lc.account_id', '=', scope).where('lc.status', '!=', 'Deleted')
      : base
  }

  const getLicensee: GetLicensee = async (executor, actor, id) => {
    const row = await scoped(executor, actor)
      .select(LICENSEE_COLUMNS)
      .where('lc.id', '=', id)
      .executeTakeFirst()
    if (!row) throw new AppError('LICENSEE_NOT_FOUND')
    return (await hydrateLicensees(executor, [row]))[0]!
  }

  return {
    /** Enabled, or Active when its buyer–seller pair is connected (decision 33). */
    async create(input: Static<typeof CreateLicenseeBody> & WithUpload) {
      const name = nameOf(input.name)
      if (!input.useBuyerAddress && !input.address) throw addressRequired()
      return db.transaction().execute(async (trx) => {
        const buyer = await usableBuyer(trx, input.actor, input.buyer.id)
        assertBuyerAccount(input.account, buyer.accountId)
        const seller = await usableSeller(trx, input.actor, input.seller.id)
        const contact = await contactToStore(trx, buyer.accountId, input.contact ?? null)
        const eligibility = await eligibilityToStore(
          trx,
          buyer.accountId,
          input.eligibility ?? null,
        )
        const now = clock.now()
        const by = actorRef(input.actor)
        const status = await connectedStatus(trx, { buyerId: buyer.id, sellerId: seller.id })
        const id = await insertLicensee(trx, {
          account_id: buyer.accountId,
          buyer_id: buyer.id,
          seller_id: seller.id,
          name: name ?? null,
          external_id: input.externalId ?? null,
          icon: null,
          status,
          use_buyer_address: input.useBuyerAddress ? 1 : 0,
          address: input.useBuyerAddress ? null : JSON.stringify(input.address),
          description: input.description ?? null,
          contact: contact ? JSON.stringify(contact) : null,
          eligibility: JSON.stringify(eligibility),
          created_at: now.toISOString(),
          created_by: JSON.stringify(by),
          updated_at: null,
          updated_by: null,
        })
        // The icon is owned by the new licensee, so it is stored once the id exists (issue #12).
        if (input.upload) {
          const icon = await storeIcon(trx, { clock }, input.upload, 'logo', id)
          await updateLicenseeColumns(trx, id, { icon }, status)
        }
        await recordAuditEvents(trx, [
          {
            objectType: 'licensee',
            objectId: id,
            accountId: buyer.accountId,
            event: 'created',
            at: now,
            by,
          },
        ])
        return presentLicensee(await getLicensee(trx, undefined, id))
      })
    },

    async list(input: { actor: Actor; rawQuery: string }) {
      return serveList({
        rawQuery: input.rawQuery,
        output: LICENSEE_VIEW,
        base: scoped(db, input.actor),
        fields: LICENSEE_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'lc.id',
        columns: (qb) => qb.select(LICENSEE_COLUMNS),
        hydrate: (rows) => hydrateLicensees(db, rows),
        present: presentLicensee,
      })
    },

    async get(input: { actor: Actor; id: string; rawQuery: string }) {
      const licensee = await getLicensee(db, input.actor, input.id)
      return projectForQuery(input.rawQuery, LICENSEE_VIEW, presentLicensee(licensee))
    },

    async assertExists(input: { actor: Actor; id: string }) {
      await getLicensee(db, input.actor, input.id)
    },

    /**
     * Absent members stay, `null` clears a nullable one; `buyer`, `seller` and `account` may be
     * echoed but not changed (decision 34), and a `status` sent along is ignored.
     */
    async update(input: Static<typeof UpdateLicenseeBody> & WithUpload & { id: string }) {
      const name = nameOf(input.name)
      return db.transaction().execute(async (trx) => {
        const current = await getLicensee(trx, input.actor, input.id)
        if (current.status === 'Deleted') {
          throw ruleError(
            'LICENSEE_STATUS_INVALID',
            'The licensee is Deleted; it cannot be changed.',
            ['status'],
            { status: current.status },
          )
        }
        const moved = [
          input.buyer && input.buyer.id !== current.buyer.id ? 'buyer.id' : undefined,
          input.seller && input.seller.id !== current.seller.id ? 'seller.id' : undefined,
          input.account && input.account.id !== current.accountId ? 'account.id' : undefined,
        ].filter((field): field is string => field !== undefined)
        if (moved.length > 0) {
          throw ruleError(
            'LICENSEE_REFERENCE_IMMUTABLE',
            "A licensee's buyer, seller and account cannot be changed.",
            moved,
          )
        }
        const useBuyerAddress = input.useBuyerAddress ?? current.useBuyerAddress
        const address = input.address === undefined ? current.address : input.address
        if (!useBuyerAddress && !address) throw addressRequired()
        const contact =
          input.contact === undefined
            ? undefined
            : await contactToStore(trx, current.accountId, input.contact)
        const eligibility =
          input.eligibility === undefined
            ? undefined
            : await eligibilityToStore(
                trx,
                current.accountId,
                input.eligibility,
                current.eligibility,
              )
        const now = clock.now()
        const by = actorRef(input.actor)
        const icon = input.upload
          ? await storeIcon(trx, { clock }, input.upload, 'logo', input.id)
          : undefined
        const changed = await updateLicenseeColumns(
          trx,
          input.id,
          {
            ...(name !== undefined ? { name } : {}),
            ...(input.externalId !== undefined ? { external_id: input.externalId } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
            use_buyer_address: useBuyerAddress ? 1 : 0,
            address: useBuyerAddress || !address ? null : JSON.stringify(address),
            ...(contact !== undefined ? { contact: contact ? JSON.stringify(contact) : null } : {}),
            ...(eligibility ? { eligibility: JSON.stringify(eligibility) } : {}),
            ...(icon ? { icon } : {}),
            updated_at: now.toISOString(),
            updated_by: JSON.stringify(by),
          },
          current.status,
        )
        if (!changed) throw new AppError('CONCURRENT_UPDATE')
        await recordAuditEvents(trx, [
          {
            objectType: 'licensee',
            objectId: input.id,
            accountId: current.accountId,
            event: 'updated',
            at: now,
            by,
          },
        ])
        return presentLicensee(await getLicensee(trx, undefined, input.id))
      })
    },

    /** The logo path of a licensee that is not deleted (icons are public). */
    async iconOf(input: { id: string }) {
      const row = await db
        .selectFrom('licensees')
        .select('icon')
        .where('id', '=', input.id)
        .where('status', '!=', 'Deleted')
        .executeTakeFirst()
      if (!row) throw new AppError('LICENSEE_NOT_FOUND')
      return row.icon
    },

    ...createLicenseeStatusUseCases({ db, clock, getLicensee }),
  }
}

export type LicenseeService = ReturnType<typeof createLicenseeService>
