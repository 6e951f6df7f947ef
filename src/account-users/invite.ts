import type { Kysely } from 'kysely'
import { actorRef, visibleAccountId, type Actor } from '../access/actor.js'
import { findAccountRef } from '../accounts/account-repository.js'
import { recordAuditEvents, type AuditEventInput } from '../db/audit.js'
import { isUniqueViolation, parseJson, toDate } from '../db/rows.js'
import { defineQuery } from '../db/defined-query.js'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import { checkPersonInput } from '../users/person-input.js'
import { insertWithUniqueId } from '../lib/ids.js'
import { randomSecret } from '../lib/secrets.js'
import { findGroupRefsOfAccount } from '../user-groups/user-group-repository.js'
import { emailKey, findUserByEmail } from '../users/user-repository.js'
import type {
  AccountUser,
  AccountUserPerson,
  AccountUserView,
  PhoneNumber,
  UserSettings,
} from './account-user.js'
import { presentLegacy } from './account-user-presenter.js'
import { findGroupGrants } from './account-user-repository.js'
import type { AccountUserDeps } from './account-user-lookup.js'
import { invitationUrl } from './invitation-link.js'
import { queueInvitationEmail, reminderDueAt } from './invitation-email.js'

export interface InviteInput {
  actor: Actor
  accountId: string
  user: {
    email: string
    firstName: string
    lastName: string
    phone?: Partial<PhoneNumber> | null
    settings?: UserSettings | null
  }
  groups: Array<{ id: string }>
  invitation?: { status?: string | null } | null
}

/** The invite body's person, checked and normalised. */
interface TypedPerson {
  email: string
  firstName: string
  lastName: string
  phone: PhoneNumber
}

/**
 * Invites a person into an account (§6.3): reuses the user behind the email or creates one,
 * adds an `Invited` membership with a fresh link, and queues the email, in one transaction.
 * The response is assembled from what the transaction wrote, without reading it back.
 */
export function createInvite(deps: AccountUserDeps) {
  const { db, clock, box, config } = deps

  async function inviteOnce(
    trx: Kysely<Database>,
    input: InviteInput,
    typed: TypedPerson,
    groupIds: string[],
  ) {
    const { email } = typed
    const visible = visibleAccountId(input.actor)
    const account =
      visible === undefined || visible === input.accountId
        ? await findAccountRef(trx, input.accountId)
        : undefined
    if (!account) throw new AppError('ACCOUNT_NOT_FOUND')
    const groups = await findGroupRefsOfAccount(trx, input.accountId, groupIds)
    const foreign = groupIds.findIndex((id) => !groups.some((g) => g.id === id))
    if (foreign !== -1) {
      throw ruleError(
        'ACCOUNT_USER_GROUP_INVALID',
        `User group ${groupIds[foreign]} does not belong to account ${input.accountId}.`,
        [`groups[${input.groups.findIndex((g) => g.id === groupIds[foreign])}].id`],
      )
    }
    const now = clock.now()
    const at = now.toISOString()
    const by = actorRef(input.actor)
    const byJson = by ? JSON.stringify(by) : null
    const events: AuditEventInput[] = []
    const existing = await findUserByEmail(trx, email)
    let person: AccountUserPerson
    if (existing) {
      const member = await MEMBERSHIP_ID.first(trx, {
        accountId: input.accountId,
        userId: existing.id,
      })
      if (member) {
        throw ruleError(
          'ACCOUNT_USER_ALREADY_EXISTS',
          `${email} is already a member of account ${input.accountId} (${member.id}).`,
          ['user.email'],
        )
      }
      // §6.2 #12: a Disabled user invited again is Invited; names and password stay theirs.
      const status = existing.status === 'Disabled' ? 'Invited' : existing.status
      if (status !== existing.status) {
        await trx
          .updateTable('users')
          .set({ status, updated_at: at, updated_by: byJson })
          .where('id', '=', existing.id)
          .where('status', '=', existing.status)
          .execute()
      }
      // Someone who registered shows their own profile to every account; until then this account
      // sees what it typed, never what another account typed for the same address (issue #12).
      const registered = existing.password_hash !== null
      person = {
        id: existing.id,
        email: existing.email,
        firstName: registered ? existing.first_name : typed.firstName,
        lastName: registered ? existing.last_name : typed.lastName,
        phone: registered
          ? { prefix: existing.phone_prefix, number: existing.phone_number }
          : typed.phone,
        icon: existing.icon,
        status,
        settings: parseJson(existing.settings, null),
        lastLoginAt: toDate(existing.last_login_at),
        hasPassword: existing.password_hash !== null,
      }
    } else {
      const phone = typed.phone
      const names = { first_name: typed.firstName, last_name: typed.lastName }
      const userId = await insertWithUniqueId('user', async (id) => {
        const row = await INSERT_INVITED_USER.first(trx, {
          id,
          email,
          emailKey: emailKey(email),
          firstName: names.first_name,
          lastName: names.last_name,
          phonePrefix: phone.prefix,
          phoneNumber: phone.number,
          settings: input.user.settings ? JSON.stringify(input.user.settings) : null,
          at,
          by: byJson,
        })
        return row !== undefined
      })
      events.push({
        objectType: 'user',
        objectId: userId,
        accountId: null,
        event: 'created',
        at: now,
        by,
      })
      person = {
        id: userId,
        email,
        firstName: names.first_name,
        lastName: names.last_name,
        phone,
        icon: null,
        status: 'Invited',
        settings: input.user.settings ?? null,
        lastLoginAt: null,
        hasPassword: false,
      }
    }

    const secrets = { secret: randomSecret(32), proof: randomSecret(32) }
    const sealedSecret = box.seal(secrets.secret)
    const sealedProof = box.seal(secrets.proof)
    const expiresAt = new Date(now.getTime() + config.invitationTtlMs)
    const id = await insertWithUniqueId('accountUser', async (candidate) => {
      const row = await INSERT_INVITATION.first(trx, {
        id: candidate,
        accountId: input.accountId,
        userId: person.id,
        secret: sealedSecret,
        proof: sealedProof,
        firstName: typed.firstName,
        lastName: typed.lastName,
        phonePrefix: typed.phone.prefix,
        phoneNumber: typed.phone.number,
        at,
        expiresAt: expiresAt.toISOString(),
        remindAt: reminderDueAt(config, now, expiresAt)?.toISOString() ?? null,
        by: byJson,
      })
      return row !== undefined
    })
    await INSERT_MEMBER_GROUPS.execute(trx, { accountUserId: id, groupIds })
    const grants = await findGroupGrants(trx, groups)
    const accountUser: AccountUser = {
      id,
      accountId: input.accountId,
      userId: person.id,
      storedStatus: 'Invited',
      status: 'Invited',
      sealedSecret,
      sealedProof,
      invitationSentAt: now,
      invitationExpiresAt: expiresAt,
      invitationAcceptedAt: null,
      joinedAt: null,
      accessAt: null,
      lastLoginAt: person.lastLoginAt,
      version: 0,
      createdAt: now,
      createdBy: by,
      updatedAt: null,
      updatedBy: null,
      user: person,
      account,
      groups: groups.map((g) => ({
        id: g.id,
        name: g.name,
        description: g.description,
        logo: g.logo,
        isDefault: Number(g.is_default) === 1,
      })),
      modules: grants.modules,
      buyers: grants.buyers,
    }
    events.push({
      objectType: 'account-user',
      objectId: id,
      accountId: input.accountId,
      event: 'created',
      at: now,
      by,
      // what the listeners would otherwise read back (the webhook payload), without the link
      object: presentLegacy({ ...accountUser, invitationUrl: null }),
    })
    await recordAuditEvents(trx, events)
    await queueInvitationEmail(trx, deps, {
      accountUser,
      secrets,
      expiresAt,
      by,
    })
    // The administrator's copy of the link: without the mailbox proof.
    return { ...accountUser, invitationUrl: invitationUrl(config.publicUrl, secrets.secret, id) }
  }

  return async function invite(input: InviteInput): Promise<AccountUserView> {
    const status = input.invitation?.status
    if (status !== undefined && status !== null && status !== 'Invited') {
      throw validationError({
        'invitation.status': [`Only "Invited" is accepted, got "${status}".`],
      })
    }
    const check = checkPersonInput()
    const email = check.email('user.email', input.user.email)
    const firstName = check.name('user.firstName', input.user.firstName)
    const lastName = check.name('user.lastName', input.user.lastName)
    check.assertValid()
    const typed: TypedPerson = {
      email: email!,
      firstName: firstName!,
      lastName: lastName!,
      phone: { prefix: input.user.phone?.prefix ?? null, number: input.user.phone?.number ?? null },
    }
    const groupIds = [...new Set(input.groups.map((g) => g.id))]
    const work = (trx: Kysely<Database>) => inviteOnce(trx, input, typed, groupIds)
    try {
      return await db.transaction().execute(work)
    } catch (error) {
      // Two concurrent invites of one new email: the loser's retry finds the winner's user.
      if (!isUniqueViolation(error)) throw error
      return db.transaction().execute(work)
    }
  }
}

const MEMBERSHIP_ID = defineQuery((db, v: { accountId: string; userId: string }) =>
  db
    .selectFrom('account_users')
    .select('id')
    .where('account_id', '=', v.accountId)
    .where('user_id', '=', v.userId),
)

/** A new person, Invited: no password, no icon, until they accept. */
const INSERT_INVITED_USER = defineQuery(
  (
    db,
    v: {
      id: string
      email: string
      emailKey: string
      firstName: string
      lastName: string
      phonePrefix: string | null
      phoneNumber: string | null
      settings: string | null
      at: string
      by: string | null
    },
  ) =>
    db
      .insertInto('users')
      .values({
        id: v.id,
        email: v.email,
        email_key: v.emailKey,
        first_name: v.firstName,
        last_name: v.lastName,
        phone_prefix: v.phonePrefix,
        phone_number: v.phoneNumber,
        icon: null,
        status: 'Invited',
        status_before_block: null,
        password_hash: null,
        settings: v.settings,
        last_login_at: null,
        invitation_accepted_at: null,
        created_at: v.at,
        created_by: v.by,
        updated_at: null,
        updated_by: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id'),
)

/** A new Invited membership; its names and phone are what this account typed (issue #12). */
const INSERT_INVITATION = defineQuery(
  (
    db,
    v: {
      id: string
      accountId: string
      userId: string
      secret: string
      proof: string
      firstName: string
      lastName: string
      phonePrefix: string | null
      phoneNumber: string | null
      at: string
      expiresAt: string
      remindAt: string | null
      by: string | null
    },
  ) =>
    db
      .insertInto('account_users')
      .values({
        id: v.id,
        account_id: v.accountId,
        user_id: v.userId,
        status: 'Invited',
        invitation_secret: v.secret,
        invitation_proof: v.proof,
        invitee_first_name: v.firstName,
        invitee_last_name: v.lastName,
        invitee_phone_prefix: v.phonePrefix,
        invitee_phone_number: v.phoneNumber,
        invitation_sent_at: v.at,
        invitation_expires_at: v.expiresAt,
        invitation_remind_at: v.remindAt,
        invitation_accepted_at: null,
        joined_at: null,
        access_at: null,
        last_login_at: null,
        version: 0,
        created_at: v.at,
        created_by: v.by,
        updated_at: null,
        updated_by: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id'),
)

const INSERT_MEMBER_GROUPS = defineQuery(
  (db, v: { accountUserId: string; groupIds: readonly string[] }) =>
    db
      .insertInto('account_user_groups')
      .values(v.groupIds.map((gid) => ({ account_user_id: v.accountUserId, user_group_id: gid }))),
)
