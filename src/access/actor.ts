import type { StoredActor } from '../lib/audit-event.js'

export type AccountType = 'Client' | 'Vendor' | 'Operations'

interface ActorBase {
  /** the token's `TKN-` id, or the user's `USR-` id */
  id: string
  name: string
  icon: string | null
  accountId: string
  accountName: string
  accountType: AccountType
  /**
   * The `MOD-` ids the actor may use in its account, which `can()` checks: a token's own
   * modules; for a signed-in user, the union of their groups' modules in that account.
   */
  modules: ReadonlySet<string>
}

/** An API token of one account: every caller today. */
export interface ApiTokenActor extends ActorBase {
  kind: 'ApiToken'
}

/**
 * A person signed in to one of their accounts. Nothing authenticates one yet (user sessions come
 * later); the type exists so that `can()` and the self-only rules (set-password) already take it.
 */
export interface UserActor extends ActorBase {
  kind: 'User'
}

/** Who is calling. */
export type Actor = ApiTokenActor | UserActor

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
