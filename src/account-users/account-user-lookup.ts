import type { Kysely } from 'kysely'
import { visibleAccountId, type Actor } from '../access/actor.js'
import { accountIdExists } from '../accounts/account-repository.js'
import type { Config } from '../config.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import type { SecretBox } from '../lib/secrets.js'
import type { EmailTemplates } from '../email/templates/email-templates.js'
import type { AccountUser, AccountUserView } from './account-user.js'
import {
  findAccountUserRows,
  hydrateAccountUsers,
  type AccountUserRow,
} from './account-user-repository.js'
import type { ConfirmationLimit } from './confirmation-limit.js'
import { invitationUrl } from './invitation-link.js'

export interface AccountUserDeps {
  db: Kysely<Database>
  clock: Clock
  box: SecretBox
  config: Pick<Config, 'invitationTtlMs' | 'publicUrl' | 'invitationReminderMs'>
  /** renders every email (branding, TEMPLATES_DIR) */
  templates: EmailTemplates
  /** wrong one-time codes and passwords per account user (accept); none when absent */
  confirmationLimit?: ConfirmationLimit | undefined
}

/**
 * How a path names an account user: the scoped families give the account and a `USR-` or
 * `AUSR-` id; the legacy family gives the `AUSR-` id alone.
 */
export interface AccountUserKey {
  accountId?: string
  id: string
}

/** Throws ACCOUNT_NOT_FOUND if the actor may see one account only, and it is another one. */
export function assertNotForeignAccount(accountId: string, actor: Actor | undefined): void {
  const visible = actor ? visibleAccountId(actor) : undefined
  if (visible !== undefined && visible !== accountId) throw new AppError('ACCOUNT_NOT_FOUND')
}

/** Throws ACCOUNT_NOT_FOUND unless the account exists and the actor may see it. */
export async function assertAccountVisible(
  db: Kysely<Database>,
  accountId: string,
  actor: Actor | undefined,
): Promise<void> {
  assertNotForeignAccount(accountId, actor)
  if (!(await accountIdExists(db, accountId))) throw new AppError('ACCOUNT_NOT_FOUND')
}

/**
 * The stored row of the account user a key names, as the actor may see it (`undefined` actor: no
 * restriction), without its groups, modules and buyers: enough to know it exists, and to check an
 * invitation code before any more work is done. Throws ACCOUNT_USER_NOT_FOUND.
 */
export async function findAccountUserRow(
  db: Kysely<Database>,
  key: AccountUserKey,
  actor: Actor | undefined,
): Promise<AccountUserRow> {
  if (key.accountId) await assertAccountVisible(db, key.accountId, actor)
  const byUser = key.id.startsWith('USR-')
  const rows = await findAccountUserRows(db, {
    ...(byUser ? { userId: key.id } : { id: key.id }),
    ...(key.accountId ? { accountId: key.accountId } : {}),
  })
  const row = rows[0]
  const visible = actor ? visibleAccountId(actor) : undefined
  if (!row || (visible !== undefined && row.account_id !== visible))
    throw new AppError('ACCOUNT_USER_NOT_FOUND')
  return row
}

/** The account user a key names, as the actor may see it (`undefined` actor: no restriction). */
export async function getAccountUser(
  deps: AccountUserDeps,
  db: Kysely<Database>,
  key: AccountUserKey,
  actor: Actor | undefined,
): Promise<AccountUser> {
  return hydrate(deps, db, await findAccountUserRow(db, key, actor))
}

/** A row of findAccountUserRow as the full model (its groups, modules and buyers: one query). */
export async function hydrate(
  deps: Pick<AccountUserDeps, 'clock'>,
  db: Kysely<Database>,
  row: AccountUserRow,
): Promise<AccountUser> {
  const [accountUser] = await hydrateAccountUsers(db, [row], deps.clock.now())
  return accountUser!
}

/** Adds the invitation link while it can still be used (an administrator may copy it). */
export function toView(
  deps: Pick<AccountUserDeps, 'box' | 'config'>,
  accountUser: AccountUser,
): AccountUserView {
  const url =
    accountUser.status === 'Invited' && accountUser.sealedSecret
      ? invitationUrl(
          deps.config.publicUrl,
          deps.box.open(accountUser.sealedSecret),
          accountUser.id,
        )
      : null
  return { ...accountUser, invitationUrl: url }
}
