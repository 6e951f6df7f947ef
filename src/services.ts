import { createAccountUserService } from './account-users/account-user-service.js'
import { createInvitationService } from './account-users/invitation-service.js'
import { createTokenAuthenticator } from './api-tokens/api-token-authentication.js'
import { createApiTokenService } from './api-tokens/api-token-service.js'
import type { Config } from './config.js'
import type { Db } from './db/connect.js'
import type { Clock } from './lib/clock.js'
import { createListCache } from './db/list-cache.js'
import { createSecretBox } from './lib/secrets.js'
import { createModuleService } from './modules/module-service.js'
import { createAccountService } from './accounts/account-service.js'
import { createBuyerService } from './buyers/buyer-service.js'
import { createUserService } from './users/user-service.js'
import { createUserGroupService } from './user-groups/user-group-service.js'

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
  const accountUserDeps = {
    db,
    clock,
    box,
    config: { invitationTtlMs: config.invitationTtlMs, publicUrl: config.publicUrl },
  }
  const authenticator = createTokenAuthenticator({ db, clock })
  return {
    db,
    box,
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
    buyers: createBuyerService({ db, clock, dialect }),
    users: createUserService({ db, clock, dialect }),
  }
}

export type Services = ReturnType<typeof createServices>
