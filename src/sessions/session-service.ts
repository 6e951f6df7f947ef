import type { Kysely } from 'kysely'
import type { UserActor } from '../access/actor.js'
import { recordAccountAccess } from '../account-users/account-user-repository.js'
import { findAccountRef } from '../accounts/account-repository.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { hashTokenSecret, secretsEqual, verifyPassword, type SecretBox } from '../lib/secrets.js'
import type { UserService } from '../users/user-service.js'
import { emailKey } from '../users/user-repository.js'
import { createPasswordReset } from './password-reset.js'
import {
  ACCESS_RESOLUTION_MS,
  LAST_SEEN_RESOLUTION_MS,
  type Membership,
  type Session,
  type SignedIn,
} from './session.js'
import {
  deleteEndedPasswordTokens,
  deleteEndedSessions,
  deleteSession,
  deleteSessionsOfUser,
  findActiveMemberships,
  findMembershipModules,
  findSessionBySecretHash,
  findSessionsOfUser,
  touchSession,
} from './session-repository.js'
import type { EmailTemplates } from '../email/templates/email-templates.js'
import { NO_SIGN_IN_LIMIT, type SignInLimit } from './sign-in-limit.js'
import { createSignIn, passwordWork } from './sign-in.js'

export interface SessionServiceDeps {
  db: Kysely<Database>
  clock: Clock
  box: SecretBox
  config: { sessionIdleMs: number; sessionMaxAgeMs: number; publicUrl: string }
  /** failed sign-ins and reset mails; none when RATE_LIMIT=off */
  limit?: SignInLimit | undefined
  users: Pick<UserService, 'setPassword'>
  templates: Pick<EmailTemplates, 'passwordReset'>
}

/** An account opened in the console: who acts (the same actor `can()` checks) and on what. */
export interface ConsoleContext {
  actor: UserActor
  /** the account the page shows (for an Operations user, maybe another than the actor's own) */
  account: { id: string; name: string; type: string; status: string }
  /** every account the person may switch to: their own memberships */
  memberships: Membership[]
}

/**
 * Sessions of the console: sign-in, the cookie's session, the account a request acts in (as a
 * UserActor whose modules are the union of the person's groups' modules there), the anti-forgery
 * token of a session, the person's session list, sign-out and revocation, password links. Pages
 * call this and then the same services the API calls, through the same `can()`.
 */
export function createSessionService(deps: SessionServiceDeps) {
  const { db, clock, box, config } = deps
  const limit = deps.limit ?? NO_SIGN_IN_LIMIT
  const signIn = createSignIn({ db, clock, limit, config })
  const reset = createPasswordReset({ db, clock, box, limit, config, templates: deps.templates })

  /** The session a cookie's secret opens, if it has not ended; moves its idle deadline. */
  async function authenticate(secret: string): Promise<SignedIn | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined
    const found = await findSessionBySecretHash(db, hashTokenSecret(secret))
    if (!found) return undefined
    const now = clock.now()
    const idleFor = now.getTime() - found.session.lastSeenAt.getTime()
    const ended =
      now >= found.session.expiresAt ||
      idleFor >= config.sessionIdleMs ||
      found.userStatus === 'Blocked' ||
      found.userStatus === 'Deleted'
    if (ended) {
      await deleteSession(db, { id: found.session.id, userId: found.user.id })
      return undefined
    }
    if (idleFor >= LAST_SEEN_RESOLUTION_MS) {
      await touchSession(db, found.session.id, { lastSeenAt: now })
      found.session.lastSeenAt = now
    }
    return { session: found.session, user: found.user }
  }

  /**
   * The console's actor in `accountId` (or the account the session last opened): the person's
   * membership there, or, for a member of an Operations account, that membership acting on any
   * account (as an Operations token does). Another account does not exist for them
   * (ACCOUNT_NOT_FOUND). Writes the membership's `audit.access`, at most once a minute.
   */
  async function openAccount(
    signedIn: SignedIn,
    accountId: string | undefined,
  ): Promise<ConsoleContext> {
    const memberships = await findActiveMemberships(db, signedIn.user.id)
    const wanted = accountId ?? signedIn.session.accountId ?? memberships[0]?.accountId ?? undefined
    const own = memberships.find((m) => m.accountId === wanted)
    const operations = memberships.find((m) => m.accountType === 'Operations')
    const acting = own ?? operations
    if (!wanted || !acting) throw new AppError('ACCOUNT_NOT_FOUND')
    const account = own
      ? { id: own.accountId, name: own.accountName, type: own.accountType, status: 'Active' }
      : await findAccountRef(db, wanted)
    if (!account) throw new AppError('ACCOUNT_NOT_FOUND')
    const { user } = signedIn
    const actor: UserActor = {
      kind: 'User',
      id: user.id,
      name: `${user.firstName} ${user.lastName}`,
      icon: user.icon,
      accountId: acting.accountId,
      accountName: acting.accountName,
      accountType: acting.accountType,
      modules: await findMembershipModules(db, acting.accountUserId),
    }
    const now = clock.now()
    if (!acting.accessAt || now.getTime() - acting.accessAt.getTime() >= ACCESS_RESOLUTION_MS)
      await recordAccountAccess(db, acting.accountUserId, now)
    if (signedIn.session.accountId !== account.id) {
      await touchSession(db, signedIn.session.id, { accountId: account.id })
      signedIn.session.accountId = account.id
    }
    return { actor, account, memberships }
  }

  return {
    signIn,
    authenticate,
    openAccount,

    /**
     * The anti-forgery token of a session (synchroniser token): an HMAC of the cookie's secret
     * under a key derived from SECRET_KEY, so it is never stored, differs per session, and
     * cannot be computed from anything a page of another site can read.
     */
    csrfTokenOf: (secret: string) => box.digest('csrf', secret).replace(/=+$/, ''),

    isCsrfTokenValid(secret: string, token: string | undefined): boolean {
      if (!token) return false
      return secretsEqual(box.digest('csrf', secret).replace(/=+$/, ''), token)
    },

    async signOut(secret: string): Promise<void> {
      await deleteSession(db, { secretHash: hashTokenSecret(secret) })
    },

    listSessions: (userId: string): Promise<Session[]> => findSessionsOfUser(db, userId),

    /** Ends one of the person's sessions; SESSION_NOT_FOUND when they have no such session. */
    async revoke(input: { userId: string; sessionId: string }): Promise<void> {
      if (!(await deleteSession(db, { id: input.sessionId, userId: input.userId })))
        throw new AppError('SESSION_NOT_FOUND')
    },

    async revokeOthers(input: { userId: string; keepSessionId: string }): Promise<number> {
      return deleteSessionsOfUser(db, input.userId, input.keepSessionId)
    },

    /**
     * A signed-in person changes their password: the current one is checked first (a failure
     * counts towards the lockout of their address, as at sign-in), then the user service sets the
     * new one, as the user themself, and ends their other sessions.
     */
    async changePassword(input: {
      actor: UserActor
      signedIn: SignedIn
      currentPassword: string
      password: string
    }) {
      const key = emailKey(input.signedIn.user.email)
      await limit.assertEmailOpen(key)
      const row = await db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', input.signedIn.user.id)
        .executeTakeFirst()
      const stored = row?.password_hash ?? null
      const matches =
        stored !== null && (await passwordWork(() => verifyPassword(input.currentPassword, stored)))
      if (!matches) {
        await limit.countFailure(key, input.signedIn.session.clientAddress ?? 'unknown')
        throw new AppError('VALIDATION_FAILED', {
          detail: 'The current password is wrong.',
          errors: { currentPassword: ['The current password is wrong.'] },
        })
      }
      return deps.users.setPassword({
        actor: input.actor,
        id: input.signedIn.user.id,
        password: input.password,
        keepSessionId: input.signedIn.session.id,
      })
    },

    requestPasswordReset: reset.requestReset,
    openPasswordLink: reset.openLink,
    setPasswordWithLink: reset.setPassword,

    /** The sweep: deletes ended sessions and used or expired password links (batches). */
    async pruneEnded(batchSize = 1000): Promise<number> {
      const now = clock.now()
      const sessions = await deleteEndedSessions(
        db,
        { now, idleBefore: new Date(now.getTime() - config.sessionIdleMs) },
        batchSize,
      )
      return sessions + (await deleteEndedPasswordTokens(db, now, batchSize))
    },
  }
}

export type SessionService = ReturnType<typeof createSessionService>
