import type { AccountType } from './actor.js'

const C: AccountType = 'Client'
const V: AccountType = 'Vendor'
const O: AccountType = 'Operations'
const ALL = [C, V, O]

/**
 * Which account types may call each operation (§2.1, decision 19; §11.9 for sellers, licensees,
 * cloud tenants, ERP links and the buyer actions of issue #13). The account type decides;
 * the modules on a token do not. Which objects exist for the caller is a separate rule:
 * `visibleAccountId` in actor.ts.
 */
export const PERMISSIONS = {
  'accounts.create': [O],
  'accounts.list': ALL,
  'accounts.get': ALL,
  'accounts.update': ALL,
  'accounts.changeStatus': [O],
  'accountUsers.list': ALL,
  'accountUsers.get': ALL,
  'accountUsers.invite': ALL,
  'accountUsers.update': ALL,
  'accountUsers.delete': ALL,
  'accountUsers.groups': ALL,
  'accountUsers.invitation': ALL,
  'apiTokens.create': ALL,
  'apiTokens.list': ALL,
  'apiTokens.get': ALL,
  'apiTokens.update': ALL,
  'apiTokens.delete': ALL,
  'apiTokens.changeStatus': ALL,
  'buyers.create': [O],
  'buyers.list': [C, O],
  'buyers.get': [C, O],
  'buyers.update': [C, O],
  'buyers.disable': [C, O],
  'buyers.manage': [O],
  'buyers.validate': [O],
  'buyers.transfer': [O],
  'buyers.transferDetails': [C, O],
  'buyers.synchronize': [O],
  'cloudTenants.create': [O],
  'cloudTenants.list': [O],
  'cloudTenants.get': [O],
  'cloudTenants.update': [O],
  'cloudTenants.delete': [O],
  'erpLinks.list': [C, O],
  'erpLinks.get': [C, O],
  'erpLinks.create': [O],
  'erpLinks.update': [O],
  'erpLinks.block': [O],
  'licensees.create': [C, O],
  'licensees.list': [C, O],
  'licensees.get': [C, O],
  'licensees.update': [C, O],
  'licensees.changeStatus': [C, O],
  'licensees.delete': [C, O],
  'modules.list': [O],
  'modules.get': [O],
  'sellers.create': [O],
  'sellers.list': [C, O],
  'sellers.get': [C, O],
  'sellers.update': [O],
  'sellers.changeStatus': [O],
  'sellers.delete': [O],
  'users.list': ALL,
  'users.get': ALL,
  'users.update': ALL,
  'users.setPassword': ALL,
  'users.ssoCheck': ALL,
  'users.block': [O],
  'users.delete': [O],
  'users.sso': [O],
  'userGroups.create': ALL,
  'userGroups.list': ALL,
  'userGroups.get': ALL,
  'userGroups.update': ALL,
  'userGroups.delete': ALL,
} as const satisfies Record<string, readonly AccountType[]>

export type Operation = keyof typeof PERMISSIONS

export function can(accountType: AccountType, operation: Operation): boolean {
  return (PERMISSIONS[operation] as readonly AccountType[]).includes(accountType)
}
