import type { SelectQueryBuilder } from 'kysely'
import { listResponse } from '../lib/list-response.js'
import { applyFilter, applyOrder } from '../rql/rql-compiler.js'
import type { CompileContext, FieldMap } from '../rql/rql-fields.js'
import { parseListQuery, type ListQuery } from '../rql/rql-parser.js'
import { projectObject, resolveProjection } from '../rql/rql-select.js'

/**
 * One page of a list endpoint: the RQL filter (plus whatever scope the caller already put on
 * `base`), a count of all matches, and the ordered page with a stable tie-break, hydrated. The
 * count runs concurrently with the page and its hydration (on PostgreSQL, a long count on a
 * large table hides the page's round trips); `limit=0` asks for the count alone.
 */
export async function fetchListPage<DB, TB extends keyof DB, Row, Model>(input: {
  base: SelectQueryBuilder<DB, TB, object>
  query: ListQuery
  fields: FieldMap
  ctx: CompileContext
  tieBreak: string
  columns: (qb: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>
  hydrate: (rows: Row[]) => Promise<Model[]>
}): Promise<{ models: Model[]; total: number }> {
  const { query, fields, ctx } = input
  const base = query.filter ? applyFilter(input.base, query.filter, fields, ctx) : input.base
  const count = (base as SelectQueryBuilder<any, any, object>)
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
  output: { fields: readonly string[]; omittedByDefault: readonly string[] }
  base: SelectQueryBuilder<DB, TB, object>
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
  return listResponse(
    query,
    total,
    projection.omitted,
    models.map((m) => projectObject(input.present(m), projection)),
  )
}
