import type { Kysely } from 'kysely'
import { actorRef, type Actor } from '../access/actor.js'
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
import { deleteConfirmation } from './invitation-confirmation-repository.js'
import { createInvite } from './invite.js'
import { queueInvitationEmail } from './invitation-email.js'

export type { InviteInput } from './invite.js'
export type { AcceptInput } from './invitation-accept.js'

export function createInvitationService(deps: AccountUserDeps) {
  const { db, clock, box, config } = deps

  async function reload(trx: Kysely<Database>, id: string): Promise<AccountUserView> {
    return toView(deps, await getAccountUser(deps, trx, { id }, undefined))
  }

  return {
    invite: createInvite(deps),

    /**
     * Mails the same link again (same secret, same mailbox proof) and restarts its window; only
     * while the invitation is valid. An invitation from before the mailbox proof gets one now.
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
        await guardedChange(
          trx,
          current,
          input.actor,
          now,
          {
            invitation_sent_at: now.toISOString(),
            invitation_expires_at: expiresAt.toISOString(),
            ...(current.sealedProof ? {} : { invitation_proof: box.seal(proof) }),
          },
          'invitation-resent',
        )
        await queueInvitationEmail(trx, deps, {
          accountUser: current,
          secrets: { secret: box.open(current.sealedSecret), proof },
          expiresAt,
          inviterName: input.actor.accountName,
        })
        return reload(trx, current.id)
      })
    },

    /**
     * Issues a fresh link (new secret, new mailbox proof; a pending one-time code dies) with a
     * fresh window; only once the previous one has expired.
     */
    async sendNewInvite(input: { actor: Actor; key: AccountUserKey }): Promise<AccountUserView> {
      // A lost race (another send-new-invite, the sweep storing the expiry) is decided again on
      // what the row now says: a 400 naming the status, or the renewal; not 409 (issue #17).
      return retryingLostRaces(db, async (trx) => {
        const current = await getAccountUser(deps, trx, input.key, input.actor)
        if (current.status !== 'InvitationExpired') {
          throw invitationStatusError('send a new invitation', 'InvitationExpired', current)
        }
        const now = clock.now()
        const secrets = { secret: randomSecret(32), proof: randomSecret(32) }
        const expiresAt = new Date(now.getTime() + config.invitationTtlMs)
        await guardedChange(
          trx,
          current,
          input.actor,
          now,
          {
            status: 'Invited',
            invitation_secret: box.seal(secrets.secret),
            invitation_proof: box.seal(secrets.proof),
            invitation_sent_at: now.toISOString(),
            invitation_expires_at: expiresAt.toISOString(),
          },
          'invitation-renewed',
        )
        await deleteConfirmation(trx, current.id)
        await queueInvitationEmail(trx, deps, {
          accountUser: current,
          secrets,
          expiresAt,
          inviterName: input.actor.accountName,
          isNewLink: true,
        })
        return reload(trx, current.id)
      })
    },

    ...createAccept(deps),
  }

  async function guardedChange(
    trx: Kysely<Database>,
    current: AccountUser,
    actor: Actor,
    now: Date,
    changes: Parameters<typeof updateAccountUserGuarded>[3],
    event: string,
  ): Promise<void> {
    const by = actorRef(actor)
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
      },
    ])
  }
}

function invitationStatusError(action: string, required: string, current: AccountUser): AppError {
  return ruleError(
    'INVITATION_STATUS_INVALID',
    `Cannot ${action}: the invitation status is ${current.status}; this action needs ${required}.`,
    ['invitation.status'],
    { status: current.status, required },
  )
}

export type InvitationService = ReturnType<typeof createInvitationService>
