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

/** The `{ id, name, icon }` reference audit events record in `by`. */
export interface ActorRef {
  id: string
  name: string
  icon: string | null
}

export function actorRef(actor: Actor | undefined): ActorRef | null {
  return actor ? { id: actor.id, name: actor.name, icon: actor.icon } : null
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
