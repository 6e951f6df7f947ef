import { sql, type Kysely } from 'kysely'
import type { Dialect } from './db/connect.js'
import type { Database } from './db/schema.js'
import { formatCredential, parseCredential } from './api-tokens/api-token-credential.js'
import type { Clock } from './lib/clock.js'
import { randomId } from './lib/ids.js'
import { hashTokenSecret } from './lib/secrets.js'
import { DEFAULT_SERVICE_LEVEL } from './accounts/account.js'
import { MODULE_CATALOGUE } from './modules/module-catalogue.js'
import { randomBytes } from 'node:crypto'

export interface FirstStartResult {
  /** false when the database already had its Operations account */
  created: boolean
  operationsAccountId: string
  tokenId: string
  defaultGroupId: string
  /** the full credential, only when this start generated it (print once, never store) */
  generatedCredential?: string
}

const SYSTEM = JSON.stringify({ id: 'system', name: 'System', icon: null })

/**
 * Seeds an empty database: the module catalogue, an Operations account with a default user
 * group, and an Operations API token. Several processes may start at once on one PostgreSQL:
 * an advisory lock makes exactly one of them seed.
 */
export async function ensureFirstStart(
  deps: { db: Kysely<Database>; dialect: Dialect; clock: Clock },
  options: { bootstrapToken?: string | undefined },
): Promise<FirstStartResult> {
  return deps.db.transaction().execute(async (trx) => {
    if (deps.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(4242001)`.execute(trx)
    const now = deps.clock.now().toISOString()
    for (const m of MODULE_CATALOGUE) {
      await trx
        .insertInto('modules')
        .values({
          id: m.id,
          name: m.name,
          code: m.code,
          description: m.description,
          paid: m.paid ? 1 : 0,
          is_configurable: m.isConfigurable ? 1 : 0,
          is_enabled_by_default: m.isEnabledByDefault ? 1 : 0,
          filters: JSON.stringify(m.filters),
          settings: JSON.stringify({
            sharedAccount: false,
            configurable: m.isConfigurable,
            default: m.isEnabledByDefault,
            paid: m.paid,
            type: m.accountTypes,
            obsolete: m.obsolete,
            eligibility: m.eligibility,
          }),
          account_types: JSON.stringify(m.accountTypes),
          created_at: now,
          updated_at: null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute()
    }
    const existing = await trx
      .selectFrom('accounts as a')
      .leftJoin('api_tokens as t', 't.account_id', 'a.id')
      .leftJoin('user_groups as g', (join) =>
        join.onRef('g.account_id', '=', 'a.id').on('g.is_default', '=', 1),
      )
      .select(['a.id', 't.id as token_id', 'g.id as group_id'])
      .where('a.type', '=', 'Operations')
      .orderBy('a.created_at')
      .executeTakeFirst()
    if (existing)
      return {
        created: false,
        operationsAccountId: existing.id,
        tokenId: existing.token_id ?? '',
        defaultGroupId: existing.group_id ?? '',
      }

    const accountId = randomId('account')
    await trx
      .insertInto('accounts')
      .values({
        id: accountId,
        name: 'Operations',
        type: 'Operations',
        status: 'Active',
        icon: null,
        external_id: null,
        external_name: null,
        external_ids: null,
        service_level: DEFAULT_SERVICE_LEVEL,
        address: null,
        technical_support_email: null,
        website: null,
        description: 'The Operations account created on first start.',
        eligibility: null,
        created_at: now,
        created_by: SYSTEM,
        updated_at: null,
        updated_by: null,
      })
      .execute()
    const groupId = randomId('userGroup')
    await trx
      .insertInto('user_groups')
      .values({
        id: groupId,
        account_id: accountId,
        name: 'Administrators',
        description: 'Default group: every module, every buyer.',
        logo: null,
        is_default: 1,
        all_buyers: 1,
        created_at: now,
        created_by: SYSTEM,
        updated_at: null,
        updated_by: null,
      })
      .execute()
    await trx
      .insertInto('user_group_modules')
      .values(MODULE_CATALOGUE.map((m) => ({ user_group_id: groupId, module_id: m.id })))
      .execute()

    const given = options.bootstrapToken ? parseCredential(options.bootstrapToken) : undefined
    const tokenId = given?.tokenId ?? randomId('apiToken')
    const secret = given?.secret ?? randomBytes(32).toString('base64url')
    await trx
      .insertInto('api_tokens')
      .values({
        id: tokenId,
        account_id: accountId,
        name: 'Bootstrap Operations token',
        description: 'Created on first start.',
        icon: null,
        status: 'Active',
        secret_hash: hashTokenSecret(secret),
        last_access_at: null,
        created_at: now,
        created_by: SYSTEM,
        updated_at: null,
        updated_by: null,
      })
      .execute()
    await trx
      .insertInto('api_token_modules')
      .values(MODULE_CATALOGUE.map((m) => ({ api_token_id: tokenId, module_id: m.id })))
      .execute()
    return {
      created: true,
      operationsAccountId: accountId,
      tokenId,
      defaultGroupId: groupId,
      ...(given ? {} : { generatedCredential: formatCredential(tokenId, secret) }),
    }
  })
}
