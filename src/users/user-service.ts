import type { Kysely } from 'kysely'
import { actorRef, visibleAccountId, type Actor } from '../access/actor.js'
import type { PhoneNumber, UserSettings } from '../account-users/account-user.js'
import { assertPasswordPolicy } from '../account-users/password-policy.js'
import { recordAuditEvents, type AuditEventInput } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import { serveList } from '../db/list-page.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import { setInviteeProfile } from '../account-users/account-user-repository.js'
import { checkPersonInput } from './person-input.js'
import type { Upload } from '../http/multipart.js'
import { removeIcon, storeIcon } from '../icons/icon-store.js'
import type { Clock } from '../lib/clock.js'
import { hashPassword } from '../lib/secrets.js'
import { embeddedReferences } from '../references/embedded-references.js'
import { projectWithReferences } from '../rql/rql-select.js'
import { USER_ACTIONS, type User, type UserAction, type UserStatus } from './user.js'
import { userFields, userOutput } from './user-fields.js'
import { presentUser } from './user-presenter.js'
import { createUserSsoUseCases } from './user-sso.js'
import { deleteSessionsOfUser } from '../sessions/session-repository.js'
import {
  USER_COLUMNS,
  emailKey,
  hydrateUsers,
  updateUserGuarded,
  userBase,
} from './user-repository.js'

export interface UpdateUserInput {
  actor: Actor
  id: string
  firstName?: string | undefined
  lastName?: string | undefined
  email?: string | null | undefined
  phone?: Partial<PhoneNumber> | null | undefined
  settings?: UserSettings | null | undefined
  upload?: Upload | undefined
}

const EVENTS: Record<UserAction, string> = {
  block: 'blocked',
  unblock: 'unblocked',
  delete: 'deleted',
}

export function createUserService(deps: {
  db: Kysely<Database>
  clock: Clock
  dialect: Dialect
  /** email domains an identity provider serves (decision 54) */
  ssoDomains?: readonly string[]
}) {
  const { db, clock, dialect } = deps
  const references = embeddedReferences(db, {
    currentAccount: { kind: 'account' },
    accounts: { kind: 'account' },
  })
  const spec = (scope: string | undefined) => ({
    fields: userOutput(scope),
    omittedByDefault: ['audit'],
    expandable: references.expandable,
  })

  async function getUser(executor: Kysely<Database>, actor: Actor, id: string): Promise<User> {
    const row = await userBase(executor, visibleAccountId(actor))
      .select(USER_COLUMNS)
      .where('u.id', '=', id)
      .executeTakeFirst()
    if (!row) throw new AppError('USER_NOT_FOUND')
    return (await hydrateUsers(executor, [row], clock.now()))[0]!
  }

  const present = (user: User, actor: Actor) => presentUser(user, visibleAccountId(actor))

  /**
   * A person who also belongs to another account is theirs too: only Operations may change
   * their profile or password, or one account's administrator could take over another's user.
   */
  async function assertSoleAccount(
    executor: Kysely<Database>,
    actor: Actor,
    userId: string,
  ): Promise<void> {
    const scope = visibleAccountId(actor)
    if (scope === undefined) return
    const elsewhere = await executor
      .selectFrom('account_users')
      .select('id')
      .where('user_id', '=', userId)
      .where('account_id', '!=', scope)
      .executeTakeFirst()
    if (elsewhere) {
      throw new AppError('USER_MANAGED_ELSEWHERE', {
        detail:
          'The user also belongs to another account; only Operations may change their profile or password.',
      })
    }
  }

  /** One guarded write of the user row plus its audit events, in the caller's transaction. */
  async function write(
    trx: Kysely<Database>,
    actor: Actor,
    current: User,
    changes: Parameters<typeof updateUserGuarded>[3],
    event: string,
    more: AuditEventInput[] = [],
  ) {
    const now = clock.now()
    const by = actorRef(actor)
    const won = await updateUserGuarded(trx, current.id, current.status, {
      ...changes,
      updated_at: now.toISOString(),
      updated_by: JSON.stringify(by),
    })
    if (!won) throw new AppError('CONCURRENT_UPDATE')
    await recordAuditEvents(trx, [
      ...more,
      { objectType: 'user', objectId: current.id, accountId: null, event, at: now, by },
    ])
  }

  function refuse(current: User, action: string): AppError {
    return ruleError(
      'USER_STATUS_INVALID',
      `The user is ${current.status}; cannot ${action}.`,
      ['status'],
      { status: current.status },
    )
  }

  /** Block, unblock or delete (§6.2): Operations only, which the permission table enforces. */
  async function act(actor: Actor, id: string, action: UserAction): Promise<User> {
    return db.transaction().execute(async (trx) => {
      const current = await getUser(trx, actor, id)
      if (!USER_ACTIONS[current.status].includes(action)) throw refuse(current, action)
      const next: UserStatus =
        action === 'block'
          ? 'Blocked'
          : action === 'unblock'
            ? (current.statusBeforeBlock ?? 'Active')
            : 'Deleted'
      const removed: AuditEventInput[] = []
      if (action === 'delete') {
        // A deleted user no longer exists (§6.1): every membership goes, and the email is
        // freed so the person can be invited again as a new user.
        const memberships = await trx
          .selectFrom('account_users')
          .select(['id', 'account_id'])
          .where('user_id', '=', id)
          .execute()
        await trx.deleteFrom('account_users').where('user_id', '=', id).execute()
        await removeIcon(trx, id)
        const at = clock.now()
        for (const m of memberships) {
          removed.push({
            objectType: 'account-user',
            objectId: m.id,
            accountId: m.account_id,
            event: 'deleted',
            at,
            by: actorRef(actor),
            object: { id: m.id, account: { id: m.account_id }, user: { id } },
          })
        }
      }
      await write(
        trx,
        actor,
        current,
        {
          status: next,
          status_before_block: action === 'block' ? current.status : null,
          ...(action === 'delete'
            ? { email_key: `deleted:${id}`, password_hash: null, icon: null }
            : {}),
        },
        EVENTS[action],
        removed,
      )
      return getUser(trx, actor, id)
    })
  }

  return {
    async list(input: { actor: Actor; rawQuery: string }) {
      const scope = visibleAccountId(input.actor)
      const now = clock.now()
      return serveList({
        rawQuery: input.rawQuery,
        output: spec(scope),
        expand: references.expand,
        base: userBase(db, scope),
        fields: userFields(scope),
        ctx: { dialect, now },
        tieBreak: 'u.id',
        columns: (qb) => qb.select(USER_COLUMNS),
        hydrate: (rows) => hydrateUsers(db, rows, now),
        present: (user) => presentUser(user, scope),
      })
    },

    async get(input: { actor: Actor; id: string; rawQuery: string }) {
      const scope = visibleAccountId(input.actor)
      const user = await getUser(db, input.actor, input.id)
      return projectWithReferences(
        input.rawQuery,
        spec(scope),
        presentUser(user, scope),
        references.expand,
      )
    },

    async assertExists(input: { actor: Actor; id: string }) {
      await getUser(db, input.actor, input.id)
    },

    /**
     * Profile fields and the icon; the email is the sign-in identity, so a change to it is refused.
     * Only an actor that manages every account of the user (assertSoleAccount) gets here; for a
     * person who has not registered, the names and phone each account sees live on its membership,
     * so they change there too.
     */
    async update(input: UpdateUserInput) {
      const check = checkPersonInput()
      const firstName = check.name('firstName', input.firstName)
      const lastName = check.name('lastName', input.lastName)
      const email = check.email('email', input.email)
      check.assertValid()
      return db.transaction().execute(async (trx) => {
        const current = await getUser(trx, input.actor, input.id)
        await assertSoleAccount(trx, input.actor, current.id)
        if (current.status === 'Deleted') throw refuse(current, 'update')
        if (email && emailKey(email) !== emailKey(current.email)) {
          throw validationError({
            email: ['The email is the sign-in identity and cannot be changed.'],
          })
        }
        const icon = input.upload
          ? await storeIcon(trx, { clock }, input.upload, 'icon', current.id)
          : undefined
        const phone =
          input.phone === undefined
            ? undefined
            : { prefix: input.phone?.prefix ?? null, number: input.phone?.number ?? null }
        if (!current.hasPassword && (firstName || lastName || phone)) {
          await setInviteeProfile(trx, current.id, { firstName, lastName, phone })
        }
        const settings =
          input.settings === null
            ? null
            : { ...current.settings, ...definedOnly(input.settings ?? {}) }
        await write(
          trx,
          input.actor,
          current,
          {
            ...(firstName !== undefined ? { first_name: firstName } : {}),
            ...(lastName !== undefined ? { last_name: lastName } : {}),
            ...(phone !== undefined
              ? { phone_prefix: phone.prefix, phone_number: phone.number }
              : {}),
            ...(input.settings !== undefined
              ? { settings: settings ? JSON.stringify(settings) : null }
              : {}),
            ...(icon ? { icon } : {}),
          },
          'updated',
        )
        return present(await getUser(trx, input.actor, input.id), input.actor)
      })
    },

    /**
     * Only the user themself sets their password (issue #12): no administrator, API token or
     * Operations caller chooses it for someone, whatever accounts they manage. Refused before any
     * hashing. A person signed in to the console (UserActor) sets their own, whichever accounts
     * they belong to; their other sessions end (`keepSessionId` is the one they act through).
     */
    async setPassword(input: {
      actor: Actor
      id: string
      password: string
      keepSessionId?: string | undefined
    }) {
      if (input.actor.kind !== 'User' || input.actor.id !== input.id) {
        throw new AppError('USER_PASSWORD_SELF_ONLY', {
          detail:
            'Only the user may set their own password; an invitee sets it when accepting the invitation.',
        })
      }
      assertPasswordPolicy(input.password)
      // Hashing is slow on purpose; done before the transaction so it holds no lock meanwhile.
      const hash = await hashPassword(input.password)
      return db.transaction().execute(async (trx) => {
        const current = await getUser(trx, input.actor, input.id)
        if (current.status === 'Blocked')
          throw ruleError('USER_BLOCKED', 'The user is blocked and cannot set a password.', [
            'status',
          ])
        if (current.status === 'Deleted') throw refuse(current, 'set a password')
        await write(trx, input.actor, current, { password_hash: hash }, 'password-set')
        await deleteSessionsOfUser(trx, current.id, input.keepSessionId)
        return present(await getUser(trx, input.actor, input.id), input.actor)
      })
    },

    /** The icon path of a user that exists and is not deleted (icons are public, decision 19). */
    async findIcon(input: { id: string }): Promise<string | null> {
      const row = await db
        .selectFrom('users')
        .select('icon')
        .where('id', '=', input.id)
        .where('status', '!=', 'Deleted')
        .executeTakeFirst()
      return row?.icon ?? null
    },

    block: async (input: { actor: Actor; id: string }) =>
      present(await act(input.actor, input.id, 'block'), input.actor),
    unblock: async (input: { actor: Actor; id: string }) =>
      present(await act(input.actor, input.id, 'unblock'), input.actor),
    remove: async (input: { actor: Actor; id: string }) => {
      await act(input.actor, input.id, 'delete')
    },

    ...createUserSsoUseCases({ db, clock, ssoDomains: deps.ssoDomains ?? [], getUser, present }),
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

export type UserService = ReturnType<typeof createUserService>
