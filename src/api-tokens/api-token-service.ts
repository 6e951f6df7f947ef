import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { actorRef, isOperations, visibleAccountId, type Actor } from '../access/actor.js'
import { findAccountRef } from '../accounts/account-repository.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { newUniqueId } from '../lib/ids.js'
import { hashTokenSecret } from '../lib/secrets.js'
import { embeddedReferences } from '../references/embedded-references.js'
import { projectWithReferences } from '../rql/rql-select.js'
import { chooseOfferedModules } from '../modules/module-repository.js'
import { API_TOKEN_TRANSITIONS, type ApiTokenStatus } from './api-token.js'
import { formatCredential } from './api-token-credential.js'
import { API_TOKEN_FIELDS, API_TOKEN_OUTPUT } from './api-token-fields.js'
import { presentApiToken } from './api-token-presenter.js'
import {
  API_TOKEN_COLUMNS,
  apiTokenBase,
  hydrateApiTokens,
  setApiTokenModules,
  type ApiToken,
} from './api-token-repository.js'

export interface ApiTokenInput {
  name?: string | undefined
  description?: string | null | undefined
  icon?: string | null | undefined
  modules?: Array<{ id: string }> | null | undefined
}

export function createApiTokenService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
  /** called after a token's status changed, so cached verifications are dropped */
  onStatusChanged?: () => void
}) {
  const { db, clock, dialect } = deps
  const references = embeddedReferences(db, {
    account: { kind: 'account' },
    modules: { kind: 'module' },
  })
  const SPEC = {
    fields: API_TOKEN_OUTPUT,
    omittedByDefault: ['audit'],
    expandable: references.expandable,
  }

  /** What the actor may see: its own account's tokens, never deleted ones; Operations sees all. */
  function scoped(executor: Kysely<Database>, actor: Actor) {
    const scope = visibleAccountId(actor)
    const base = apiTokenBase(executor)
    return scope ? base.where('t.account_id', '=', scope).where('t.status', '!=', 'Deleted') : base
  }

  /** `actor` undefined: no scope (re-reading what the actor just changed, even if now deleted). */
  async function getToken(
    executor: Kysely<Database>,
    actor: Actor | undefined,
    id: string,
  ): Promise<ApiToken> {
    const base = actor ? scoped(executor, actor) : apiTokenBase(executor)
    const row = await base.select(API_TOKEN_COLUMNS).where('t.id', '=', id).executeTakeFirst()
    if (!row) throw new AppError('API_TOKEN_NOT_FOUND')
    return (await hydrateApiTokens(executor, [row]))[0]!
  }

  async function transition(actor: Actor, id: string, to: ApiTokenStatus) {
    const token = await db.transaction().execute(async (trx) => {
      const current = await getToken(trx, actor, id)
      if (!API_TOKEN_TRANSITIONS[current.status].includes(to)) {
        throw ruleError(
          'API_TOKEN_STATUS_INVALID',
          `The API token is ${current.status}; it cannot become ${to}.`,
          ['status'],
          { status: current.status },
        )
      }
      const now = clock.now()
      const by = actorRef(actor)
      const result = await trx
        .updateTable('api_tokens')
        .set({ status: to, updated_at: now.toISOString(), updated_by: JSON.stringify(by) })
        .where('id', '=', id)
        .where('status', '=', current.status)
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) !== 1) throw new AppError('CONCURRENT_UPDATE')
      await recordAuditEvents(trx, [
        {
          objectType: 'api-token',
          objectId: id,
          accountId: current.accountId,
          event: to === 'Deleted' ? 'deleted' : to === 'Active' ? 'enabled' : 'disabled',
          at: now,
          by,
        },
      ])
      return getToken(trx, undefined, id)
    })
    deps.onStatusChanged?.()
    return token
  }

  return {
    /** Creates a token; the returned credential is the only time its secret is ever shown. */
    async create(input: ApiTokenInput & { actor: Actor; account?: { id: string } | undefined }) {
      const accountId = input.account?.id ?? input.actor.accountId
      if (!isOperations(input.actor) && accountId !== input.actor.accountId) {
        throw validationError({ 'account.id': ['Unknown account.'] })
      }
      if (!input.name?.trim()) throw validationError({ name: ['Required.'] })
      return db.transaction().execute(async (trx) => {
        const account = await findAccountRef(trx, accountId)
        if (!account) throw validationError({ 'account.id': ['Unknown account.'] })
        const { offered, chosen } = await chooseOfferedModules(
          trx,
          account.type,
          input.modules ?? [],
          input.actor,
        )
        const id = await newUniqueId(
          'apiToken',
          async (candidate) =>
            (await trx
              .selectFrom('api_tokens')
              .select('id')
              .where('id', '=', candidate)
              .executeTakeFirst()) !== undefined,
        )
        const secret = randomBytes(32).toString('base64url')
        const now = clock.now()
        const by = actorRef(input.actor)
        await trx
          .insertInto('api_tokens')
          .values({
            id,
            account_id: accountId,
            name: input.name!.trim(),
            description: input.description ?? null,
            icon: input.icon || null,
            status: 'Active',
            secret_hash: hashTokenSecret(secret),
            last_access_at: null,
            created_at: now.toISOString(),
            created_by: JSON.stringify(by),
            updated_at: null,
            updated_by: null,
          })
          .execute()
        await setApiTokenModules(trx, id, input.modules ? chosen : offered)
        await recordAuditEvents(trx, [
          { objectType: 'api-token', objectId: id, accountId, event: 'created', at: now, by },
        ])
        const token = await getToken(trx, input.actor, id)
        return { ...presentApiToken(token), token: formatCredential(id, secret) }
      })
    },

    async list(input: { actor: Actor; rawQuery: string }) {
      return serveList({
        rawQuery: input.rawQuery,
        output: SPEC,
        expand: references.expand,
        base: scoped(db, input.actor),
        fields: API_TOKEN_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 't.id',
        columns: (qb) => qb.select(API_TOKEN_COLUMNS),
        hydrate: (rows) => hydrateApiTokens(db, rows),
        present: presentApiToken,
      })
    },

    async get(input: { actor: Actor; id: string; rawQuery: string }) {
      const token = await getToken(db, input.actor, input.id)
      return projectWithReferences(input.rawQuery, SPEC, presentApiToken(token), references.expand)
    },

    async assertExists(input: { actor: Actor; id: string }) {
      await getToken(db, input.actor, input.id)
    },

    async update(input: ApiTokenInput & { actor: Actor; id: string }) {
      const token = await db.transaction().execute(async (trx) => {
        const current = await getToken(trx, input.actor, input.id)
        if (current.status === 'Deleted')
          throw ruleError('API_TOKEN_STATUS_INVALID', 'A deleted API token cannot be changed.', [
            'status',
          ])
        if (input.name !== undefined && !input.name.trim())
          throw validationError({ name: ['Must not be empty.'] })
        const now = clock.now()
        const by = actorRef(input.actor)
        await trx
          .updateTable('api_tokens')
          .set({
            ...(input.name !== undefined ? { name: input.name.trim() } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
            ...(input.icon !== undefined ? { icon: input.icon || null } : {}),
            updated_at: now.toISOString(),
            updated_by: JSON.stringify(by),
          })
          .where('id', '=', input.id)
          .execute()
        if (input.modules) {
          const { chosen } = await chooseOfferedModules(
            trx,
            current.account.type,
            input.modules,
            input.actor,
          )
          await setApiTokenModules(trx, input.id, chosen)
        }
        await recordAuditEvents(trx, [
          {
            objectType: 'api-token',
            objectId: input.id,
            accountId: current.accountId,
            event: 'updated',
            at: now,
            by,
          },
        ])
        return presentApiToken(await getToken(trx, input.actor, input.id))
      })
      // Its modules are its permissions: a remembered verification must not keep the old ones.
      if (input.modules) deps.onStatusChanged?.()
      return token
    },

    enable: async (input: { actor: Actor; id: string }) =>
      presentApiToken(await transition(input.actor, input.id, 'Active')),
    disable: async (input: { actor: Actor; id: string }) =>
      presentApiToken(await transition(input.actor, input.id, 'Disabled')),
    remove: async (input: { actor: Actor; id: string }) => {
      await transition(input.actor, input.id, 'Deleted')
    },
  }
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>
