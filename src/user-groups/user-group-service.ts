import type { Kysely } from 'kysely'
import { actorRef, isOperations, visibleAccountId, type Actor } from '../access/actor.js'
import { findAccountRef } from '../accounts/account-repository.js'
import { chooseOfferedModules } from '../modules/module-repository.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import { isUniqueViolation } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { newUniqueId } from '../lib/ids.js'
import { embeddedReferences } from '../references/embedded-references.js'
import { projectWithReferences, type ReferenceExpander } from '../rql/rql-select.js'
import { MARKETPLACE_MODULE_ID, type UserGroup } from './user-group.js'
import { USER_GROUP_FIELDS, USER_GROUP_OMITTED, USER_GROUP_OUTPUT } from './user-group-fields.js'
import { presentUserGroup } from './user-group-presenter.js'
import {
  USER_GROUP_COLUMNS,
  clearDefaultGroup,
  countGroupMembers,
  findBuyerIdsOfAccount,
  findGroupMembers,
  hydrateUserGroups,
  setUserGroupBuyers,
  setUserGroupModules,
  userGroupBase,
} from './user-group-repository.js'

export interface UserGroupInput {
  name?: string | undefined
  description?: string | null | undefined
  logo?: string | null | undefined
  isDefault?: boolean | undefined
  modules?: Array<{ id: string }> | undefined
  buyers?: Array<{ id: string }> | null | undefined
}

export function createUserGroupService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
}) {
  const { db, clock, dialect } = deps
  const references = embeddedReferences(db, {
    account: { kind: 'account' },
    modules: { kind: 'module' },
    buyers: { kind: 'buyer' },
    users: { kind: 'user', embeds: ['email'] },
  })
  const SPEC = {
    fields: USER_GROUP_OUTPUT,
    omittedByDefault: USER_GROUP_OMITTED,
    expandable: references.expandable,
  }
  /** `users` when selected, then the members nested selects ask for. */
  const expand: ReferenceExpander = async (objects, projection) => {
    if (projection.include.has('users')) {
      const members = await findGroupMembers(
        db,
        objects.map((o) => o.id as string),
      )
      for (const object of objects) object.users = members.get(object.id as string) ?? []
    }
    await references.expand(objects, projection)
  }

  async function getGroup(
    executor: Kysely<Database>,
    actor: Actor,
    id: string,
  ): Promise<UserGroup> {
    const row = await userGroupBase(executor, visibleAccountId(actor))
      .select(USER_GROUP_COLUMNS)
      .where('g.id', '=', id)
      .executeTakeFirst()
    if (!row) throw new AppError('USER_GROUP_NOT_FOUND')
    return (await hydrateUserGroups(executor, [row]))[0]!
  }

  /** `null` (all buyers), or buyers of the account on a group with the Marketplace module (§7). */
  async function checkBuyers(
    executor: Kysely<Database>,
    accountId: string,
    moduleIds: string[],
    buyers: Array<{ id: string }> | null,
  ) {
    if (buyers === null) return null
    if (!moduleIds.includes(MARKETPLACE_MODULE_ID)) {
      throw ruleError(
        'USER_GROUP_BUYERS_NOT_ALLOWED',
        `A buyer list needs the Marketplace module (${MARKETPLACE_MODULE_ID}); send "buyers": null for all buyers.`,
        ['buyers'],
      )
    }
    const owned = await findBuyerIdsOfAccount(
      executor,
      accountId,
      buyers.map((b) => b.id),
    )
    const bad = buyers.findIndex((b) => !owned.has(b.id))
    if (bad !== -1) {
      throw ruleError(
        'USER_GROUP_BUYER_INVALID',
        `Buyer ${buyers[bad]!.id} is not a buyer of account ${accountId}.`,
        [`buyers[${bad}].id`],
      )
    }
    return [...new Set(buyers.map((b) => b.id))]
  }

  /** One transaction per request; the one-default index turns a lost race into a 409. */
  async function inTransaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await db.transaction().execute(work)
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONCURRENT_UPDATE')
      throw error
    }
  }

  return {
    async list(input: { actor: Actor; rawQuery: string }) {
      return serveList({
        rawQuery: input.rawQuery,
        output: SPEC,
        expand,
        base: userGroupBase(db, visibleAccountId(input.actor)),
        fields: USER_GROUP_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'g.id',
        columns: (qb) => qb.select(USER_GROUP_COLUMNS),
        hydrate: (rows) => hydrateUserGroups(db, rows),
        present: presentUserGroup,
      })
    },

    async get(input: { actor: Actor; id: string; rawQuery: string }) {
      const group = await getGroup(db, input.actor, input.id)
      return projectWithReferences(input.rawQuery, SPEC, presentUserGroup(group), expand)
    },

    async assertExists(input: { actor: Actor; id: string }) {
      await getGroup(db, input.actor, input.id)
    },

    async create(input: UserGroupInput & { actor: Actor; account?: { id: string } | undefined }) {
      const accountId = input.account?.id ?? input.actor.accountId
      if (!isOperations(input.actor) && accountId !== input.actor.accountId) {
        throw validationError({ 'account.id': ['Unknown account.'] })
      }
      if (!input.name?.trim()) throw validationError({ name: ['Must not be empty.'] })
      return inTransaction(async (trx) => {
        const account = await findAccountRef(trx, accountId)
        if (!account) throw validationError({ 'account.id': ['Unknown account.'] })
        const { chosen: moduleIds } = await chooseOfferedModules(
          trx,
          account.type,
          input.modules ?? [],
          input.actor,
        )
        const buyerIds = await checkBuyers(trx, accountId, moduleIds, input.buyers ?? null)
        const id = await newUniqueId(
          'userGroup',
          async (candidate) =>
            (await trx
              .selectFrom('user_groups')
              .select('id')
              .where('id', '=', candidate)
              .executeTakeFirst()) !== undefined,
        )
        const now = clock.now()
        const by = actorRef(input.actor)
        if (input.isDefault) await clearDefaultGroup(trx, accountId)
        await trx
          .insertInto('user_groups')
          .values({
            id,
            account_id: accountId,
            name: input.name!.trim(),
            description: input.description ?? null,
            logo: input.logo || null,
            is_default: input.isDefault ? 1 : 0,
            all_buyers: buyerIds === null ? 1 : 0,
            created_at: now.toISOString(),
            created_by: JSON.stringify(by),
            updated_at: null,
            updated_by: null,
          })
          .execute()
        await setUserGroupModules(trx, id, moduleIds)
        await setUserGroupBuyers(trx, id, buyerIds)
        await recordAuditEvents(trx, [
          { objectType: 'user-group', objectId: id, accountId, event: 'created', at: now, by },
        ])
        return presentUserGroup(await getGroup(trx, input.actor, id))
      })
    },

    /**
     * Changes what is sent. The default group keeps its modules and its flag; a buyer list
     * lapses (becomes all buyers) when the Marketplace module is taken away.
     */
    async update(input: UserGroupInput & { actor: Actor; id: string }) {
      if (input.name !== undefined && !input.name.trim())
        throw validationError({ name: ['Must not be empty.'] })
      return inTransaction(async (trx) => {
        const current = await getGroup(trx, input.actor, input.id)
        const currentModules = current.modules.map((m) => m.id)
        const moduleIds = input.modules
          ? (await chooseOfferedModules(trx, current.account.type, input.modules, input.actor))
              .chosen
          : currentModules
        if (current.isDefault && !sameSet(moduleIds, currentModules)) {
          throw ruleError(
            'USER_GROUP_DEFAULT_PROTECTED',
            'The modules of the default group cannot change.',
            ['modules'],
          )
        }
        if (current.isDefault && input.isDefault === false) {
          throw ruleError(
            'USER_GROUP_DEFAULT_PROTECTED',
            'The default group stays the default until another group is made the default.',
            ['isDefault'],
          )
        }
        const buyerIds =
          input.buyers !== undefined
            ? await checkBuyers(trx, current.accountId, moduleIds, input.buyers)
            : current.buyers !== null && !moduleIds.includes(MARKETPLACE_MODULE_ID)
              ? null
              : undefined
        const now = clock.now()
        const by = actorRef(input.actor)
        const becomesDefault = input.isDefault === true && !current.isDefault
        if (becomesDefault) await clearDefaultGroup(trx, current.accountId)
        const result = await trx
          .updateTable('user_groups')
          .set({
            ...(input.name !== undefined ? { name: input.name.trim() } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
            ...(input.logo !== undefined && input.logo !== '' ? { logo: input.logo } : {}),
            ...(becomesDefault ? { is_default: 1 } : {}),
            updated_at: now.toISOString(),
            updated_by: JSON.stringify(by),
          })
          .where('id', '=', current.id)
          .executeTakeFirst()
        if (Number(result.numUpdatedRows) !== 1) throw new AppError('CONCURRENT_UPDATE')
        if (input.modules) await setUserGroupModules(trx, current.id, moduleIds)
        if (buyerIds !== undefined) await setUserGroupBuyers(trx, current.id, buyerIds)
        await recordAuditEvents(trx, [
          {
            objectType: 'user-group',
            objectId: current.id,
            accountId: current.accountId,
            event: 'updated',
            at: now,
            by,
          },
        ])
        return presentUserGroup(await getGroup(trx, input.actor, current.id))
      })
    },

    /** Deletes for good; refused for the default group and while the group has members. */
    async remove(input: { actor: Actor; id: string }): Promise<void> {
      try {
        await db.transaction().execute(async (trx) => {
          const current = await getGroup(trx, input.actor, input.id)
          if (current.isDefault) {
            throw ruleError(
              'USER_GROUP_DEFAULT_PROTECTED',
              'The default group cannot be deleted.',
              ['isDefault'],
            )
          }
          const members = await countGroupMembers(trx, current.id)
          if (members > 0) throw hasMembers(members)
          const deleted = await trx
            .deleteFrom('user_groups')
            .where('id', '=', current.id)
            .executeTakeFirst()
          if (Number(deleted.numDeletedRows) !== 1) throw new AppError('CONCURRENT_UPDATE')
          await recordAuditEvents(trx, [
            {
              objectType: 'user-group',
              objectId: current.id,
              accountId: current.accountId,
              event: 'deleted',
              at: clock.now(),
              by: actorRef(input.actor),
            },
          ])
        })
      } catch (error) {
        // A member added concurrently, after the count: the foreign key refuses the delete.
        if (isForeignKeyViolation(error)) throw hasMembers(1)
        throw error
      }
    },
  }
}

function hasMembers(members: number): AppError {
  return ruleError(
    'USER_GROUP_HAS_MEMBERS',
    `The user group has ${members} member(s); move them to another group first.`,
    ['users'],
    { members },
  )
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
}

function sameSet(a: string[], b: string[]): boolean {
  const set = new Set(a)
  return set.size === new Set(b).size && b.every((x) => set.has(x))
}

export type UserGroupService = ReturnType<typeof createUserGroupService>
