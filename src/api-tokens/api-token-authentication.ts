import type { Kysely } from 'kysely'
import type { Actor, AccountType } from '../access/actor.js'
import type { Database } from '../db/schema.js'
import { toDate } from '../db/rows.js'
import type { Clock } from '../lib/clock.js'
import { tokenSecretMatches } from '../lib/secrets.js'
import { parseCredential } from './api-token-credential.js'

/** `lastAccessAt` is written at most this often per token, not on every request. */
const LAST_ACCESS_RESOLUTION_MS = 60_000

/**
 * How long a verified token is trusted without asking the database again. A token disabled
 * in this process is refused at once (`forgetVerified`); one disabled through another API node
 * is refused here within this time.
 */
export const VERIFIED_TOKEN_TTL_MS = 2_000
const VERIFIED_TOKEN_CAPACITY = 10_000

export interface TokenAuthenticator {
  /** The actor a bearer credential stands for, or undefined when it is malformed, unknown, disabled or deleted. */
  authenticate(credential: string): Promise<Actor | undefined>
  /** Drops every remembered verification: a token changed status or modules, or an account its status. */
  forgetVerified(): void
}

export function createTokenAuthenticator(deps: {
  db: Kysely<Database>
  clock: Clock
}): TokenAuthenticator {
  const { db, clock } = deps
  // Keyed by token id; holds the secret's hash, never the secret.
  const verified = new Map<string, { secretHash: string; actor: Actor; at: number }>()
  return {
    forgetVerified: () => verified.clear(),
    async authenticate(credential) {
      const parsed = parseCredential(credential)
      if (!parsed) return undefined
      const remembered = verified.get(parsed.tokenId)
      if (remembered && clock.now().getTime() - remembered.at < VERIFIED_TOKEN_TTL_MS) {
        return tokenSecretMatches(parsed.secret, remembered.secretHash)
          ? remembered.actor
          : undefined
      }
      const row = await db
        .selectFrom('api_tokens as t')
        .innerJoin('accounts as a', 'a.id', 't.account_id')
        .select([
          't.id',
          't.name',
          't.icon',
          't.status',
          't.secret_hash',
          't.last_access_at',
          'a.id as account_id',
          'a.name as account_name',
          'a.type as account_type',
          'a.status as account_status',
        ])
        .where('t.id', '=', parsed.tokenId)
        .executeTakeFirst()
      // Compare even when the token is unknown, so timing does not tell which ids exist.
      const matches = tokenSecretMatches(parsed.secret, row?.secret_hash ?? 'x')
      if (!row || !matches || row.status !== 'Active' || row.account_status === 'Disabled')
        return undefined
      const now = clock.now()
      const lastAccess = toDate(row.last_access_at)
      if (!lastAccess || now.getTime() - lastAccess.getTime() >= LAST_ACCESS_RESOLUTION_MS) {
        await db
          .updateTable('api_tokens')
          .set({ last_access_at: now.toISOString() })
          .where('id', '=', row.id)
          .execute()
      }
      const modules = await db
        .selectFrom('api_token_modules')
        .select('module_id')
        .where('api_token_id', '=', row.id)
        .execute()
      const actor: Actor = {
        kind: 'ApiToken',
        modules: new Set(modules.map((m) => m.module_id)),
        id: row.id,
        name: row.name,
        icon: row.icon,
        accountId: row.account_id,
        accountName: row.account_name,
        accountType: row.account_type as AccountType,
      }
      if (verified.size >= VERIFIED_TOKEN_CAPACITY) verified.clear()
      verified.set(row.id, { secretHash: row.secret_hash, actor, at: now.getTime() })
      return actor
    },
  }
}
