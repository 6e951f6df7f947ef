import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Database } from '../db/schema.js'
import { enqueueEmail } from '../email/outbox.js'
import { AppError, ruleError } from '../errors.js'
import { detachedUserEvents, disableIfDetached } from '../users/user-repository.js'
import type { AccountUser } from './account-user.js'
import { toView, type AccountUserDeps } from './account-user-lookup.js'
import { PRESENTERS } from './account-user-presenter.js'
import {
  assertAcceptable,
  createInviteeProof,
  type InviteeContext,
  type InviteeProof,
} from './invitation-accept.js'
import { openInvitation } from './invitation-code.js'

export interface DeclineInput extends InviteeProof {
  /** the invitation link's whole `code` parameter */
  code: string
}

/**
 * The invitee declines (issue #14): the pending membership is removed as if an administrator had
 * removed it (the person is Disabled when it was their last), the account user's audit records
 * `invitation-declined` by the invitee, and the inviter is told by email. Declining needs the
 * same proof as accepting: a copied link alone cannot decline for someone.
 */
export function createDecline(deps: AccountUserDeps) {
  const { db, clock } = deps
  const confirmInvitee = createInviteeProof(deps)

  return async function declineInvite(
    input: DeclineInput,
    context: InviteeContext = {},
  ): Promise<{ accountName: string }> {
    const { accountUser: current, mailboxProven } = await openInvitation(
      deps,
      db,
      undefined,
      input.code,
    )
    if (current.status !== 'Invited') {
      throw ruleError(
        'INVITATION_STATUS_INVALID',
        `Cannot decline: the invitation status is ${current.status}; this action needs Invited.`,
        ['invitation.status'],
        { status: current.status, required: 'Invited' },
      )
    }
    assertAcceptable(current)
    await confirmInvitee(current, mailboxProven, input, context)
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const deleted = await trx
        .deleteFrom('account_users')
        .where('id', '=', current.id)
        .where('version', '=', current.version)
        .executeTakeFirst()
      if (Number(deleted.numDeletedRows) !== 1) throw new AppError('CONCURRENT_UPDATE')
      const by: ActorRef = {
        id: current.user.id,
        name: `${current.user.firstName} ${current.user.lastName}`,
        icon: current.user.icon,
      }
      const detached = await disableIfDetached(trx, current.userId, {
        updated_at: now.toISOString(),
        updated_by: JSON.stringify(by),
      })
      await recordAuditEvents(trx, [
        {
          objectType: 'account-user',
          objectId: current.id,
          accountId: current.accountId,
          event: 'invitation-declined',
          at: now,
          by,
          details: { email: current.user.email },
          // what listeners (webhooks) announce: the row is gone by then
          object: PRESENTERS.legacy({ ...toView(deps, current), invitationUrl: null }),
        },
        ...detachedUserEvents(detached, current, now, by),
      ])
      const to = await inviterAddress(trx, current)
      if (to) {
        await enqueueEmail(
          trx,
          deps,
          deps.templates.invitationDeclined(to, {
            inviteeName: `${current.user.firstName} ${current.user.lastName}`,
            inviteeEmail: current.user.email,
            accountName: current.account.name,
          }),
        )
      }
    })
    return { accountName: current.account.name }
  }
}

/**
 * Who is told about a decline: the person who sent the invitation (its latest sender: `updated_by`
 * after a resend or a new link, else `created_by`) when a person did; when an API token did, the
 * account's technical support address, if it has one.
 */
async function inviterAddress(
  trx: Kysely<Database>,
  current: AccountUser,
): Promise<string | undefined> {
  const sender = current.updatedBy ?? current.createdBy
  if (sender?.id.startsWith('USR-')) {
    const user = await trx
      .selectFrom('users')
      .select(['email', 'status'])
      .where('id', '=', sender.id)
      .executeTakeFirst()
    if (user && user.status !== 'Deleted' && user.status !== 'Blocked') return user.email
  }
  const account = await trx
    .selectFrom('accounts')
    .select('technical_support_email')
    .where('id', '=', current.accountId)
    .executeTakeFirst()
  return account?.technical_support_email ?? undefined
}
