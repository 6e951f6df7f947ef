import type { Kysely } from 'kysely'
import { actorRef, type Actor, type ActorRef } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import { retryingLostRaces } from '../db/lost-race.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError } from '../errors.js'
import { randomSecret } from '../lib/secrets.js'
import type { AccountUser, AccountUserView } from './account-user.js'
import { updateAccountUserGuarded } from './account-user-repository.js'
import {
  getAccountUser,
  toView,
  type AccountUserDeps,
  type AccountUserKey,
} from './account-user-lookup.js'
import { createAccept } from './invitation-accept.js'
import { createDecline } from './invitation-decline.js'
import { deleteConfirmation } from './invitation-confirmation-repository.js'
import { createInvite } from './invite.js'
import { queueInvitationEmail, reminderDueAt } from './invitation-email.js'
import { createNewLinkRequest } from './new-link-request.js'
import { sendInvitationReminders } from './invitation-reminders.js'

export type { InviteInput } from './invite.js'
export type { AcceptInput, InviteeContext } from './invitation-accept.js'
export type { NewLinkRequestOutcome } from './new-link-request.js'
export type { DeclineInput } from './invitation-decline.js'

export function createInvitationService(deps: AccountUserDeps) {
  const { db, clock, box, config } = deps

  async function reload(trx: Kysely<Database>, id: string): Promise<AccountUserView> {
    return toView(deps, await getAccountUser(deps, trx, { id }, undefined))
  }

  /**
   * Issues a fresh link (new secret, new mailbox proof; a pending one-time code dies) with a
   * fresh window, in the caller's transaction; only once the previous one has expired. `by`: the
   * administrator, or null when the invitee renewed it themself (the account allows it).
   */
  async function renew(
    trx: Kysely<Database>,
    current: AccountUser,
    by: ActorRef | null,
    details?: Record<string, unknown>,
  ): Promise<void> {
    if (current.status !== 'InvitationExpired') {
      throw invitationStatusError('send a new invitation', 'InvitationExpired', current)
    }
    const now = clock.now()
    const secrets = { secret: randomSecret(32), proof: randomSecret(32) }
    const expiresAt = new Date(now.getTime() + config.invitationTtlMs)
    await guardedChange(
      trx,
      current,
      by,
      now,
      {
        status: 'Invited',
        invitation_secret: box.seal(secrets.secret),
        invitation_proof: box.seal(secrets.proof),
        invitation_sent_at: now.toISOString(),
        invitation_expires_at: expiresAt.toISOString(),
        invitation_remind_at: reminderDueAt(config, now, expiresAt)?.toISOString() ?? null,
        new_link_requested_at: null,
      },
      'invitation-renewed',
      details,
    )
    await deleteConfirmation(trx, current.id)
    await queueInvitationEmail(trx, deps, {
      accountUser: current,
      secrets,
      expiresAt,
      // The invitee renewing their own link is still invited by whoever invited them.
      by: by ?? current.createdBy,
      isNewLink: true,
    })
  }

  return {
    invite: createInvite(deps),

    /**
     * Mails the same link again (same secret, same mailbox proof) and restarts its window; only
     * while the invitation is valid. An invitation from before the mailbox proof gets one now.
     * Its reminder is due again, once, before the new expiry.
     */
    async resendInvite(input: { actor: Actor; key: AccountUserKey }): Promise<AccountUserView> {
      return retryingLostRaces(db, async (trx) => {
        const current = await getAccountUser(deps, trx, input.key, input.actor)
        if (current.status !== 'Invited' || !current.sealedSecret) {
          throw invitationStatusError('resend the invitation', 'Invited', current)
        }
        const now = clock.now()
        const expiresAt = new Date(now.getTime() + config.invitationTtlMs)
        const proof = current.sealedProof ? box.open(current.sealedProof) : randomSecret(32)
        const by = actorRef(input.actor)
        await guardedChange(
          trx,
          current,
          by,
          now,
          {
            invitation_sent_at: now.toISOString(),
            invitation_expires_at: expiresAt.toISOString(),
            invitation_remind_at: reminderDueAt(config, now, expiresAt)?.toISOString() ?? null,
            ...(current.sealedProof ? {} : { invitation_proof: box.seal(proof) }),
          },
          'invitation-resent',
        )
        await queueInvitationEmail(trx, deps, {
          accountUser: current,
          secrets: { secret: box.open(current.sealedSecret), proof },
          expiresAt,
          by,
        })
        return reload(trx, current.id)
      })
    },

    /** send-new-invite: a fresh link once the previous one has expired (see `renew`). */
    async sendNewInvite(input: { actor: Actor; key: AccountUserKey }): Promise<AccountUserView> {
      // A lost race (another send-new-invite, the sweep storing the expiry) is decided again on
      // what the row now says: a 400 naming the status, or the renewal; not 409 (issue #17).
      return retryingLostRaces(db, async (trx) => {
        const current = await getAccountUser(deps, trx, input.key, input.actor)
        await renew(trx, current, actorRef(input.actor))
        return reload(trx, current.id)
      })
    },

    ...createAccept(deps),

    requestNewLink: createNewLinkRequest(deps, renew),

    /** The reminders due now (the job `remind-invitations`); how many were queued. */
    sendReminders: (batchSize?: number) => sendInvitationReminders(deps, batchSize),
    declineInvite: createDecline(deps),
  }

  async function guardedChange(
    trx: Kysely<Database>,
    current: AccountUser,
    by: ActorRef | null,
    now: Date,
    changes: Parameters<typeof updateAccountUserGuarded>[3],
    event: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    const won = await updateAccountUserGuarded(trx, current.id, current.version, {
      ...changes,
      updated_at: now.toISOString(),
      updated_by: by ? JSON.stringify(by) : null,
    })
    if (!won) throw new AppError('CONCURRENT_UPDATE')
    await recordAuditEvents(trx, [
      {
        objectType: 'account-user',
        objectId: current.id,
        accountId: current.accountId,
        event,
        at: now,
        by,
        ...(details ? { details } : {}),
      },
    ])
  }
}

export function invitationStatusError(
  action: string,
  required: string,
  current: AccountUser,
): AppError {
  return ruleError(
    'INVITATION_STATUS_INVALID',
    `Cannot ${action}: the invitation status is ${current.status}; this action needs ${required}.`,
    ['invitation.status'],
    { status: current.status, required },
  )
}

export type InvitationService = ReturnType<typeof createInvitationService>
