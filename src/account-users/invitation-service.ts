import type { Kysely } from 'kysely'
import { actorRef, isOperations, type Actor, type ActorRef } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import { hashPassword, randomSecret, secretsEqual } from '../lib/secrets.js'
import type { AccountUser, AccountUserView, PhoneNumber } from './account-user.js'
import { updateAccountUserGuarded } from './account-user-repository.js'
import {
  getAccountUser,
  toView,
  type AccountUserDeps,
  type AccountUserKey,
} from './account-user-lookup.js'
import { decodeInvitationCode } from './invitation-link.js'
import { assertPasswordPolicy } from './password-policy.js'
import { createInvite } from './invite.js'
import { queueInvitationEmail } from './invitation-email.js'

export type { InviteInput } from './invite.js'

export interface AcceptInput {
  actor: Actor | undefined
  key: AccountUserKey
  code?: string | undefined
  firstName?: string | undefined
  lastName?: string | undefined
  phone?: Partial<PhoneNumber> | null | undefined
  password?: string | undefined
}

export function createInvitationService(deps: AccountUserDeps) {
  const { db, clock, box, config } = deps

  async function reload(trx: Kysely<Database>, id: string): Promise<AccountUserView> {
    return toView(deps, await getAccountUser(deps, trx, { id }, undefined))
  }

  return {
    invite: createInvite(deps),

    /** Mails the same link again and restarts its window; only while the invitation is valid. */
    async resendInvite(input: { actor: Actor; key: AccountUserKey }): Promise<AccountUserView> {
      return db.transaction().execute(async (trx) => {
        const current = await getAccountUser(deps, trx, input.key, input.actor)
        if (current.status !== 'Invited' || !current.sealedSecret) {
          throw invitationStatusError('resend the invitation', 'Invited', current)
        }
        const now = clock.now()
        const expiresAt = new Date(now.getTime() + config.invitationTtlMs)
        await guardedChange(
          trx,
          current,
          input.actor,
          now,
          {
            invitation_sent_at: now.toISOString(),
            invitation_expires_at: expiresAt.toISOString(),
          },
          'invitation-resent',
        )
        await queueInvitationEmail(trx, deps, {
          accountUser: current,
          secret: box.open(current.sealedSecret),
          expiresAt,
          inviterName: input.actor.accountName,
        })
        return reload(trx, current.id)
      })
    },

    /** Issues a fresh link with a fresh window; only once the previous one has expired. */
    async sendNewInvite(input: { actor: Actor; key: AccountUserKey }): Promise<AccountUserView> {
      return db.transaction().execute(async (trx) => {
        const current = await getAccountUser(deps, trx, input.key, input.actor)
        if (current.status !== 'InvitationExpired') {
          throw invitationStatusError('send a new invitation', 'InvitationExpired', current)
        }
        const now = clock.now()
        const secret = randomSecret(32)
        const expiresAt = new Date(now.getTime() + config.invitationTtlMs)
        await guardedChange(
          trx,
          current,
          input.actor,
          now,
          {
            status: 'Invited',
            invitation_secret: box.seal(secret),
            invitation_sent_at: now.toISOString(),
            invitation_expires_at: expiresAt.toISOString(),
          },
          'invitation-renewed',
        )
        await queueInvitationEmail(trx, deps, {
          accountUser: current,
          secret,
          expiresAt,
          inviterName: input.actor.accountName,
          isNewLink: true,
        })
        return reload(trx, current.id)
      })
    },

    async acceptInvite(input: AcceptInput): Promise<AccountUserView> {
      const checked = await checkAcceptInput(input)
      return db.transaction().execute(async (trx) => {
        const current = await getAccountUser(deps, trx, input.key, input.actor)
        const codeMatches =
          checked.secret !== undefined &&
          current.sealedSecret !== null &&
          secretsEqual(box.open(current.sealedSecret), checked.secret)
        if (checked.accountUserId && checked.accountUserId !== current.id) {
          throw ruleError(
            'INVITATION_CODE_INVALID',
            'The invitation code belongs to another account user.',
            ['code'],
          )
        }
        if (checked.secret !== undefined && !codeMatches) {
          throw ruleError(
            'INVITATION_CODE_INVALID',
            'The invitation code is wrong or has been replaced by a newer invitation.',
            ['code'],
          )
        }
        const now = clock.now()
        if (current.status === 'Active') {
          // A retry of the accept that succeeded answers the same result while the link's window lasts.
          if (codeMatches && current.invitationExpiresAt && now < current.invitationExpiresAt)
            return toView(deps, current)
          throw ruleError(
            'INVITATION_ALREADY_ACCEPTED',
            `The invitation was already accepted on ${current.invitationAcceptedAt?.toISOString() ?? 'an earlier date'}.`,
            ['code'],
          )
        }
        if (current.status === 'InvitationExpired') {
          throw ruleError(
            'INVITATION_EXPIRED',
            `The invitation expired at ${current.invitationExpiresAt?.toISOString()}; ask an administrator to send a new invitation.`,
            ['code'],
          )
        }
        if (current.user.status === 'Blocked') {
          throw ruleError('USER_BLOCKED', 'The user is blocked and cannot accept invitations.', [
            'user',
          ])
        }
        if (!current.user.hasPassword && checked.passwordHash === undefined) {
          throw ruleError(
            'PASSWORD_REQUIRED',
            'A new user must set a password to accept the invitation.',
            ['password'],
          )
        }
        const by: ActorRef = actorRef(input.actor) ?? {
          id: current.user.id,
          name: `${current.user.firstName} ${current.user.lastName}`,
          icon: current.user.icon,
        }
        const won = await updateAccountUserGuarded(trx, current.id, current.version, {
          status: 'Active',
          joined_at: now.toISOString(),
          invitation_accepted_at: now.toISOString(),
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        })
        if (!won) {
          // A concurrent accept committed first: answer what it produced, or its refusal.
          const after = await getAccountUser(deps, trx, input.key, input.actor)
          if (after.status === 'Active' && codeMatches) return toView(deps, after)
          throw new AppError('CONCURRENT_UPDATE')
        }
        const isNewUser = !current.user.hasPassword
        const userUpdate = await trx
          .updateTable('users')
          .set({
            status:
              current.user.status === 'Invited' ? 'Active' : (current.user.status as 'Active'),
            ...(isNewUser && checked.passwordHash ? { password_hash: checked.passwordHash } : {}),
            ...(isNewUser && input.firstName ? { first_name: input.firstName.trim() } : {}),
            ...(isNewUser && input.lastName ? { last_name: input.lastName.trim() } : {}),
            ...(isNewUser && input.phone
              ? {
                  phone_prefix: input.phone.prefix ?? null,
                  phone_number: input.phone.number ?? null,
                }
              : {}),
            invitation_accepted_at: now.toISOString(),
            updated_at: now.toISOString(),
            updated_by: JSON.stringify(by),
          })
          .where('id', '=', current.user.id)
          // Guarded like the membership: a block that lands meanwhile must not be overwritten.
          .where('status', '=', current.user.status as 'Active')
          .executeTakeFirst()
        if (Number(userUpdate.numUpdatedRows) !== 1) throw new AppError('CONCURRENT_UPDATE')
        await recordAuditEvents(trx, [
          {
            objectType: 'account-user',
            objectId: current.id,
            accountId: current.accountId,
            event: 'invitation-accepted',
            at: now,
            by,
          },
        ])
        return reload(trx, current.id)
      })
    },
  }

  async function checkAcceptInput(input: AcceptInput) {
    const decoded =
      input.code !== undefined && input.code !== '' ? decodeInvitationCode(input.code) : undefined
    if (!decoded && !isOperations(input.actor)) {
      if (!input.actor)
        throw new AppError('AUTHENTICATION_REQUIRED', {
          detail: 'Send the invitation code, or a token.',
        })
      throw validationError({ code: ['The invitation code is required.'] })
    }
    let passwordHash: string | undefined
    if (input.password !== undefined) {
      assertPasswordPolicy(input.password)
      // Hashing is slow on purpose; done before the transaction so it holds no lock meanwhile.
      passwordHash = await hashPassword(input.password)
    }
    return { secret: decoded?.secret, accountUserId: decoded?.accountUserId, passwordHash }
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
