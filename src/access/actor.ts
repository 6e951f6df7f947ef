import type { StoredActor } from '../lib/audit-event.js'

export type AccountType = 'Client' | 'Vendor' | 'Operations'

/** Who is calling: an API token of one account (users sign in through the portal, not here). */
export interface Actor {
  kind: 'ApiToken'
  id: string
  name: string
  icon: string | null
  accountId: string
  accountName: string
  accountType: AccountType
}

/** What audit events record: the token or user that acted (`by`) and its account (`of`). */
export type ActorRef = StoredActor

export function actorRef(actor: Actor | undefined): ActorRef | null {
  if (!actor) return null
  return {
    id: actor.id,
    name: actor.name,
    icon: actor.icon,
    of: { id: actor.accountId, name: actor.accountName, icon: null },
  }
}

export function isOperations(actor: Actor | undefined): boolean {
  return actor?.accountType === 'Operations'
}

/**
 * The account whose objects the actor may see: undefined means every account (Operations).
 * Objects outside it do not exist for the caller (404, never listed).
 */
export function visibleAccountId(actor: Actor): string | undefined {
  return isOperations(actor) ? undefined : actor.accountId
}
