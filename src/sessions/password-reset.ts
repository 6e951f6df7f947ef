import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { assertPasswordPolicy } from '../account-users/password-policy.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Database } from '../db/schema.js'
import { enqueueEmail } from '../email/outbox.js'
import type { EmailTemplates } from '../email/templates/email-templates.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { hashPassword, hashTokenSecret, type SecretBox } from '../lib/secrets.js'
import { emailKey } from '../users/user-repository.js'
import { PASSWORD_TOKEN_TTL_MS, type ClientInfo, type PasswordTokenPurpose } from './session.js'
import {
  consumePasswordToken,
  deleteSessionsOfUser,
  findActiveMemberships,
  findUsablePasswordToken,
  insertPasswordToken,
} from './session-repository.js'
import type { SignInLimit } from './sign-in-limit.js'
import { passwordWork } from './sign-in.js'

export interface PasswordResetDeps {
  db: Kysely<Database>
  clock: Clock
  box: SecretBox
  limit: SignInLimit
  config: { publicUrl: string }
  templates: Pick<EmailTemplates, 'passwordReset'>
}

/** The page a link to choose a password opens. */
export const SET_PASSWORD_PATH = '/set-password'

export function passwordLinkOf(publicUrl: string, token: string): string {
  return `${publicUrl}${SET_PASSWORD_PATH}?token=${token}`
}

/**
 * Creates a single-use link for `userId` (replacing their earlier one of the same purpose), in
 * the caller's transaction; returns the token the link carries (stored only as its hash).
 */
export async function issuePasswordToken(
  trx: Kysely<Database>,
  deps: { clock: Clock },
  userId: string,
  purpose: PasswordTokenPurpose,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url')
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + PASSWORD_TOKEN_TTL_MS[purpose])
  await insertPasswordToken(trx, {
    tokenHash: hashTokenSecret(token),
    userId,
    purpose,
    now,
    expiresAt,
  })
  return { token, expiresAt }
}

export function createPasswordReset(deps: PasswordResetDeps) {
  const { db, clock, limit, config, templates } = deps

  /**
   * "Forgot password": mails a single-use link (30 minutes) to a person who may sign in (not
   * blocked, an Active membership). Answers the same whether or not anything was sent, so the
   * form tells nobody which addresses exist; past the per-address and per-email limits it sends
   * nothing.
   */
  async function requestReset(input: { email: string; client: ClientInfo }): Promise<void> {
    const key = emailKey(input.email)
    if (!key.includes('@') || key.length > 254) return
    if (!(await limit.allowReset(key, input.client.clientAddress))) return
    const user = await db
      .selectFrom('users')
      .select(['id', 'email', 'first_name', 'status'])
      .where('email_key', '=', key)
      .executeTakeFirst()
    if (!user || user.status === 'Blocked' || user.status === 'Deleted') return
    if ((await findActiveMemberships(db, user.id)).length === 0) return
    await db.transaction().execute(async (trx) => {
      const { token, expiresAt } = await issuePasswordToken(trx, deps, user.id, 'reset')
      await enqueueEmail(
        trx,
        deps,
        templates.passwordReset(
          { email: user.email, firstName: user.first_name },
          { url: passwordLinkOf(config.publicUrl, token), expiresAt },
        ),
      )
    })
  }

  /** Whom a link is for, while it can be used; PASSWORD_TOKEN_INVALID otherwise. */
  async function openLink(token: string) {
    const found = await findUsablePasswordToken(db, hashTokenSecret(token), clock.now())
    if (!found || found.status === 'Blocked' || found.status === 'Deleted')
      throw new AppError('PASSWORD_TOKEN_INVALID')
    return { email: found.email, purpose: found.purpose, userId: found.user_id }
  }

  /**
   * Sets the password a link was issued for, once: the link is used up, every session of the
   * person ends (whoever knew the old password is signed out), and a lockout of the address is
   * lifted (the person proved the mailbox, or holds the setup link).
   */
  async function setPassword(input: { token: string; password: string }): Promise<{
    email: string
  }> {
    const link = await openLink(input.token)
    assertPasswordPolicy(input.password)
    // Slow on purpose and bounded; done before the transaction so it holds no lock meanwhile.
    const hash = await passwordWork(() => hashPassword(input.password))
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      if (!(await consumePasswordToken(trx, hashTokenSecret(input.token), now)))
        throw new AppError('PASSWORD_TOKEN_INVALID')
      const user = await trx
        .selectFrom('users')
        .select(['first_name', 'last_name', 'icon', 'status'])
        .where('id', '=', link.userId)
        .executeTakeFirst()
      if (!user || user.status === 'Blocked' || user.status === 'Deleted')
        throw new AppError('PASSWORD_TOKEN_INVALID')
      const by = { id: link.userId, name: `${user.first_name} ${user.last_name}`, icon: user.icon }
      const written = await trx
        .updateTable('users')
        .set({ password_hash: hash, updated_at: now.toISOString(), updated_by: JSON.stringify(by) })
        .where('id', '=', link.userId)
        .where('status', '=', user.status)
        .executeTakeFirst()
      if (Number(written.numUpdatedRows) !== 1) throw new AppError('CONCURRENT_UPDATE')
      await deleteSessionsOfUser(trx, link.userId)
      await recordAuditEvents(trx, [
        {
          objectType: 'user',
          objectId: link.userId,
          accountId: null,
          event: link.purpose === 'setup' ? 'password-set' : 'password-reset',
          at: now,
          by,
        },
      ])
    })
    await limit.unlock(emailKey(link.email))
    return { email: link.email }
  }

  return { requestReset, openLink, setPassword }
}
