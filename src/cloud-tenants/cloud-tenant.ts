import type { ActorRef } from '../access/actor.js'
import type { AccountRef } from '../account-users/account-user.js'

export const CLOUD_TENANT_STATUSES = ['Active', 'Disabled', 'Deleted'] as const
export type CloudTenantStatus = (typeof CLOUD_TENANT_STATUSES)[number]

/** `CloudTenantType` of v4's create DTO; set on create only. */
export const CLOUD_TENANT_TYPES = [
  'AwsDirect',
  'AwsService',
  'Csp365',
  'CspAzure',
  'Ea365',
  'EaAzure',
  'Slm',
  'Virtual',
] as const

export interface CloudTenant {
  id: string
  name: string
  status: CloudTenantStatus
  type: string | null
  account: AccountRef
  externalIds: { pyraTenantId: string; cloudConsumptionId: string; providerId: string | null }
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
}
