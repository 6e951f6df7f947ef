import type { AccountType, Actor } from './actor.js'

const C: AccountType = 'Client'
const V: AccountType = 'Vendor'
const O: AccountType = 'Operations'
const ALL = [C, V, O]

/** The modules access is granted through (ids of the catalogue, src/modules/module-catalogue.ts). */
export const MODULES = {
  marketplace: { id: 'MOD-0478', name: 'Marketplace' },
  accessManagement: { id: 'MOD-1756', name: 'Access Management' },
  accountManagement: { id: 'MOD-9042', name: 'Account Management' },
} as const

const ACCESS = MODULES.accessManagement
const ACCOUNT = MODULES.accountManagement
const MARKETPLACE = MODULES.marketplace

export interface Permission {
  /** the account types that may ever use the operation (§2.1, decision 19) */
  accountTypes: readonly AccountType[]
  /** the actor must hold at least one of these modules; empty: no module is needed */
  anyModule: ReadonlyArray<{ id: string; name: string }>
}

const allow = (
  accountTypes: readonly AccountType[],
  ...anyModule: Array<{ id: string; name: string }>
): Permission => ({ accountTypes, anyModule })

/**
 * The one place access is decided: for each operation, the account types that may use it and the
 * modules the actor must hold (a token's modules are its permissions, as the official access
 * table defines them): Access Management for users, account users and their invitations, user
 * groups and API tokens; Account Management to create or change accounts, buyers, licensees,
 * sellers, ERP links and cloud tenants; Account Management or Marketplace to read buyers,
 * licensees, sellers and ERP links (§11.9 for the account types of those). Reading accounts and the module catalogue needs no
 * module. Which objects exist for the caller is a separate rule: `visibleAccountId` in actor.ts.
 * A new operation is added here, with both.
 */
export const PERMISSIONS = {
  'accounts.create': allow([O], ACCOUNT),
  'accounts.list': allow(ALL),
  'accounts.get': allow(ALL),
  'accounts.update': allow(ALL, ACCOUNT),
  'accounts.changeStatus': allow([O], ACCOUNT),
  'accountUsers.list': allow(ALL, ACCESS),
  'accountUsers.get': allow(ALL, ACCESS),
  'accountUsers.invite': allow(ALL, ACCESS),
  'accountUsers.update': allow(ALL, ACCESS),
  'accountUsers.delete': allow(ALL, ACCESS),
  'accountUsers.groups': allow(ALL, ACCESS),
  'accountUsers.invitation': allow(ALL, ACCESS),
  'apiTokens.create': allow(ALL, ACCESS),
  'apiTokens.list': allow(ALL, ACCESS),
  'apiTokens.get': allow(ALL, ACCESS),
  'apiTokens.update': allow(ALL, ACCESS),
  'apiTokens.delete': allow(ALL, ACCESS),
  'apiTokens.changeStatus': allow(ALL, ACCESS),
  'buyers.create': allow([O], ACCOUNT),
  'buyers.list': allow([C, O], ACCOUNT, MARKETPLACE),
  'buyers.get': allow([C, O], ACCOUNT, MARKETPLACE),
  'buyers.update': allow([C, O], ACCOUNT),
  'buyers.disable': allow([C, O], ACCOUNT),
  'buyers.manage': allow([O], ACCOUNT),
  'buyers.validate': allow([O], ACCOUNT),
  'buyers.transfer': allow([O], ACCOUNT),
  'buyers.transferDetails': allow([C, O], ACCOUNT),
  'buyers.synchronize': allow([O], ACCOUNT),
  'cloudTenants.create': allow([O], ACCOUNT),
  'cloudTenants.list': allow([O], ACCOUNT),
  'cloudTenants.get': allow([O], ACCOUNT),
  'cloudTenants.update': allow([O], ACCOUNT),
  'cloudTenants.delete': allow([O], ACCOUNT),
  'erpLinks.list': allow([C, O], ACCOUNT, MARKETPLACE),
  'erpLinks.get': allow([C, O], ACCOUNT, MARKETPLACE),
  'erpLinks.create': allow([O], ACCOUNT),
  'erpLinks.update': allow([O], ACCOUNT),
  'erpLinks.block': allow([O], ACCOUNT),
  'licensees.create': allow([C, O], ACCOUNT),
  'licensees.list': allow([C, O], ACCOUNT, MARKETPLACE),
  'licensees.get': allow([C, O], ACCOUNT, MARKETPLACE),
  'licensees.update': allow([C, O], ACCOUNT),
  'licensees.changeStatus': allow([C, O], ACCOUNT),
  'licensees.delete': allow([C, O], ACCOUNT),
  'modules.list': allow([O]),
  'modules.get': allow([O]),
  // A person signed in to the console lists and ends their own sessions (issue #14).
  'sessions.list': allow(ALL),
  'sessions.revoke': allow(ALL),
  'sellers.create': allow([O], ACCOUNT),
  'sellers.list': allow([C, O], ACCOUNT, MARKETPLACE),
  'sellers.get': allow([C, O], ACCOUNT, MARKETPLACE),
  'sellers.update': allow([O], ACCOUNT),
  'sellers.changeStatus': allow([O], ACCOUNT),
  'sellers.delete': allow([O], ACCOUNT),
  'users.list': allow(ALL, ACCESS),
  'users.get': allow(ALL, ACCESS),
  'users.update': allow(ALL, ACCESS),
  // Only the user themself may set their password (user-service.ts): no module grants it for others.
  'users.setPassword': allow(ALL),
  'users.ssoCheck': allow(ALL),
  'users.block': allow([O], ACCESS),
  'users.delete': allow([O], ACCESS),
  'users.sso': allow([O], ACCESS),
  'userGroups.create': allow(ALL, ACCESS),
  'userGroups.list': allow(ALL, ACCESS),
  'userGroups.get': allow(ALL, ACCESS),
  'userGroups.update': allow(ALL, ACCESS),
  'userGroups.delete': allow(ALL, ACCESS),
  // Our extension (issue #15): an account's administrators manage its webhooks.
  'webhooks.create': allow(ALL, ACCESS),
  'webhooks.list': allow(ALL, ACCESS),
  'webhooks.get': allow(ALL, ACCESS),
  'webhooks.update': allow(ALL, ACCESS),
  'webhooks.delete': allow(ALL, ACCESS),
  'webhooks.changeStatus': allow(ALL, ACCESS),
  'webhooks.deliveries': allow(ALL, ACCESS),
  'webhooks.redeliver': allow(ALL, ACCESS),
} as const satisfies Record<string, Permission>

export type Operation = keyof typeof PERMISSIONS

/** What `can` looks at: an API token and a signed-in user alike. */
export type Permitted = Pick<Actor, 'accountType' | 'modules'>

/** Why the actor may not perform the operation, or undefined when it may. */
export function refusalOf(actor: Permitted, operation: Operation): string | undefined {
  const permission: Permission = PERMISSIONS[operation]
  if (!permission.accountTypes.includes(actor.accountType))
    return `${actor.accountType} accounts may not use ${operation}.`
  const needed = permission.anyModule
  if (needed.length > 0 && !needed.some((m) => actor.modules.has(m.id)))
    return `${operation} needs the ${needed.map((m) => `${m.name} (${m.id})`).join(' or ')} module.`
  return undefined
}

export function can(actor: Permitted, operation: Operation): boolean {
  return refusalOf(actor, operation) === undefined
}
