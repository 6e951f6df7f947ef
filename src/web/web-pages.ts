import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { PublicRouteLimits } from '../http/rate-limit.js'
import type { Services } from '../services.js'
import { assetRoutes } from './assets/asset-routes.js'
import { brandingOf } from './branding.js'
import { accountRoutes } from './console/accounts/accounts-routes.js'
import { apiTokenRoutes } from './console/api-tokens/api-tokens-routes.js'
import { registerConsole } from './console/console-plugin.js'
import { profileRoutes } from './console/profile/profile-routes.js'
import { userGroupRoutes } from './console/user-groups/user-groups-routes.js'
import { inviteRoutes } from './console/users/invite-routes.js'
import { usersRoutes } from './console/users/users-routes.js'
import { cookiePolicy, registerFormParser } from './page-kit.js'
import { signInRoutes } from './sign-in/sign-in-routes.js'

export type WebConfig = Pick<
  Config,
  'publicUrl' | 'productName' | 'supportUrl' | 'logoFile' | 'termsUrl'
>

/**
 * The strict policy every page is sent with: scripts and styles only from this service's own
 * files (no inline code, no eval), no framing, forms only to itself.
 */
export const PAGE_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
}

/**
 * The security headers of every page: the CSP above, no framing, no HSTS (TLS ends in front of
 * the service); the invitation page sends no referrer at all (its URL carries the code).
 */
export function pageHelmet(referrer: 'same-origin' | 'no-referrer') {
  return {
    contentSecurityPolicy: PAGE_CSP,
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: referrer },
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  }
}

/**
 * The server-rendered pages: sign-in and passwords at PUBLIC_URL/, the console under /console,
 * and the assets they link. They call the services the API calls; no rule lives here.
 */
export async function webPages(
  app: FastifyInstance,
  services: Services,
  config: WebConfig,
  limits: Pick<PublicRouteLimits, 'pageByAddress'>,
): Promise<void> {
  const branding = brandingOf(config)
  const cookies = cookiePolicy(config)
  await app.register(async (web) => {
    await web.register(helmet, pageHelmet('same-origin'))
    await web.register(cookie)
    registerFormParser(web)
    await assetRoutes(web)
    const deps = { sessions: services.sessions, branding, cookies }
    await signInRoutes(web, { ...deps, limits })
    registerConsole(web, deps)
    await accountRoutes(web, { ...deps, accounts: services.accounts })
    const usersDeps = {
      ...deps,
      accountUsers: services.accountUsers,
      invitations: services.invitations,
      userGroups: services.userGroups,
    }
    await inviteRoutes(web, usersDeps)
    await usersRoutes(web, usersDeps)
    await userGroupRoutes(web, {
      ...deps,
      userGroups: services.userGroups,
      modules: services.modules,
      buyers: services.buyers,
    })
    await apiTokenRoutes(web, { ...deps, apiTokens: services.apiTokens, modules: services.modules })
    await profileRoutes(web, deps)
  })
}
