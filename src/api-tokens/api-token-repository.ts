import { ACCOUNT_REF_COLUMNS, toAccountRef } from '../accounts/account-repository.js'
import type { Kysely } from 'kysely'
import type { ActorRef } from '../access/actor.js'
import { parseJson, toDate } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import type { AccountRef, ModuleRef } from '../account-users/account-user.js'
import type { ApiTokenStatus } from './api-token.js'
import { MODULE_REF_COLUMNS, toModuleRef } from '../modules/module-ref.js'

export function apiTokenBase(db: Kysely<Database>) {
  return db.selectFrom('api_tokens as t').innerJoin('accounts as a', 'a.id', 't.account_id')
}

export const API_TOKEN_COLUMNS = [
  't.id',
  't.account_id',
  't.name',
  't.description',
  't.icon',
  't.status',
  't.last_access_at',
  't.created_at',
  't.created_by',
  't.updated_at',
  't.updated_by',
  ...ACCOUNT_REF_COLUMNS,
] as const

type Row = Awaited<
  ReturnType<ReturnType<ReturnType<typeof apiTokenBase>['select']>['executeTakeFirstOrThrow']>
> & {
  id: string
}

export interface ApiToken {
  id: string
  accountId: string
  name: string
  description: string | null
  icon: string | null
  status: ApiTokenStatus
  lastAccessAt: Date | null
  account: AccountRef
  modules: ModuleRef[]
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
}

/** Rows to models, with each token's modules in one more query. */
export async function hydrateApiTokens(db: Kysely<Database>, rows: Row[]): Promise<ApiToken[]> {
  const ids = rows.map((r) => r.id)
  const modules =
    ids.length === 0
      ? []
      : await db
          .selectFrom('api_token_modules as tm')
          .innerJoin('modules as m', 'm.id', 'tm.module_id')
          .select(['tm.api_token_id', ...MODULE_REF_COLUMNS])
          .where('tm.api_token_id', 'in', ids)
          .orderBy('m.id')
          .execute()
  return rows.map((r) => {
    const row = r as unknown as Record<string, string | null> & Row
    return {
      id: row.id,
      accountId: row.account_id as string,
      name: row.name as string,
      description: row.description,
      icon: row.icon,
      status: row.status as ApiTokenStatus,
      lastAccessAt: toDate(row.last_access_at as string | null),
      account: toAccountRef(row.account_id as string, row),
      modules: modules.filter((m) => m.api_token_id === row.id).map(toModuleRef),
      createdAt: toDate(row.created_at as string),
      createdBy: parseJson<ActorRef | null>(row.created_by, null),
      updatedAt: toDate(row.updated_at as string | null),
      updatedBy: parseJson<ActorRef | null>(row.updated_by, null),
    }
  })
}

export async function setApiTokenModules(
  db: Kysely<Database>,
  tokenId: string,
  moduleIds: string[],
): Promise<void> {
  await db.deleteFrom('api_token_modules').where('api_token_id', '=', tokenId).execute()
  if (moduleIds.length === 0) return
  await db
    .insertInto('api_token_modules')
    .values(moduleIds.map((m) => ({ api_token_id: tokenId, module_id: m })))
    .execute()
}
