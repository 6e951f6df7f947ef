import type { Kysely } from 'kysely'
import { visibleAccountId, type Actor, type ActorRef } from '../access/actor.js'
import type { Dialect } from '../db/connect.js'
import { fetchListPage } from '../db/list-page.js'
import { parseJson, toIso } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { listResponse } from '../lib/list-response.js'
import { parseListQuery, parseSelectOnly } from '../rql/rql-parser.js'
import { projectObject, resolveProjection } from '../rql/rql-select.js'
import { USER_GROUP_FIELDS, USER_GROUP_OUTPUT } from './user-group-fields.js'

const COLUMNS = [
  'g.id', 'g.account_id', 'g.name', 'g.description', 'g.logo', 'g.is_default', 'g.all_buyers',
  'g.created_at', 'g.created_by', 'g.updated_at', 'g.updated_by',
  'a.name as a_name', 'a.type as a_type', 'a.status as a_status', 'a.icon as a_icon',
] as const

const SPEC = { fields: USER_GROUP_OUTPUT, omittedByDefault: ['audit'] }

export function createUserGroupService(deps: { db: Kysely<Database>; clock: Clock; dialect: Dialect }) {
  const { db, clock, dialect } = deps
  const base = (actor: Actor) => {
    const query = db.selectFrom('user_groups as g').innerJoin('accounts as a', 'a.id', 'g.account_id')
    const scope = visibleAccountId(actor)
    return scope ? query.where('g.account_id', '=', scope) : query
  }
  type Row = Awaited<ReturnType<ReturnType<ReturnType<typeof base>['select']>['executeTakeFirstOrThrow']>>

  /** The groups with their modules and buyers, in two more queries for the whole page. */
  async function present(rows: Row[]) {
    const ids = rows.map((r) => r.id)
    const [modules, buyers] = ids.length === 0 ? [[], []] : await Promise.all([
      db.selectFrom('user_group_modules as gm').innerJoin('modules as m', 'm.id', 'gm.module_id')
        .select(['gm.user_group_id', 'm.id', 'm.name', 'm.description', 'm.paid', 'm.filters', 'm.settings'])
        .where('gm.user_group_id', 'in', ids).orderBy('m.id').execute(),
      db.selectFrom('user_group_buyers as gb').innerJoin('buyers as b', 'b.id', 'gb.buyer_id')
        .select(['gb.user_group_id', 'b.id', 'b.name', 'b.icon'])
        .where('gb.user_group_id', 'in', ids).orderBy('b.id').execute(),
    ])
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      description: row.description,
      logo: row.logo,
      isDefault: Number(row.is_default) === 1,
      account: { id: row.account_id, name: row.a_name, type: row.a_type, status: row.a_status, icon: row.a_icon },
      modules: modules.filter((m) => m.user_group_id === row.id).map((m) => ({
        id: m.id, name: m.name, description: m.description, paid: Number(m.paid) === 1,
        filters: parseJson(m.filters, {}), settings: parseJson(m.settings, {}),
      })),
      buyers: Number(row.all_buyers) === 1
        ? null
        : buyers.filter((b) => b.user_group_id === row.id).map((b) => ({ id: b.id, name: b.name, icon: b.icon })),
      audit: {
        created: { at: toIso(row.created_at), ...byOf(row.created_by) },
        ...(row.updated_at ? { updated: { at: toIso(row.updated_at), ...byOf(row.updated_by) } } : {}),
      },
    }))
  }

  return {
    async list(input: { actor: Actor; rawQuery: string }) {
      const query = parseListQuery(input.rawQuery)
      const projection = resolveProjection(query.select, SPEC)
      const { rows, total } = await fetchListPage({
        base: base(input.actor),
        query,
        fields: USER_GROUP_FIELDS,
        ctx: { dialect, now: clock.now() },
        tieBreak: 'g.id',
        columns: (qb) => qb.select(COLUMNS),
      })
      const items = await present(rows as Row[])
      return listResponse(query, total, projection.omitted, items.map((i) => projectObject(i, projection)))
    },

    async get(input: { actor: Actor; id: string; rawQuery: string }) {
      const row = await base(input.actor).select(COLUMNS).where('g.id', '=', input.id).executeTakeFirst()
      if (!row) throw new AppError('USER_GROUP_NOT_FOUND')
      const [item] = await present([row as Row])
      return projectObject(item!, resolveProjection(parseSelectOnly(input.rawQuery), SPEC))
    },
  }
}

function byOf(json: string | null): { by?: ActorRef } {
  const by = parseJson<ActorRef | null>(json, null)
  return by ? { by } : {}
}

export type UserGroupService = ReturnType<typeof createUserGroupService>
