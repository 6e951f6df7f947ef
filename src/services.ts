import { createAccountUserService } from './account-users/account-user-service.js'
import { createInvitationService } from './account-users/invitation-service.js'
import { createTokenAuthenticator } from './api-tokens/api-token-authentication.js'
import { createApiTokenService } from './api-tokens/api-token-service.js'
import type { Config } from './config.js'
import type { Db } from './db/connect.js'
import type { Clock } from './lib/clock.js'
import { createListCache } from './db/list-cache.js'
import { createTableCounters } from './db/rate-limit-counters.js'
import { createMemoryCounters } from './lib/window-counters.js'
import { createConfirmationLimit } from './account-users/confirmation-limit.js'
import { createSecretBox } from './lib/secrets.js'
import { createEmailTemplates } from './email/templates/email-templates.js'
import { brandingOf } from './web/branding.js'
import { onAuditEvents } from './db/audit.js'
import {
  createAddressPolicy,
  type AddressPolicyOptions,
} from './webhooks/webhook-address-policy.js'
import { queueWebhookDeliveries } from './webhooks/webhook-events.js'
import { createWebhookService } from './webhooks/webhook-service.js'
import { createModuleService } from './modules/module-service.js'
import { createAccountService } from './accounts/account-service.js'
import { createBuyerService } from './buyers/buyer-service.js'
import { createLocalErpSync } from './buyers/erp-sync.js'
import { createSellerService } from './sellers/seller-service.js'
import { createErpLinkService } from './erp-links/erp-link-service.js'
import { createLicenseeService } from './licensees/licensee-service.js'
import { createCloudTenantService } from './cloud-tenants/cloud-tenant-service.js'
import { createUserService } from './users/user-service.js'
import { createUserGroupService } from './user-groups/user-group-service.js'
import { createSessionService } from './sessions/session-service.js'
import { createSignInLimit } from './sessions/sign-in-limit.js'

export interface ServiceDeps {
  database: Db
  clock: Clock
  config: Config
}

/** The composition root: every service, built from its narrow dependencies. */
export function createServices({ database, clock, config }: ServiceDeps) {
  if (!config.secretKey)
    throw new Error('config.secretKey must be resolved before services are built')
  const box = createSecretBox(
    config.secretKey,
    config.previousSecretKey ? [config.previousSecretKey] : [],
  )
  const { db, dialect } = database
  // Rate-limit counters: one process counts SQLite's traffic; PostgreSQL's API nodes count together.
  const counters =
    dialect === 'postgres' ? createTableCounters(db, clock) : createMemoryCounters(clock)
  const branding = brandingOf(config)
  const templates = createEmailTemplates({
    branding,
    publicUrl: config.publicUrl,
    templatesDir: config.templatesDir,
  })
  const accountUserDeps = {
    db,
    clock,
    box,
    templates,
    config: {
      invitationTtlMs: config.invitationTtlMs,
      publicUrl: config.publicUrl,
      invitationReminderMs: config.invitationReminderMs,
    },
    confirmationLimit: config.rateLimit ? createConfirmationLimit(counters) : undefined,
  }
  const authenticator = createTokenAuthenticator({ db, clock })
  // Every audited change queues its webhook deliveries in its own transaction (issue #15).
  onAuditEvents(queueWebhookDeliveries)
  const webhookAddressOptions: AddressPolicyOptions = {
    allowNetworks: config.webhookAllowNetworks,
    ownAddresses: [new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '')],
    ownHostnames: [new URL(config.publicUrl).hostname],
  }
  const webhookAddresses = createAddressPolicy(webhookAddressOptions)
  const users = createUserService({ db, clock, dialect, ssoDomains: config.ssoDomains })
  return {
    db,
    box,
    clock,
    branding,
    templates,
    counters,
    accountUserDeps,
    authenticator,
    accountUsers: createAccountUserService({
      ...accountUserDeps,
      dialect,
      listCache: config.listCache ? createListCache(database.dataVersion) : undefined,
    }),
    invitations: createInvitationService(accountUserDeps),
    userGroups: createUserGroupService({ db, clock, dialect }),
    modules: createModuleService({ db, clock, dialect }),
    apiTokens: createApiTokenService({
      db,
      clock,
      dialect,
      onStatusChanged: authenticator.forgetVerified,
    }),
    accounts: createAccountService({
      db,
      clock,
      dialect,
      onStatusChanged: authenticator.forgetVerified,
    }),
    buyers: createBuyerService({ db, clock, dialect, erpSync: createLocalErpSync() }),
    sellers: createSellerService({ db, clock, dialect }),
    erpLinks: createErpLinkService({ db, clock, dialect }),
    licensees: createLicenseeService({ db, clock, dialect }),
    cloudTenants: createCloudTenantService({ db, clock, dialect }),
    users,
    webhookAddresses,
    webhookAddressOptions,
    webhooks: createWebhookService({ db, clock, box, dialect, policy: webhookAddresses }),
    sessions: createSessionService({
      db,
      clock,
      box,
      config,
      limit: config.rateLimit ? createSignInLimit(counters) : undefined,
      users,
      templates,
    }),
  }
}

export type Services = ReturnType<typeof createServices>
