import type { SelectQueryBuilder } from 'kysely'
import { applyFilter, applyOrder } from '../rql/rql-compiler.js'
import type { CompileContext, FieldMap } from '../rql/rql-fields.js'
import type { ListQuery } from '../rql/rql-parser.js'

/**
 * One page of a list endpoint: the RQL filter (plus whatever scope the caller already put on
 * `base`), a count of all matches, and the ordered page with a stable tie-break. The count and
 * the page run concurrently; `limit=0` asks for the count alone.
 */
export async function fetchListPage<DB, TB extends keyof DB, Row>(input: {
  base: SelectQueryBuilder<DB, TB, object>
  query: ListQuery
  fields: FieldMap
  ctx: CompileContext
  tieBreak: string
  columns: (qb: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>
}): Promise<{ rows: Row[]; total: number }> {
  const { query, fields, ctx } = input
  const base = query.filter ? applyFilter(input.base, query.filter, fields, ctx) : input.base
  const count = (base as SelectQueryBuilder<any, any, object>)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow()
  const page =
    query.limit === 0
      ? Promise.resolve([] as Row[])
      : applyOrder(input.columns(base), query.order, fields, ctx, input.tieBreak)
          .limit(query.limit)
          .offset(query.offset)
          .execute()
  const [{ total }, rows] = await Promise.all([count, page])
  return { rows: rows as Row[], total: Number(total) }
}
