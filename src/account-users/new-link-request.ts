import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { accountSettingsOf } from '../accounts/account.js'
import { recordAuditEvents } from '../db/audit.js'
import { parseJson } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import { enqueueEmail } from '../email/outbox.js'
import { ruleError } from '../errors.js'
import type { AccountUser } from './account-user.js'
import { findAccountAdministrators } from './account-administrators.js'
import { getAccountUser, type AccountUserDeps } from './account-user-lookup.js'
import { openInvitation } from './invitation-code.js'

/** The invitee may ask once a day per invitation; more asks change nothing and mail no one. */
export const NEW_LINK_REQUEST_INTERVAL_MS = 24 * 60 * 60_000

/**
 * What became of an ask. The page words both the same way for the visitor, never naming an
 * address: `renewed` (the account lets invitees renew: a new link is on its way to the
 * invitation's address) or `forwarded` (the administrators were told, or had been today).
 */
export type NewLinkRequestOutcome = 'renewed' | 'forwarded'

/**
 * "Ask for a new link" from the expired-link page (issue #15). The code must be the invitation's
 * own (the emailed link or the copied one) and the invitation expired. When the account's
 * `settings.invitations.selfRenew` is on, a new link is issued at once, as send-new-invite does;
 * otherwise every administrator of the account (Access Management) is mailed a link to its users
 * page, at most once a day per invitation.
 */
export function createNewLinkRequest(
  deps: AccountUserDeps,
  renew: (
    trx: Kysely<Database>,
    current: AccountUser,
    by: ActorRef | null,
    details?: Record<string, unknown>,
  ) => Promise<void>,
) {
  const { db, clock } = deps
  return async function requestNewLink(input: { code: string }): Promise<NewLinkRequestOutcome> {
    const { accountUser: opened } = await openInvitation(deps, db, undefined, input.code)
    assertRenewable(opened)
    return db.transaction().execute(async (trx) => {
      const current = await getAccountUser(deps, trx, { id: opened.id }, undefined)
      assertRenewable(current)
      if (await selfRenewAllowed(trx, current.accountId)) {
        await renew(trx, current, null, { requestedBy: 'invitee' })
        return 'renewed'
      }
      const now = clock.now()
      const cutoff = new Date(now.getTime() - NEW_LINK_REQUEST_INTERVAL_MS).toISOString()
      const first = await trx
        .updateTable('account_users')
        .set({ new_link_requested_at: now.toISOString() })
        .where('id', '=', current.id)
        .where('version', '=', current.version)
        .where((eb) =>
          eb.or([
            eb('new_link_requested_at', 'is', null),
            eb('new_link_requested_at', '<=', cutoff),
          ]),
        )
        .executeTakeFirst()
      if (Number(first.numUpdatedRows) !== 1) return 'forwarded'
      await recordAuditEvents(trx, [
        {
          objectType: 'account-user',
          objectId: current.id,
          accountId: current.accountId,
          event: 'invitation-new-link-requested',
          at: now,
          by: null,
        },
      ])
      const usersUrl = `${deps.config.publicUrl}/console/accounts/${current.accountId}/users`
      for (const admin of await findAccountAdministrators(trx, current.accountId)) {
        await enqueueEmail(
          trx,
          deps,
          deps.templates.newLinkRequested(admin, {
            accountName: current.account.name,
            inviteeName: `${current.user.firstName} ${current.user.lastName}`,
            inviteeEmail: current.user.email,
            expiredAt: current.invitationExpiresAt ?? now,
            usersUrl,
          }),
        )
      }
      return 'forwarded'
    })
  }
}

/** Only an expired invitation of an account that is not Disabled, for a person not blocked. */
function assertRenewable(current: AccountUser): void {
  if (current.status !== 'InvitationExpired') {
    throw ruleError(
      'INVITATION_STATUS_INVALID',
      `The invitation is ${current.status}; only an expired one can be renewed.`,
      ['code'],
      { status: current.status },
    )
  }
  if (current.account.status === 'Disabled') {
    throw ruleError(
      'ACCOUNT_STATUS_INVALID',
      `The account ${current.account.name} is Disabled: it sends no new invitations now.`,
      ['account'],
      { status: current.account.status },
    )
  }
  if (current.user.status === 'Blocked')
    throw ruleError('USER_BLOCKED', 'The user is blocked and cannot be invited.', ['user'])
}

async function selfRenewAllowed(db: Kysely<Database>, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('settings')
    .where('id', '=', accountId)
    .executeTakeFirst()
  return accountSettingsOf(parseJson(row?.settings, null)).invitations.selfRenew
}
