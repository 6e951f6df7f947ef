import type { OperationNode, SelectQueryBuilder } from 'kysely'
import { listResponse } from '../lib/list-response.js'
import { applyFilter, applyOrder } from '../rql/rql-compiler.js'
import type { CompileContext, FieldMap } from '../rql/rql-fields.js'
import { parseListQuery, type ListQuery } from '../rql/rql-parser.js'
import {
  projectObject,
  resolveProjection,
  type ProjectionSpec,
  type ReferenceExpander,
} from '../rql/rql-select.js'

/**
 * A list's FROM whose joins the count may leave out: `build(joins)` returns the scoped FROM with
 * only the named joins (by alias), every one of which must be a join that neither drops nor
 * repeats a row (an inner join on a NOT NULL foreign key to a primary key), so that the count is
 * the same with or without it. The page always gets every join (its columns read them).
 */
export interface PrunableBase<DB, TB extends keyof DB> {
  joins: readonly string[]
  build: (joins: ReadonlySet<string>) => SelectQueryBuilder<DB, TB, object>
}

type ListBase<DB, TB extends keyof DB> = SelectQueryBuilder<DB, TB, object> | PrunableBase<DB, TB>

const isPrunable = <DB, TB extends keyof DB>(
  base: ListBase<DB, TB>,
): base is PrunableBase<DB, TB> => 'build' in base

/**
 * Whether an operation node (a WHERE, with its subqueries) reads the table alias `alias`: a
 * column reference qualified by it, or raw SQL text that mentions `alias.` (or `"alias".`).
 * Errs towards yes: a raw fragment is matched as text.
 */
export function readsTableAlias(node: unknown, alias: string): boolean {
  const inRaw = new RegExp(`(?<![\\w."$])"?${alias}"?\\.`)
  const walk = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(walk)
    if (value === null || typeof value !== 'object') return false
    const node = value as OperationNode & Record<string, unknown>
    if (node.kind === 'TableNode') {
      const table = (node as unknown as { table: { identifier: { name: string } } }).table
      if (table.identifier.name === alias) return true
    }
    if (node.kind === 'RawNode') {
      const fragments = (node as unknown as { sqlFragments: readonly string[] }).sqlFragments
      if (fragments.some((f) => inRaw.test(f))) return true
    }
    return Object.values(node).some(walk)
  }
  return walk(node)
}

/**
 * One page of a list endpoint: the RQL filter (plus whatever scope the caller already put on
 * `base`), a count of all matches, and the ordered page with a stable tie-break, hydrated. The
 * count runs concurrently with the page and its hydration (on PostgreSQL, a long count on a
 * large table hides the page's round trips); `limit=0` asks for the count alone. With a
 * prunable base the count joins only the tables its WHERE reads: a count filtered on the main
 * table's columns reads that table (or one of its indexes) alone.
 */
export async function fetchListPage<DB, TB extends keyof DB, Row, Model>(input: {
  base: ListBase<DB, TB>
  query: ListQuery
  fields: FieldMap
  ctx: CompileContext
  tieBreak: string
  columns: (qb: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>
  hydrate: (rows: Row[]) => Promise<Model[]>
}): Promise<{ models: Model[]; total: number }> {
  const { query, fields, ctx } = input
  const filter = (qb: SelectQueryBuilder<DB, TB, object>) =>
    query.filter ? applyFilter(qb, query.filter, fields, ctx) : qb
  let base: SelectQueryBuilder<DB, TB, object>
  let counted: SelectQueryBuilder<DB, TB, object>
  if (isPrunable(input.base)) {
    base = filter(input.base.build(new Set(input.base.joins)))
    const where = base.toOperationNode().where
    const needed = input.base.joins.filter((alias) => readsTableAlias(where, alias))
    counted =
      needed.length === input.base.joins.length ? base : filter(input.base.build(new Set(needed)))
  } else {
    base = filter(input.base)
    counted = base
  }
  const count = (counted as SelectQueryBuilder<any, any, object>)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow()
  const models =
    query.limit === 0
      ? Promise.resolve([] as Model[])
      : applyOrder(input.columns(base), query.order, fields, ctx, input.tieBreak)
          .limit(query.limit)
          .offset(query.offset)
          .execute()
          .then((rows) => input.hydrate(rows as Row[]))
  const [{ total }, hydrated] = await Promise.all([count, models])
  return { models: hydrated, total: Number(total) }
}

/**
 * The one path every list endpoint is served by (issue #3): raw query string → RQL → page of
 * rows (the caller's `base` already carries its access scope) → models → presented objects
 * trimmed by `select`, in the `{ $meta, data }` envelope.
 */
export async function serveList<DB, TB extends keyof DB, Row, Model>(input: {
  rawQuery: string
  output: ProjectionSpec
  /** fetches the members of embedded references a nested select asks for */
  expand?: ReferenceExpander | undefined
  base: ListBase<DB, TB>
  fields: FieldMap
  ctx: CompileContext
  tieBreak: string
  columns: (qb: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>
  hydrate: (rows: Row[]) => Promise<Model[]>
  present: (model: Model) => Record<string, unknown>
}) {
  const query = parseListQuery(input.rawQuery)
  const projection = resolveProjection(query.select, input.output)
  const { models, total } = await fetchListPage({ ...input, query })
  const presented = models.map((m) => input.present(m))
  if (input.expand) await input.expand(presented, projection)
  return listResponse(
    query,
    total,
    projection.omitted,
    presented.map((object) => projectObject(object, projection)),
  )
}
