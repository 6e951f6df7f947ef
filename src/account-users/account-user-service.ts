import type { Kysely } from 'kysely'
import { actorRef, visibleAccountId, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import { retryingLostRaces } from '../db/lost-race.js'
import type { Database } from '../db/schema.js'
import type { Dialect } from '../db/connect.js'
import { enqueueEmail } from '../email/outbox.js'
import { accountIdExists } from '../accounts/account-repository.js'
import { AppError, ruleError } from '../errors.js'
import type { ListCache } from '../db/list-cache.js'
import { fetchListPage, serveList } from '../db/list-page.js'
import { parseListQuery } from '../rql/rql-parser.js'
import { embeddedReferences } from '../references/embedded-references.js'
import { projectWithReferences } from '../rql/rql-select.js'
import type { AccountUser, PhoneNumber } from './account-user.js'
import { ACCOUNT_CONTEXT_USER_FIELDS, LEGACY_ACCOUNT_USER_FIELDS } from './account-user-fields.js'
import {
  assertAccountVisible,
  assertNotForeignAccount,
  findAccountUserRow,
  getAccountUser,
  toView,
  type AccountUserDeps,
  type AccountUserKey,
} from './account-user-lookup.js'
import {
  ACCOUNT_USER_OUTPUT,
  ACCOUNT_USER_REFERENCES,
  PRESENTERS,
  type AccountUserFamily,
} from './account-user-presenter.js'
import {
  ACCOUNT_USER_JOINS,
  accountUserBaseJoining,
  hydrateAccountUsers,
  type AccountUserRow,
  selectAccountUserColumns,
  setAccountUserGroups,
  nextInvitationExpiry,
  setInviteeProfile,
  updateAccountUserGuarded,
} from './account-user-repository.js'
import { checkPersonInput } from '../users/person-input.js'
import { findGroupIdsOfAccount } from '../user-groups/user-group-repository.js'
import { detachedUserEvents, disableIfDetached } from '../users/user-repository.js'
import { withInvitationDelivery } from './invitation-delivery.js'
import { recipientOf } from './invitation-email.js'

const FIELDS = { legacy: LEGACY_ACCOUNT_USER_FIELDS, account: ACCOUNT_CONTEXT_USER_FIELDS }
const OMITTED_BY_DEFAULT = ['audit']

export function createAccountUserService(
  deps: AccountUserDeps & { dialect: Dialect; listCache?: ListCache | undefined },
) {
  const { db, clock, listCache } = deps
  const references = {
    legacy: withInvitationDelivery(
      db,
      'legacy',
      embeddedReferences(db, ACCOUNT_USER_REFERENCES.legacy),
    ),
    account: withInvitationDelivery(
      db,
      'account',
      embeddedReferences(db, ACCOUNT_USER_REFERENCES.account),
    ),
  }
  const outputOf = (family: AccountUserFamily) => ({
    fields: ACCOUNT_USER_OUTPUT[family],
    omittedByDefault: OMITTED_BY_DEFAULT,
    expandable: references[family].expandable,
  })
  // Accounts are never deleted (no endpoint removes one), so an account id found once exists for
  // good: the scoped list asks the database only the first time. Bounded; emptied when full.
  const knownAccounts = new Set<string>()
  const accountExists = async (id: string) => {
    if (knownAccounts.has(id)) return true
    const found = await accountIdExists(db, id)
    if (found) {
      if (knownAccounts.size >= 10_000) knownAccounts.clear()
      knownAccounts.add(id)
    }
    return found
  }

  interface ListInput {
    actor: Actor
    family: AccountUserFamily
    accountId?: string
    rawQuery: string
    now?: Date
  }

  /** Where every list of account users reads from: the caller's scope, the family's fields. */
  function listSource(input: ListInput, now: Date) {
    const scope = input.accountId ?? visibleAccountId(input.actor)
    return {
      base: {
        joins: ACCOUNT_USER_JOINS,
        build: (joins: ReadonlySet<string>) => accountUserBaseJoining(db, joins),
        scope: (qb: ReturnType<typeof accountUserBaseJoining>) =>
          scope ? qb.where('au.account_id', '=', scope) : qb,
      },
      fields: FIELDS[input.family],
      ctx: { dialect: deps.dialect, now },
      tieBreak: 'au.id',
      columns: selectAccountUserColumns,
      hydrate: (rows: unknown[]) => hydrateAccountUsers(db, rows as AccountUserRow[], now),
    }
  }

  /**
   * Another account's list is refused before any query. The existence check runs beside the
   * list's queries (one round trip less on PostgreSQL); its 404 still wins over whatever the list
   * answered or failed with.
   */
  async function scopedList<T>(input: ListInput, run: () => Promise<T>): Promise<T> {
    if (input.accountId) assertNotForeignAccount(input.accountId, input.actor)
    const exists = input.accountId ? accountExists(input.accountId) : undefined
    const listed = run()
    if (!exists) return listed
    const [found, answer] = await Promise.allSettled([exists, listed])
    if (found.status === 'rejected') throw found.reason
    if (!found.value) throw new AppError('ACCOUNT_NOT_FOUND')
    if (answer.status === 'rejected') throw answer.reason
    return answer.value
  }

  async function list(input: ListInput) {
    const now = input.now ?? clock.now()
    return scopedList(input, () =>
      serveList({
        ...listSource(input, now),
        rawQuery: input.rawQuery,
        output: outputOf(input.family),
        expand: references[input.family].expand,
        present: (au) => PRESENTERS[input.family](toView(deps, au)),
      }),
    )
  }

  /**
   * The same list (RQL, scope, fields, order, page) as its models rather than a wire shape: the
   * console's Users page, which shows what no wire shape carries (the invitation's expiry).
   */
  async function listViews(input: ListInput) {
    const now = input.now ?? clock.now()
    const query = parseListQuery(input.rawQuery)
    return scopedList(input, async () => {
      const page = await fetchListPage({ ...listSource(input, now), query })
      return {
        views: (page.models as AccountUser[]).map((au) => toView(deps, au)),
        total: page.total,
        limit: query.limit,
        offset: query.offset,
      }
    })
  }

  /** Presents an account user in a family's shape, honouring `select` from the raw query. */
  function present(family: AccountUserFamily, view: ReturnType<typeof toView>, rawQuery = '') {
    return projectWithReferences(
      rawQuery,
      outputOf(family),
      PRESENTERS[family](view),
      references[family].expand,
    )
  }

  async function assertGroupsOfAccount(
    trx: Kysely<Database>,
    accountId: string,
    ids: string[],
    field: (groupId: string) => string,
  ) {
    const owned = await findGroupIdsOfAccount(trx, accountId, ids)
    const foreign = ids.find((id) => !owned.has(id))
    if (foreign !== undefined) {
      throw ruleError(
        'ACCOUNT_USER_GROUP_INVALID',
        `User group ${foreign} does not belong to account ${accountId}.`,
        [field(foreign)],
      )
    }
  }

  /** The request body's field that named a group: `groups[i].id` in the PUT body of the account user. */
  const groupsField = (groups: Array<{ id: string }>) => (groupId: string) =>
    `groups[${groups.findIndex((g) => g.id === groupId)}].id`

  async function changeGroups(
    input: { actor: Actor; key: AccountUserKey },
    next: (current: string[]) => string[],
    field: (groupId: string) => string,
    extra?: (
      trx: Kysely<Database>,
      current: Awaited<ReturnType<typeof getAccountUser>>,
    ) => Promise<void>,
  ) {
    // A lost race (the expiry sweep, another change) is decided again on what the row now says.
    return retryingLostRaces(db, async (trx) => {
      const current = await getAccountUser(deps, trx, input.key, input.actor)
      const groupIds = [...new Set(next(current.groups.map((g) => g.id)))]
      if (groupIds.length === 0) {
        throw ruleError(
          'ACCOUNT_USER_GROUPS_REQUIRED',
          'An account user must belong to at least one group.',
          ['groups'],
        )
      }
      await assertGroupsOfAccount(trx, current.accountId, groupIds, field)
      const now = clock.now()
      const by = actorRef(input.actor)
      const won = await updateAccountUserGuarded(trx, current.id, current.version, {
        updated_at: now.toISOString(),
        updated_by: by ? JSON.stringify(by) : null,
      })
      if (!won) throw new AppError('CONCURRENT_UPDATE')
      await setAccountUserGroups(trx, current.id, groupIds)
      if (extra) await extra(trx, current)
      await recordAuditEvents(trx, [
        {
          objectType: 'account-user',
          objectId: current.id,
          accountId: current.accountId,
          event: 'updated',
          at: now,
          by,
          details: { groups: groupIds },
        },
      ])
      return toView(deps, await getAccountUser(deps, trx, { id: current.id }, undefined))
    })
  }

  return {
    present,

    async get(input: { actor: Actor; key: AccountUserKey }) {
      return toView(deps, await getAccountUser(deps, db, input.key, input.actor))
    },

    /** One group of the account user (the SDK's `groups(user_id).get(id)`). */
    async group(input: { actor: Actor; key: AccountUserKey; groupId: string }) {
      const accountUser = await getAccountUser(deps, db, input.key, input.actor)
      const group = accountUser.groups.find((g) => g.id === input.groupId)
      if (!group) {
        throw new AppError('USER_GROUP_NOT_FOUND', {
          detail: `The account user is not in user group ${input.groupId}.`,
        })
      }
      return group
    },

    /** 404 before anything else is looked at (body validation included); one row, no hydration. */
    async assertExists(input: { actor: Actor | undefined; key: AccountUserKey }) {
      await findAccountUserRow(db, input.key, input.actor)
    },

    async assertAccountExists(input: { actor: Actor; accountId: string }) {
      await assertAccountVisible(db, input.accountId, input.actor)
    },

    list,

    listViews,

    /**
     * The list as its serialized response body, from the list cache while nothing it depends on
     * has changed: the data (data version), the caller and the query (the key), and the time
     * (an entry lapses at the next invitation expiry, where a status turns InvitationExpired).
     */
    async listJson(
      input: { actor: Actor; family: AccountUserFamily; accountId?: string; rawQuery: string },
      serialize: (body: Awaited<ReturnType<typeof list>>) => string,
    ): Promise<string> {
      const now = clock.now()
      if (!listCache) return serialize(await list({ ...input, now }))
      const { actor } = input
      const key = [
        'account-users',
        actor.id,
        actor.accountId,
        actor.accountType,
        input.family,
        input.accountId ?? '',
        input.rawQuery,
      ].join('\n')
      const version = await listCache.version()
      const cached = listCache.get(key, version, now)
      if (cached !== undefined) return cached
      const json = serialize(await list({ ...input, now }))
      listCache.set(key, { json, version, validUntil: await nextInvitationExpiry(db, now) })
      return json
    },

    /**
     * The v5 PUT: replaces the groups; names and phone change only while the user is still invited
     * (decision 12), and only as this account sees them: they are written on this membership,
     * never on the person's profile, which other accounts share (issue #12).
     */
    async update(input: {
      actor: Actor
      key: AccountUserKey
      user?:
        { firstName?: string; lastName?: string; phone?: Partial<PhoneNumber> | null } | undefined
      groups?: Array<{ id: string }> | undefined
    }) {
      const check = checkPersonInput()
      const firstName = check.name('user.firstName', input.user?.firstName)
      const lastName = check.name('user.lastName', input.user?.lastName)
      check.assertValid()
      const phone = input.user?.phone
      return changeGroups(
        input,
        (current) => (input.groups ? input.groups.map((g) => g.id) : current),
        groupsField(input.groups ?? []),
        async (trx, current) => {
          if (!input.user || current.user.hasPassword || current.status === 'Active') return
          await setInviteeProfile(
            trx,
            current.user.id,
            {
              firstName,
              lastName,
              phone:
                phone === undefined
                  ? undefined
                  : { prefix: phone?.prefix ?? null, number: phone?.number ?? null },
            },
            current.accountId,
          )
        },
      )
    },

    async addGroup(input: { actor: Actor; key: AccountUserKey; groupId: string }) {
      return changeGroups(
        input,
        (current) => [...current, input.groupId],
        () => 'id',
      )
    },

    async replaceGroups(input: { actor: Actor; key: AccountUserKey; groupIds: string[] }) {
      return changeGroups(
        input,
        () => input.groupIds,
        (groupId) => `[${input.groupIds.indexOf(groupId)}].id`,
      )
    },

    async removeGroup(input: { actor: Actor; key: AccountUserKey; groupId: string }) {
      await changeGroups(
        input,
        (current) => {
          if (!current.includes(input.groupId)) {
            throw new AppError('USER_GROUP_NOT_FOUND', {
              detail: `The account user is not in user group ${input.groupId}.`,
            })
          }
          return current.filter((id) => id !== input.groupId)
        },
        () => 'groups',
      )
    },

    /**
     * Ends the membership: a pending link dies with it; the user stays in other accounts, and is
     * Disabled when this was their last (§6.2 #5).
     */
    async remove(input: { actor: Actor; key: AccountUserKey }): Promise<void> {
      // A lost race is decided again: a change that landed first goes with the membership; a
      // removal that landed first makes this one a 404.
      await retryingLostRaces(db, async (trx) => {
        const current = await getAccountUser(deps, trx, input.key, input.actor)
        const now = clock.now()
        const deleted = await trx
          .deleteFrom('account_users')
          .where('id', '=', current.id)
          .where('version', '=', current.version)
          .executeTakeFirst()
        if (Number(deleted.numDeletedRows) !== 1) throw new AppError('CONCURRENT_UPDATE')
        const by = actorRef(input.actor)
        const detached = await disableIfDetached(trx, current.userId, {
          updated_at: now.toISOString(),
          updated_by: by ? JSON.stringify(by) : null,
        })
        await recordAuditEvents(trx, [
          {
            objectType: 'account-user',
            objectId: current.id,
            accountId: current.accountId,
            event: 'deleted',
            at: now,
            by,
            // what listeners (webhooks) announce: the row is gone by then
            object: PRESENTERS.legacy({ ...current, invitationUrl: null }),
          },
          ...detachedUserEvents(detached, current, now, by),
        ])
        if (current.status === 'Active') {
          await enqueueEmail(
            trx,
            deps,
            deps.templates.accountUserRemoved(recipientOf(current.user), {
              accountName: current.account.name,
              groupNames: current.groups.map((g) => g.name),
            }),
          )
        }
      })
    },
  }
}

export type AccountUserService = ReturnType<typeof createAccountUserService>
