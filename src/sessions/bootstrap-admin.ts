import { sql, type Kysely } from 'kysely'
import { recordAuditEvents } from '../db/audit.js'
import type { Dialect } from '../db/connect.js'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { insertWithUniqueId } from '../lib/ids.js'
import { emailKey } from '../users/user-repository.js'
import { issuePasswordToken, passwordLinkOf } from './password-reset.js'

export interface BootstrapAdminResult {
  email: string
  /** this start created the person and their membership of the Operations account */
  created: boolean
  /** a fresh single-use link to choose the password (1 h), while none is set */
  setupUrl?: string
  setupExpiresAt?: Date
}

const SYSTEM = { id: 'system', name: 'System', icon: null }

/**
 * Makes sure the Operations account has its first administrator, `email`
 * (BOOTSTRAP_ADMIN_EMAIL): created at the first start (and at the first start of a database from
 * before the console) as an Active member of the default group, without a password. While they
 * have none, every start issues a fresh setup link (replacing the previous one) for main.ts to
 * print. Nothing else: an administrator who set a password, was removed or was blocked is left as
 * they are. Nodes starting together on PostgreSQL take turns (advisory lock); the last link
 * printed is the one that works.
 */
export async function ensureBootstrapAdmin(
  deps: { db: Kysely<Database>; dialect: Dialect; clock: Clock },
  options: { email: string; operationsAccountId: string; groupId: string; publicUrl: string },
): Promise<BootstrapAdminResult> {
  return deps.db.transaction().execute(async (trx) => {
    if (deps.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(4242014)`.execute(trx)
    const key = emailKey(options.email)
    const now = deps.clock.now()
    let user = await trx
      .selectFrom('users')
      .select(['id', 'status', 'password_hash'])
      .where('email_key', '=', key)
      .executeTakeFirst()
    let created = false
    if (!user) {
      const at = now.toISOString()
      const by = JSON.stringify(SYSTEM)
      const userId = await insertWithUniqueId('user', async (id) => {
        const row = await trx
          .insertInto('users')
          .values({
            id,
            email: options.email,
            email_key: key,
            first_name: 'Operations',
            last_name: 'Administrator',
            phone_prefix: null,
            phone_number: null,
            icon: null,
            status: 'Active',
            status_before_block: null,
            password_hash: null,
            settings: null,
            last_login_at: null,
            invitation_accepted_at: null,
            created_at: at,
            created_by: by,
            updated_at: null,
            updated_by: null,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst()
        return row !== undefined
      })
      const accountUserId = await insertWithUniqueId('accountUser', async (id) => {
        const row = await trx
          .insertInto('account_users')
          .values({
            id,
            account_id: options.operationsAccountId,
            user_id: userId,
            status: 'Active',
            invitation_secret: null,
            invitation_proof: null,
            invitee_first_name: null,
            invitee_last_name: null,
            invitee_phone_prefix: null,
            invitee_phone_number: null,
            invitation_sent_at: null,
            invitation_expires_at: null,
            invitation_accepted_at: null,
            joined_at: at,
            access_at: null,
            last_login_at: null,
            version: 0,
            created_at: at,
            created_by: by,
            updated_at: null,
            updated_by: null,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst()
        return row !== undefined
      })
      await trx
        .insertInto('account_user_groups')
        .values({ account_user_id: accountUserId, user_group_id: options.groupId })
        .execute()
      await recordAuditEvents(trx, [
        {
          objectType: 'user',
          objectId: userId,
          accountId: null,
          event: 'created',
          at: now,
          by: SYSTEM,
        },
        {
          objectType: 'account-user',
          objectId: accountUserId,
          accountId: options.operationsAccountId,
          event: 'created',
          at: now,
          by: SYSTEM,
          details: { bootstrapAdministrator: true },
        },
      ])
      user = { id: userId, status: 'Active', password_hash: null }
      created = true
    }
    if (user.password_hash !== null || user.status === 'Blocked' || user.status === 'Deleted')
      return { email: options.email, created }
    const member = await trx
      .selectFrom('account_users')
      .select('id')
      .where('user_id', '=', user.id)
      .where('account_id', '=', options.operationsAccountId)
      .where('status', '=', 'Active')
      .executeTakeFirst()
    if (!member) return { email: options.email, created }
    const { token, expiresAt } = await issuePasswordToken(trx, deps, user.id, 'setup')
    return {
      email: options.email,
      created,
      setupUrl: passwordLinkOf(options.publicUrl, token),
      setupExpiresAt: expiresAt,
    }
  })
}
