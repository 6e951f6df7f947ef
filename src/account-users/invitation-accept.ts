import type { ActorRef } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import { defineQuery } from '../db/defined-query.js'
import { AppError, ruleError } from '../errors.js'
import { hashPassword, PasswordWorkBusyError, verifyPassword } from '../lib/secrets.js'
import { checkPersonInput } from '../users/person-input.js'
import { findPasswordHash } from '../users/user-repository.js'
import type { AccountUser, AccountUserView, PhoneNumber } from './account-user.js'
import { updateAccountUserGuarded } from './account-user-repository.js'
import {
  getAccountUser,
  toView,
  type AccountUserDeps,
  type AccountUserKey,
} from './account-user-lookup.js'
import { NO_CONFIRMATION_LIMIT } from './confirmation-limit.js'
import { openInvitation } from './invitation-code.js'
import {
  checkConfirmationCode,
  requestConfirmationCode,
  type ConfirmationRequest,
} from './invitation-confirmation.js'
import { consumeConfirmation, deleteConfirmation } from './invitation-confirmation-repository.js'
import { assertPasswordPolicy } from './password-policy.js'

/**
 * What the invitee sends (decision 2). No actor: a bearer token on the request is ignored, so no
 * administrator, token or Operations caller accepts for someone or chooses their password.
 */
export interface AcceptInput {
  key: AccountUserKey
  code?: string | undefined
  /** the one-time code mailed to the address, when the link was a copied one */
  oneTimeCode?: string | undefined
  firstName?: string | undefined
  lastName?: string | undefined
  phone?: Partial<PhoneNumber> | null | undefined
  /** a new user's new password; a registered user's current one, to confirm a copied link */
  password?: string | undefined
}

/** How the invitee proved who they are. */
export type Confirmation =
  { via: 'emailed-link' | 'password' | 'session' } | { via: 'one-time-code'; codeHash: string }

/**
 * What only the server knows about the caller, never read from a request body: the person a
 * console session signed in (issue #14). Being signed in as the invited user proves who they are.
 */
export interface InviteeContext {
  signedInUserId?: string | undefined
}

/** What proves the invitee, beside the link's code (accept and decline ask the same). */
export type InviteeProof = Pick<AcceptInput, 'oneTimeCode' | 'password'>

/**
 * Accepting an invitation, in the order that keeps refusals cheap: the code first (constant-time,
 * no hashing), then the statuses, then the proof that the caller is the invitee, and only then
 * any password work (bounded, src/lib/secrets.ts). The proof is the emailed link (it carries the
 * mailbox proof), a one-time code mailed to the address, or, for a person who already has a
 * password, that password. Without one, a one-time code is mailed and the answer is 400
 * INVITATION_CONFIRMATION_REQUIRED. A person without a password always needs proof of the mailbox.
 */
export function createAccept(deps: AccountUserDeps) {
  const { db, clock } = deps
  const confirmInvitee = createInviteeProof(deps)

  async function acceptInvite(
    input: AcceptInput,
    context: InviteeContext = {},
  ): Promise<AccountUserView> {
    const check = checkPersonInput()
    const firstName = check.name('firstName', input.firstName)
    const lastName = check.name('lastName', input.lastName)
    check.assertValid()
    const { accountUser: current, mailboxProven } = await openInvitation(
      deps,
      db,
      input.key,
      input.code,
    )
    const now = clock.now()
    if (current.status === 'Active') {
      // A retry of the accept that succeeded answers the same result while the link's window lasts.
      if (current.invitationExpiresAt && now < current.invitationExpiresAt)
        return toView(deps, current)
      throw ruleError(
        'INVITATION_ALREADY_ACCEPTED',
        `The invitation was already accepted on ${current.invitationAcceptedAt?.toISOString() ?? 'an earlier date'}.`,
        ['code'],
      )
    }
    assertAcceptable(current)
    const confirmation = await confirmInvitee(current, mailboxProven, input, context)
    const isNewUser = !current.user.hasPassword
    let passwordHash: string | undefined
    if (isNewUser) {
      if (input.password === undefined || input.password === '') {
        throw ruleError(
          'PASSWORD_REQUIRED',
          'A new user must set a password to accept the invitation.',
          ['password'],
        )
      }
      assertPasswordPolicy(input.password)
      // Slow on purpose and bounded; done before the transaction so it holds no lock meanwhile.
      passwordHash = await passwordWork(() => hashPassword(input.password!))
    }

    return db.transaction().execute(async (trx) => {
      if (
        confirmation.via === 'one-time-code' &&
        !(await consumeConfirmation(trx, current.id, confirmation.codeHash))
      ) {
        throw ruleError('INVITATION_CONFIRMATION_INVALID', 'The one-time code was used already.', [
          'oneTimeCode',
        ])
      }
      const by: ActorRef = {
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
        const after = await getAccountUser(deps, trx, { id: current.id }, undefined)
        if (after.status === 'Active') return toView(deps, after)
        throw new AppError('CONCURRENT_UPDATE')
      }
      // A new user registers: the names and phone shown on the form (this account's, unless the
      // person typed their own) become their profile.
      const phone = input.phone
        ? { prefix: input.phone.prefix ?? null, number: input.phone.number ?? null }
        : current.user.phone
      const userUpdate = await USER_ACCEPTS.execute(trx, {
        id: current.user.id,
        status: current.user.status,
        nextStatus: current.user.status === 'Invited' ? 'Active' : current.user.status,
        at: now.toISOString(),
        by: JSON.stringify(by),
        ...(isNewUser
          ? {
              passwordHash: passwordHash!,
              firstName: firstName ?? current.user.firstName,
              lastName: lastName ?? current.user.lastName,
              phonePrefix: phone.prefix,
              phoneNumber: phone.number,
            }
          : {}),
      })
      if (Number(userUpdate.numAffectedRows) !== 1) throw new AppError('CONCURRENT_UPDATE')
      if (confirmation.via !== 'one-time-code') await deleteConfirmation(trx, current.id)
      await recordAuditEvents(trx, [
        {
          objectType: 'account-user',
          objectId: current.id,
          accountId: current.accountId,
          event: 'invitation-accepted',
          at: now,
          by,
          details: { confirmedBy: confirmation.via },
        },
      ])
      return toView(deps, await getAccountUser(deps, trx, { id: current.id }, undefined))
    })
  }

  /**
   * The accept page's "email me a code": mails a one-time code for a valid, pending invitation
   * (the code must name it). Says whether a code went out now, shortly before, or too many did.
   */
  async function requestConfirmation(input: { code: string }): Promise<ConfirmationRequest> {
    const { accountUser } = await openInvitation(deps, db, undefined, input.code)
    if (accountUser.status !== 'Invited') {
      throw ruleError(
        'INVITATION_STATUS_INVALID',
        `The invitation is ${accountUser.status}; there is nothing to confirm.`,
        ['code'],
        { status: accountUser.status },
      )
    }
    assertAcceptable(accountUser)
    return db.transaction().execute((trx) => requestConfirmationCode(trx, deps, accountUser))
  }

  return { acceptInvite, requestConfirmation }
}

/** An invitation still Invited that its account and user allow accepting (or declining) now. */
export function assertAcceptable(current: AccountUser): void {
  if (current.status === 'InvitationExpired') {
    throw ruleError(
      'INVITATION_EXPIRED',
      `The invitation expired at ${current.invitationExpiresAt?.toISOString()}; ask an administrator to send a new invitation.`,
      ['code'],
    )
  }
  if (current.account.status === 'Disabled') {
    throw ruleError(
      'ACCOUNT_STATUS_INVALID',
      `The account ${current.account.name} is Disabled: its invitations cannot be accepted until it is enabled again.`,
      ['account'],
      { status: current.account.status },
    )
  }
  if (current.user.status === 'Blocked') {
    throw ruleError('USER_BLOCKED', 'The user is blocked and cannot accept invitations.', ['user'])
  }
}

function confirmationRequired(current: AccountUser, sent: ConfirmationRequest): AppError {
  const mailed =
    sent === 'too-many'
      ? 'Too many one-time codes were mailed this hour; use the last one or try again later.'
      : sent === 'sent-recently'
        ? 'A one-time code was mailed to the address a moment ago.'
        : 'A one-time code has been mailed to the address.'
  const ways = current.user.hasPassword
    ? 'send your password (password), or the one-time code (oneTimeCode)'
    : 'send the one-time code (oneTimeCode) with the password you choose'
  return ruleError(
    'INVITATION_CONFIRMATION_REQUIRED',
    `This link does not show that you are the invitee (it is not the one from the invitation email). ${mailed} To accept, ${ways}, or open the link in the invitation email.`,
    [current.user.hasPassword ? 'password' : 'oneTimeCode'],
    { oneTimeCode: sent },
  )
}

/**
 * Checks that the caller is the invitee, for a pending invitation the code opened: the emailed
 * link, a console session of the invited person, a one-time code mailed to the address, or, for a
 * person who already has a password, that password. Without any, a one-time code is mailed and
 * INVITATION_CONFIRMATION_REQUIRED is thrown. Wrong codes and passwords count towards the account
 * user's confirmation limit.
 */
export function createInviteeProof(deps: AccountUserDeps) {
  const { db } = deps
  async function confirm(
    current: AccountUser,
    mailboxProven: boolean,
    input: InviteeProof,
    context: InviteeContext,
  ): Promise<Confirmation> {
    if (mailboxProven) return { via: 'emailed-link' }
    if (context.signedInUserId !== undefined && context.signedInUserId === current.user.id)
      return { via: 'session' }
    if (input.oneTimeCode !== undefined && input.oneTimeCode !== '') {
      const result = await checkConfirmationCode(db, deps, current.id, input.oneTimeCode)
      if (!result.ok)
        throw ruleError('INVITATION_CONFIRMATION_INVALID', result.reason, ['oneTimeCode'])
      return { via: 'one-time-code', codeHash: result.codeHash }
    }
    if (current.user.hasPassword && input.password !== undefined && input.password !== '') {
      const stored = await findPasswordHash(db, current.user.id)
      const matches =
        stored !== null && (await passwordWork(() => verifyPassword(input.password!, stored)))
      if (!matches)
        throw ruleError('INVITATION_CONFIRMATION_INVALID', 'The password is wrong.', ['password'])
      return { via: 'password' }
    }
    const sent = await db
      .transaction()
      .execute((trx) => requestConfirmationCode(trx, deps, current))
    throw confirmationRequired(current, sent)
  }
  return async function confirmInvitee(
    current: AccountUser,
    mailboxProven: boolean,
    input: InviteeProof,
    context: InviteeContext = {},
  ): Promise<Confirmation> {
    const limit = deps.confirmationLimit ?? NO_CONFIRMATION_LIMIT
    const proven = mailboxProven || context.signedInUserId === current.user.id
    if (!proven) await limit.assertOpen(current.id)
    return confirm(current, mailboxProven, input, context).catch(async (error: unknown) => {
      if (error instanceof AppError && error.code === 'INVITATION_CONFIRMATION_INVALID')
        await limit.countFailure(current.id)
      throw error
    })
  }
}

/** Password work that cannot wait in line right now answers 429 instead of piling up. */
async function passwordWork<T>(work: () => Promise<T>): Promise<T> {
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

/**
 * The person behind an accepted invitation: Active (unless Blocked or Disabled meanwhile…), and a
 * new user registers (`passwordHash` given) with the profile shown on the form.
 */
const USER_ACCEPTS = defineQuery(
  (
    db,
    v: {
      id: string
      status: string
      nextStatus: string
      at: string
      by: string
      passwordHash?: string
      firstName?: string
      lastName?: string
      phonePrefix?: string | null
      phoneNumber?: string | null
    },
  ) =>
    db
      .updateTable('users')
      .set({
        status: v.nextStatus as 'Active',
        ...(v.passwordHash !== undefined
          ? {
              password_hash: v.passwordHash,
              first_name: v.firstName!,
              last_name: v.lastName!,
              phone_prefix: v.phonePrefix ?? null,
              phone_number: v.phoneNumber ?? null,
            }
          : {}),
        invitation_accepted_at: v.at,
        updated_at: v.at,
        updated_by: v.by,
      })
      .where('id', '=', v.id)
      // Guarded like the membership: a block that lands meanwhile must not be overwritten.
      .where('status', '=', v.status as 'Active')
      // …and a password set meanwhile (another invitation accepted) is not replaced.
      .where((eb) =>
        v.passwordHash !== undefined
          ? eb('password_hash', 'is', null)
          : eb('password_hash', 'is not', null),
      ),
)
