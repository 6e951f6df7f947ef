import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { recordAuditEvents } from '../db/audit.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import {
  hashPassword,
  hashTokenSecret,
  PasswordWorkBusyError,
  verifyPassword,
} from '../lib/secrets.js'
import { emailKey } from '../users/user-repository.js'
import type { ClientInfo, Membership, Session } from './session.js'
import { findActiveMemberships, insertSession } from './session-repository.js'
import type { SignInLimit } from './sign-in-limit.js'

export interface SignInDeps {
  db: Kysely<Database>
  clock: Clock
  limit: SignInLimit
  config: { sessionMaxAgeMs: number }
}

export interface SignInInput {
  email: string
  password: string
  client: ClientInfo
}

export interface SignInResult {
  /** the cookie's value: shown to the browser once, stored only as its hash */
  secret: string
  session: Session
  memberships: Membership[]
}

/** What a browser may tell us about itself, bounded: the session list shows it, nothing else. */
const USER_AGENT_MAX = 300

/**
 * Checks an email address and password and opens a session. The order keeps refusals cheap and
 * uninformative: an address past its failures is refused first; a locked email address is refused
 * whatever the password; an unknown address costs the same password check as a known one (so
 * timing tells nothing) and gets the same answer as a wrong password. Only the right password
 * learns that the user is blocked or belongs to no account.
 */
export function createSignIn(deps: SignInDeps) {
  const { db, clock, limit, config } = deps
  // A real scrypt hash of nothing anyone knows: unknown addresses are checked against it.
  let decoy: Promise<string> | undefined
  const decoyHash = () => (decoy ??= hashPassword(randomBytes(24).toString('base64')))

  return async function signIn(input: SignInInput): Promise<SignInResult> {
    const key = emailKey(input.email)
    await limit.assertAddressOpen(input.client.clientAddress)
    await limit.assertEmailOpen(key)
    const user = await db
      .selectFrom('users')
      .select(['id', 'first_name', 'last_name', 'icon', 'status', 'password_hash'])
      .where('email_key', '=', key)
      .executeTakeFirst()
    const stored = user?.password_hash ?? (await decoyHash())
    const matches = await passwordWork(() => verifyPassword(input.password, stored))
    if (!user || user.password_hash === null || !matches) {
      const { attemptsLeft } = await limit.countFailure(key, input.client.clientAddress)
      throw new AppError('SIGN_IN_FAILED', {
        detail:
          'The email address or the password is wrong.' +
          (attemptsLeft <= 2
            ? ` ${attemptsLeft} more failed attempt${attemptsLeft === 1 ? '' : 's'} will lock this email address for 15 minutes.`
            : ''),
      })
    }
    if (user.status === 'Blocked')
      throw new AppError('USER_BLOCKED', { detail: 'Your user is blocked: ask an administrator.' })
    const memberships = await findActiveMemberships(db, user.id)
    const first = memberships[0]
    if (!first) throw new AppError('SIGN_IN_NO_ACCOUNT')

    const now = clock.now()
    const secret = randomBytes(32).toString('base64url')
    const session: Session = {
      id: randomBytes(12).toString('base64url'),
      userId: user.id,
      accountId: first.accountId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + config.sessionMaxAgeMs),
      userAgent: input.client.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      clientAddress: input.client.clientAddress,
    }
    await db.transaction().execute(async (trx) => {
      await insertSession(trx, {
        id: session.id,
        secretHash: hashTokenSecret(secret),
        userId: user.id,
        accountId: session.accountId,
        userAgent: session.userAgent,
        clientAddress: session.clientAddress,
        now,
        expiresAt: session.expiresAt,
      })
      // `lastLoginAt` and `audit.login` of the person, and `lastLoginAt` of the membership they land in.
      await trx
        .updateTable('users')
        .set({ last_login_at: now.toISOString() })
        .where('id', '=', user.id)
        .execute()
      await trx
        .updateTable('account_users')
        .set({ last_login_at: now.toISOString() })
        .where('id', '=', first.accountUserId)
        .execute()
      const by = { id: user.id, name: `${user.first_name} ${user.last_name}`, icon: user.icon }
      await recordAuditEvents(trx, [
        {
          objectType: 'user',
          objectId: user.id,
          accountId: null,
          event: 'signed-in',
          at: now,
          by,
          details: { session: session.id },
        },
      ])
    })
    return { secret, session, memberships }
  }
}

/** Password work that cannot wait in line right now answers 429 instead of piling up. */
export async function passwordWork<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof PasswordWorkBusyError) {
      throw new AppError('RATE_LIMITED', {
        detail: 'Too many passwords are being checked right now; retry in a second.',
        params: { retryAfterSeconds: 1 },
      })
    }
    throw error
  }
}
