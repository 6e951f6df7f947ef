import type { AccountType } from '../access/actor.js'

export type AccountStatus = 'Enabled' | 'Active' | 'Disabled'

export const ACCOUNT_TYPES = ['Client', 'Vendor', 'Operations'] as const
export const ACCOUNT_STATUSES = ['Enabled', 'Active', 'Disabled'] as const
export const SERVICE_LEVELS = [
  'Express',
  'Elite',
  'Dsc',
  'Focus',
  'Runners',
  'Strategics',
  'NotApplicable',
] as const

/**
 * The service level of an account created without one: the official SDK never sends it, and the
 * platform accepts its create (issue #11). The Operations account the first start seeds has it too.
 */
export const DEFAULT_SERVICE_LEVEL = 'NotApplicable' satisfies (typeof SERVICE_LEVELS)[number]

export type AccountAction = 'enable' | 'disable' | 'activate' | 'deactivate'

/**
 * The statuses each action starts from (§5.1, decision 21). Only Client accounts use `Enabled`
 * (no CDG yet): activate assigns the CDG, deactivate unassigns it. Vendor and Operations
 * accounts move between `Active` and `Disabled` only.
 */
export const ACCOUNT_ACTIONS: Record<
  AccountAction,
  { from: readonly AccountStatus[]; event: string }
> = {
  enable: { from: ['Disabled'], event: 'enabled' },
  disable: { from: ['Enabled', 'Active'], event: 'disabled' },
  activate: { from: ['Enabled'], event: 'activated' },
  deactivate: { from: ['Active'], event: 'deactivated' },
}

/** The status an account has when it is (re-)enabled or created: Client waits for its CDG. */
export function enabledStatusOf(
  type: AccountType,
  externalId: string | null | undefined,
): AccountStatus {
  return type !== 'Client' || externalId ? 'Active' : 'Enabled'
}

export interface Address {
  addressLine1: string
  addressLine2?: string | null
  postCode: string
  city: string
  state: string
  country: string
}

export interface Account {
  id: string
  name: string
  type: AccountType
  status: AccountStatus
  icon: string | null
  externalId: string | null
  externalName: string | null
  externalIds: { pyraTenantId: string | null } | null
  serviceLevel: string | null
  address: Address | null
  technicalSupportEmail: string | null
  website: string | null
  description: string | null
  eligibility: { client: boolean; partner: boolean } | null
  settings: AccountSettings
}

/** The account's own settings (our extension, issue #15). */
export interface AccountSettings {
  invitations: {
    /** an invitee holding an expired link may have a new one sent without an administrator */
    selfRenew: boolean
  }
}

/** The settings stored as JSON, with defaults for what is absent. */
export function accountSettingsOf(
  stored: Partial<{ invitations: Partial<AccountSettings['invitations']> }> | null,
): AccountSettings {
  return { invitations: { selfRenew: stored?.invitations?.selfRenew === true } }
}
