import type { Kysely } from 'kysely'
import { actorRef, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Database } from '../db/schema.js'
import { ruleError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import type { User } from './user.js'

/** The lower-cased domain of an email address. */
function domainOf(email: string): string {
  return email
    .slice(email.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase()
}

/**
 * `sso-check` and `sso` (§11.7, decision 54). No identity provider is built in: SSO applies to the
 * email domains the operator lists (`SSO_DOMAINS`), none by default.
 */
export function createUserSsoUseCases(deps: {
  db: Kysely<Database>
  clock: Clock
  ssoDomains: readonly string[]
  getUser: (executor: Kysely<Database>, actor: Actor, id: string) => Promise<User>
  present: (user: User, actor: Actor) => Record<string, unknown>
}) {
  const { db, clock, getUser, present } = deps
  const domains = new Set(deps.ssoDomains.map((d) => d.toLowerCase()))
  const usesSso = (email: string) => domains.has(domainOf(email))

  return {
    /**
     * `{ sso }` for a user (a `USR-` id, which must be visible) or for an email address, answered
     * from its domain alone: whether someone with that address exists is not revealed.
     */
    async ssoCheck(input: { actor: Actor; id: string }) {
      if (input.id.includes('@')) return { sso: usesSso(input.id) }
      const user = await getUser(db, input.actor, input.id)
      return { sso: usesSso(user.email) }
    },

    /** Operations puts a user on SSO: refused unless an identity provider serves their domain. */
    async enableSso(input: { actor: Actor; id: string }) {
      return db.transaction().execute(async (trx) => {
        const user = await getUser(trx, input.actor, input.id)
        if (!usesSso(user.email)) {
          throw ruleError(
            'SSO_NOT_CONFIGURED',
            domains.size === 0
              ? 'No identity provider is configured (SSO_DOMAINS is empty).'
              : `No identity provider serves ${domainOf(user.email)}.`,
            ['email'],
          )
        }
        await recordAuditEvents(trx, [
          {
            objectType: 'user',
            objectId: user.id,
            accountId: null,
            event: 'ssoEnabled',
            at: clock.now(),
            by: actorRef(input.actor),
          },
        ])
        return present(user, input.actor)
      })
    },
  }
}
