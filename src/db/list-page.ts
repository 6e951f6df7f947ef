import { sql, type OperationNode, type SelectQueryBuilder } from 'kysely'
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
 * A list's FROM whose joins the count may leave out: `build(joins)` returns the FROM with only the
 * named joins (by alias), every one of which must be a join that neither drops nor repeats a row
 * (an inner join on a NOT NULL foreign key to a primary key), so that the count is the same with
 * or without it; `scope` adds the caller's access scope (the rows it may see) to such a FROM. The
 * page's rows get every join (its columns read them).
 */
export interface PrunableBase<DB, TB extends keyof DB> {
  joins: readonly string[]
  build: (joins: ReadonlySet<string>) => SelectQueryBuilder<DB, TB, object>
  scope?: (qb: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, object>
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
 * table's columns reads that table (or one of its indexes) alone. The page, likewise, picks its
 * rows from the tables its WHERE and ORDER BY read, and joins the rest for those rows only.
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
  const order = <Q extends SelectQueryBuilder<DB, TB, any>>(qb: Q) =>
    applyOrder(qb, query.order, fields, ctx, input.tieBreak)
  let base: SelectQueryBuilder<DB, TB, object>
  let counted: SelectQueryBuilder<DB, TB, object>
  let page: () => SelectQueryBuilder<DB, TB, Row>
  if (isPrunable(input.base)) {
    const { joins, build: from, scope = (qb) => qb } = input.base
    const build = (only: ReadonlySet<string>) => scope(from(only))
    base = filter(build(new Set(joins)))
    const where = base.toOperationNode().where
    const orderBy = order(base).toOperationNode().orderBy
    const forCount = joins.filter((alias) => readsTableAlias(where, alias))
    const forPage = joins.filter(
      (alias) => forCount.includes(alias) || readsTableAlias(orderBy, alias),
    )
    counted = forCount.length === joins.length ? base : filter(build(new Set(forCount)))
    page =
      forPage.length === joins.length
        ? () => order(input.columns(base)).limit(query.limit).offset(query.offset)
        : () => {
            // A deferred join: the page's keys come from the tables that decide which rows and in
            // what order (SQLite then walks an index in list order and stops after a page, where
            // with every table joined its planner could pick a join order that sorts all
            // matches), and only those rows, by primary key, are joined to the rest and put in
            // order again. The keys carry the scope; the rows need nothing but their keys.
            const keys = order(filter(build(new Set(forPage))))
              .select(sql.ref(input.tieBreak).as('page_key'))
              .limit(query.limit)
              .offset(query.offset)
            return order(
              input
                .columns(from(new Set(joins)))
                .where(sql.ref(input.tieBreak), 'in', keys as never),
            )
          }
  } else {
    base = filter(input.base)
    counted = base
    page = () => order(input.columns(base)).limit(query.limit).offset(query.offset)
  }
  const count = (counted as SelectQueryBuilder<any, any, object>)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow()
  const models =
    query.limit === 0
      ? Promise.resolve([] as Model[])
      : page()
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
