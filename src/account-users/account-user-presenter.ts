import type { ActorRef } from '../access/actor.js'
import { auditEvent } from '../lib/audit-event.js'
import type { EmbeddedReference } from '../references/embedded-references.js'
import type { AccountUserView } from './account-user.js'

/** An audit event with `by` and `of` (the acting token or user, and its account), or a bare date event. */
function event(at: Date | null, by?: ActorRef | null) {
  return at ? auditEvent(at, by) : undefined
}

function invitation(view: AccountUserView) {
  return { status: view.status, url: view.invitationUrl }
}

function userRef(view: AccountUserView) {
  const u = view.user
  return {
    id: u.id,
    name: `${u.firstName} ${u.lastName}`,
    icon: u.icon,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    phone: u.phone,
    status: u.status,
  }
}

/** `AccountUserQueryLegacy`: the membership, `id` = `AUSR-…`. */
export function presentLegacy(view: AccountUserView) {
  return {
    id: view.id,
    user: userRef(view),
    account: view.account,
    groups: view.groups,
    buyers: view.buyers,
    modules: view.modules,
    invitation: invitation(view),
    lastLoginAt: view.lastLoginAt?.toISOString() ?? null,
    audit: {
      created: event(view.createdAt, view.createdBy),
      updated: event(view.updatedAt, view.updatedBy),
      invitationAcceptedAt: view.invitationAcceptedAt?.toISOString() ?? null,
      access: event(view.accessAt),
      joined: event(view.joinedAt),
    },
  }
}

/** The user in the account's context (v5 / SDK), `id` = `USR-…`, with a `user` reference for v4 readers. */
export function presentInAccount(view: AccountUserView) {
  const u = view.user
  return {
    id: u.id,
    name: `${u.firstName} ${u.lastName}`,
    icon: u.icon,
    phone: u.phone,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    status: u.status === 'Blocked' ? 'Blocked' : view.status,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    settings: u.settings ?? undefined,
    user: { id: u.id, name: `${u.firstName} ${u.lastName}`, icon: u.icon, email: u.email },
    accountUserId: view.id,
    account: view.account,
    groups: view.groups,
    buyers: view.buyers,
    modules: view.modules,
    invitation: invitation(view),
    audit: {
      created: event(view.createdAt, view.createdBy),
      updated: event(view.updatedAt, view.updatedBy),
      login: event(u.lastLoginAt),
      access: event(view.accessAt),
      joined: event(view.joinedAt),
    },
  }
}

export type AccountUserFamily = 'legacy' | 'account'

export const PRESENTERS: Record<
  AccountUserFamily,
  (view: AccountUserView) => Record<string, unknown>
> = {
  legacy: presentLegacy,
  account: presentInAccount,
}

export const ACCOUNT_USER_OUTPUT = {
  legacy: [
    'id',
    'user',
    'account',
    'groups',
    'buyers',
    'modules',
    'invitation',
    'lastLoginAt',
    'audit',
  ],
  account: [
    'id',
    'name',
    'icon',
    'phone',
    'email',
    'firstName',
    'lastName',
    'status',
    'lastLoginAt',
    'settings',
    'user',
    'accountUserId',
    'account',
    'groups',
    'buyers',
    'modules',
    'invitation',
    'audit',
  ],
} as const

/** The members the legacy shape's `user` carries by default (naming them in a select trims). */
const LEGACY_USER_EMBEDS = ['email', 'firstName', 'lastName', 'phone', 'status']

/** The references each shape embeds, for nested selects (`select=account.address`, issue #11). */
export const ACCOUNT_USER_REFERENCES: Record<
  AccountUserFamily,
  Record<string, EmbeddedReference>
> = {
  legacy: {
    user: { kind: 'user', embeds: LEGACY_USER_EMBEDS },
    account: { kind: 'account' },
    groups: { kind: 'group' },
    modules: { kind: 'module' },
    buyers: { kind: 'buyer' },
  },
  account: {
    user: { kind: 'user', embeds: ['email'] },
    account: { kind: 'account' },
    groups: { kind: 'group' },
    modules: { kind: 'module' },
    buyers: { kind: 'buyer' },
  },
}
