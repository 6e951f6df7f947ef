import type { Kysely } from 'kysely'
import type { Actor, AccountType } from '../access/actor.js'
import type { Database } from '../db/schema.js'
import { toDate } from '../db/rows.js'
import type { Clock } from '../lib/clock.js'
import { tokenSecretMatches } from '../lib/secrets.js'
import { parseCredential } from './api-token-credential.js'

/** `lastAccessAt` is written at most this often per token, not on every request. */
const LAST_ACCESS_RESOLUTION_MS = 60_000

export interface TokenAuthenticator {
  /** The actor a bearer credential stands for, or undefined when it is malformed, unknown, disabled or deleted. */
  authenticate(credential: string): Promise<Actor | undefined>
}

export function createTokenAuthenticator(deps: { db: Kysely<Database>; clock: Clock }): TokenAuthenticator {
  const { db, clock } = deps
  return {
    async authenticate(credential) {
      const parsed = parseCredential(credential)
      if (!parsed) return undefined
      const row = await db
        .selectFrom('api_tokens as t')
        .innerJoin('accounts as a', 'a.id', 't.account_id')
        .select([
          't.id', 't.name', 't.icon', 't.status', 't.secret_hash', 't.last_access_at',
          'a.id as account_id', 'a.name as account_name', 'a.type as account_type', 'a.status as account_status',
        ])
        .where('t.id', '=', parsed.tokenId)
        .executeTakeFirst()
      // Compare even when the token is unknown, so timing does not tell which ids exist.
      const matches = tokenSecretMatches(parsed.secret, row?.secret_hash ?? 'x')
      if (!row || !matches || row.status !== 'Active' || row.account_status === 'Disabled') return undefined
      const now = clock.now()
      const lastAccess = toDate(row.last_access_at)
      if (!lastAccess || now.getTime() - lastAccess.getTime() >= LAST_ACCESS_RESOLUTION_MS) {
        await db
          .updateTable('api_tokens')
          .set({ last_access_at: now.toISOString() })
          .where('id', '=', row.id)
          .execute()
      }
      return {
        kind: 'ApiToken',
        id: row.id,
        name: row.name,
        icon: row.icon,
        accountId: row.account_id,
        accountName: row.account_name,
        accountType: row.account_type as AccountType,
      }
    },
  }
}
