import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely'
import { AppError } from '../errors.js'
import type { ComparisonOperator, OrderItem, RqlNode, RqlValue } from './rql-ast.js'
import {
  resolveField,
  unknownField,
  type CollectionField,
  type CompileContext,
  type FieldMap,
  type ScalarField,
} from './rql-fields.js'
import { globToLike, globToSqliteGlob, readValue, typeMismatch } from './rql-values.js'

type Builder = ExpressionBuilder<any, any>
type Condition = Expression<SqlBool>
type Bound = string | number | Expression<unknown>
type FieldNode = Exclude<RqlNode, { op: 'and' | 'or' | 'not' }>
type ScalarNode = Exclude<FieldNode, { op: 'any' | 'all' }>

/** Where names resolve: the resource's own map, or a collection's element map (`groups.`). */
interface Scope {
  fields: FieldMap
  prefix: string
}

/**
 * NULL semantics: every compiled condition is two-valued, so `not(c)` always selects exactly
 * the rows `c` does not. A NULL property is "not equal" to any value: `ne`, `out`, and the
 * negations of `eq`, `lt`, `like` … match it; `eq`, `lt`, `in`, `like` … never do.
 * Negation is pushed down to the leaves (De Morgan) instead of wrapping SQL `NOT`, which
 * would turn NULL comparisons into unknowns.
 */
const LEAF_OPERATORS: Record<
  Exclude<ComparisonOperator, 'like' | 'ilike'>,
  [positive: LeafOperator, negated: LeafOperator]
> = {
  eq: [
    { sql: '=', orNull: false },
    { sql: '<>', orNull: true },
  ],
  ne: [
    { sql: '<>', orNull: true },
    { sql: '=', orNull: false },
  ],
  lt: [
    { sql: '<', orNull: false },
    { sql: '>=', orNull: true },
  ],
  le: [
    { sql: '<=', orNull: false },
    { sql: '>', orNull: true },
  ],
  gt: [
    { sql: '>', orNull: false },
    { sql: '<=', orNull: true },
  ],
  ge: [
    { sql: '>=', orNull: false },
    { sql: '<', orNull: true },
  ],
}

interface LeafOperator {
  sql: '=' | '<>' | '<' | '<=' | '>' | '>='
  orNull: boolean
}

/** Adds the RQL filter to the query's WHERE clause; values are always bound parameters. */
export function applyFilter<QB extends SelectQueryBuilder<any, any, any>>(
  qb: QB,
  node: RqlNode | undefined,
  fields: FieldMap,
  ctx: CompileContext,
): QB {
  if (!node) return qb
  return qb.where((eb: Builder) => compileFilter(eb, node, fields, ctx)) as QB
}

/** The filter as a boolean expression, for callers that build their own WHERE. */
export function compileFilter(
  eb: Builder,
  node: RqlNode,
  fields: FieldMap,
  ctx: CompileContext,
): Condition {
  return new FilterCompiler(eb, ctx).compile(node, { fields, prefix: '' }, false)
}

/**
 * Adds ORDER BY for the requested keys, then the tie-break (e.g. `au.id`) so pages are stable.
 * NULLs sort first ascending and last descending on both databases (SQLite's natural order).
 */
export function applyOrder<QB extends SelectQueryBuilder<any, any, any>>(
  qb: QB,
  order: OrderItem[],
  fields: FieldMap,
  ctx: CompileContext,
  tieBreak: string,
): QB {
  let result: SelectQueryBuilder<any, any, any> = qb
  for (const item of order) {
    const resolved = resolveField(fields, item.path)
    if (!resolved) throw unknownField(item.path)
    if (resolved.kind !== 'scalar' || resolved.field.sortable === false) {
      throw fieldRefused(item.path, 'This field cannot be used to sort.')
    }
    const expression = resolved.field.sql(ctx)
    result = result.orderBy(expression, (ob) =>
      item.direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast(),
    )
  }
  return result.orderBy(sql.ref(tieBreak), 'asc') as QB
}

function fieldRefused(path: string, message: string): AppError {
  return new AppError('RQL_INVALID', {
    detail: `${message} ("${path}")`,
    errors: { [path]: [message] },
  })
}

class FilterCompiler {
  constructor(
    private readonly eb: Builder,
    private readonly ctx: CompileContext,
  ) {}

  compile(node: RqlNode, scope: Scope, negate: boolean): Condition {
    const { eb } = this
    switch (node.op) {
      case 'and':
      case 'or': {
        const parts = node.args.map((arg) => this.compile(arg, scope, negate))
        const isConjunction = (node.op === 'and') !== negate
        if (parts.length === 1) return parts[0] as Condition
        return isConjunction ? eb.and(parts) : eb.or(parts)
      }
      case 'not':
        return this.compile(node.arg, scope, !negate)
      default:
        return this.compileField(node, scope, negate)
    }
  }

  private compileField(node: FieldNode, scope: Scope, negate: boolean): Condition {
    const path = `${scope.prefix}${node.field}`
    const resolved = resolveField(scope.fields, node.field)
    if (!resolved) throw unknownField(path)
    if (resolved.kind === 'nested') {
      // A path into a collection (`eq(groups.id,X)`) means any(groups, eq(id,X)).
      const inner = { ...node, field: resolved.subpath } as RqlNode
      return this.compileCollection('any', resolved.path, resolved.collection, inner, scope, negate)
    }
    if (node.op === 'any' || node.op === 'all') {
      if (resolved.kind !== 'collection') {
        throw fieldRefused(path, 'This field is not a collection.')
      }
      const { op, field, condition } = node
      return this.compileCollection(op, field, resolved.field, condition, scope, negate)
    }
    if (resolved.kind === 'collection') {
      throw fieldRefused(path, 'A collection can only be filtered with any() or all().')
    }
    // TypeScript cannot drop the any|all member through the two `op` checks above.
    return this.compileScalar(path, resolved.field, node as ScalarNode, negate)
  }

  private compileScalar(path: string, field: ScalarField, node: ScalarNode, negate: boolean) {
    if (field.filterable === false) throw fieldRefused(path, 'This field cannot be filtered.')
    switch (node.op) {
      case 'in':
      case 'out':
        return this.compileMembership(path, field, node.values, (node.op === 'in') !== negate)
      case 'like':
      case 'ilike':
        return this.compileLike(path, field, node.op, node.value, negate)
      default:
        return this.compileComparison(path, field, node.op, node.value, negate)
    }
  }

  /** any → EXISTS(element WHERE c); all → NOT EXISTS(element WHERE NOT c). */
  private compileCollection(
    op: 'any' | 'all',
    key: string,
    collection: CollectionField,
    condition: RqlNode,
    scope: Scope,
    negate: boolean,
  ): Condition {
    const inner = { fields: collection.fields, prefix: `${scope.prefix}${key}.` }
    const elements = collection
      .collection(this.eb, this.ctx)
      .select(sql<number>`1`.as('matched'))
      .where(this.compile(condition, inner, op === 'all'))
    const isExists = (op === 'any') !== negate
    return isExists ? this.eb.exists(elements) : this.eb.not(this.eb.exists(elements))
  }

  private compileComparison(
    path: string,
    field: ScalarField,
    op: Exclude<ComparisonOperator, 'like' | 'ilike'>,
    value: RqlValue,
    negate: boolean,
  ): Condition {
    const { eb } = this
    if (value.kind !== 'null' && (op === 'eq' || op === 'ne')) {
      const own = this.fieldComparison(path, field, [value], (op === 'eq') !== negate)
      if (own) return own
    }
    const column = field.sql(this.ctx)
    if (value.kind === 'null') {
      if (op !== 'eq' && op !== 'ne') {
        throw fieldRefused(path, `${op}() cannot compare with null().`)
      }
      return (op === 'eq') !== negate ? eb(column, 'is', null) : eb(column, 'is not', null)
    }
    const operator = LEAF_OPERATORS[op][negate ? 1 : 0]
    const checkEnum = op === 'eq' || op === 'ne'
    const comparison = eb(column, operator.sql, this.bind(path, field, value, checkEnum))
    return operator.orNull ? eb.or([comparison, eb(column, 'is', null)]) : comparison
  }

  /** The field's own `compare` for eq/ne/in/out (see ScalarField.compare), if it has one and takes these values. */
  private fieldComparison(
    path: string,
    field: ScalarField,
    values: RqlValue[],
    isIn: boolean,
  ): Condition | undefined {
    if (!field.compare || field.type !== 'string' || values.length === 0) return undefined
    if (values.some((value) => value.kind === 'null')) return undefined
    const bound = values.map((value) => this.bind(path, field, value, true))
    if (!bound.every((b): b is string => typeof b === 'string')) return undefined
    return field.compare(isIn ? 'in' : 'out', bound, this.ctx)
  }

  private compileMembership(path: string, field: ScalarField, values: RqlValue[], isIn: boolean) {
    const { eb } = this
    const own = this.fieldComparison(path, field, values, isIn)
    if (own) return own
    const column = field.sql(this.ctx)
    const hasNull = values.some((value) => value.kind === 'null')
    const bound = values
      .filter((value) => value.kind !== 'null')
      .map((value) => this.bind(path, field, value, true))
    const isNull = eb(column, 'is', null)
    if (isIn) {
      if (bound.length === 0) return isNull
      const inList = eb(column, 'in', bound)
      return hasNull ? eb.or([inList, isNull]) : inList
    }
    if (bound.length === 0) return eb(column, 'is not', null)
    const notInList = eb(column, 'not in', bound)
    return hasNull ? notInList : eb.or([notInList, isNull])
  }

  /**
   * Anchored globs. `like` is case-sensitive: PostgreSQL LIKE, SQLite GLOB (SQLite's LIKE
   * folds ASCII case). `ilike` folds all of Unicode: PostgreSQL ILIKE, and on SQLite both sides
   * through the `unicode_lower` function registered in connect.ts. A field with a `folded`
   * column (already lowercased) is matched case-sensitively against the lowercased pattern.
   */
  private compileLike(
    path: string,
    field: ScalarField,
    op: 'like' | 'ilike',
    value: RqlValue,
    negate: boolean,
  ): Condition {
    if (field.type !== 'string') throw typeMismatch(path, field.type, `${op}()`)
    if (value.kind === 'null') throw fieldRefused(path, `${op}() needs a pattern, not null().`)
    const pattern = value.kind === 'empty' ? '' : value.raw
    const column = field.sql(this.ctx)
    const not = negate ? sql`not ` : sql``
    const folded = op === 'ilike' ? field.folded?.(this.ctx) : undefined
    let match: Condition
    if (folded && this.ctx.dialect === 'sqlite') {
      match = sql<SqlBool>`${folded} ${not}glob ${globToSqliteGlob(pattern.toLowerCase())}`
    } else if (folded) {
      match = sql<SqlBool>`${folded} ${not}like ${globToLike(pattern.toLowerCase())} escape '\\'`
    } else if (this.ctx.dialect === 'sqlite' && op === 'like') {
      match = sql<SqlBool>`${column} ${not}glob ${globToSqliteGlob(pattern)}`
    } else if (this.ctx.dialect === 'sqlite') {
      const like = globToLike(pattern)
      match = sql<SqlBool>`unicode_lower(${column}) ${not}like unicode_lower(${like}) escape '\\'`
    } else {
      const keyword = op === 'like' ? sql`like` : sql`ilike`
      match = sql<SqlBool>`${column} ${not}${keyword} ${globToLike(pattern)} escape '\\'`
    }
    // NULL matches no pattern; not(…) keeps it. The folded column is NULL exactly where the value is.
    return negate ? this.eb.or([match, this.eb(folded ?? column, 'is', null)]) : match
  }

  /** The value to bind, typed by the field. PostgreSQL gets numbers as numeric explicitly. */
  private bind(path: string, field: ScalarField, value: RqlValue, checkEnum: boolean): Bound {
    if (value.kind === 'null') throw fieldRefused(path, 'null() is not allowed here.')
    if (value.kind === 'empty') {
      if (field.type !== 'string') throw typeMismatch(path, field.type, 'empty()')
      return ''
    }
    if (checkEnum && field.values && !field.values.includes(value.raw)) {
      const message = `Expected one of ${field.values.join(', ')}, got "${value.raw}".`
      throw new AppError('RQL_TYPE_MISMATCH', {
        detail: `Field "${path}": ${message}`,
        errors: { [path]: [message] },
      })
    }
    const bound = readValue(path, field.type, value.raw)
    // An untyped parameter next to an integer column is read as integer by PostgreSQL, which
    // would fail on "1.5" or "1e+21"; numeric compares with every number type.
    if (typeof bound === 'number' && field.type === 'number' && this.ctx.dialect === 'postgres') {
      return sql`cast(${bound} as numeric)`
    }
    return bound
  }
}
