import { AppError } from '../errors.js'
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely'

export type FieldType = 'string' | 'number' | 'boolean' | 'date'

export interface CompileContext {
  dialect: 'sqlite' | 'postgres'
  /** the request's "now", for time-derived fields such as an expired invitation's status */
  now: Date
}

/** A property that compiles to one SQL expression of the resource's row. */
export interface ScalarField {
  type: FieldType
  sql: (ctx: CompileContext) => Expression<unknown>
  /** default true */
  filterable?: boolean
  /** default true */
  sortable?: boolean
  /** an enum's allowed values; eq/ne/in/out reject anything else */
  values?: readonly string[]
  /**
   * Optional, string fields: a stored column holding exactly the value lowercased as JavaScript's
   * `toLowerCase()` does (Unicode default case mapping) for every row the resource can list, NULL
   * exactly where the value is. `ilike` then matches the lowercased pattern against it with the
   * dialect's case-sensitive matcher (SQLite GLOB, PostgreSQL LIKE): no function call per row on
   * SQLite, no per-character case folding on PostgreSQL, and the same folding on both.
   */
  folded?: (ctx: CompileContext) => Expression<unknown>
  /**
   * Optional: compiles eq/ne/in/out to a predicate of the field's own, typically on stored,
   * indexed columns where `sql` is a derived expression (an index cannot serve `CASE … = ?`).
   * `eq(f,v)` arrives as `in [v]`, `ne(f,v)` as `out [v]`, and a negation (`not(…)`) flips
   * in ⇄ out. Called only for a string field with non-null, enum-checked values (a list with
   * `null()` compiles generically). The result must select exactly the rows the generic
   * comparison of `sql` would: `in` the rows whose value is one of `values`, `out` every other
   * row including those whose value is NULL; and it must be two-valued (never NULL), so that
   * negations stay complements. Return undefined to use the generic comparison.
   */
  compare?: (
    op: 'in' | 'out',
    values: readonly string[],
    ctx: CompileContext,
  ) => Expression<SqlBool> | undefined
}

/**
 * A nested collection (`groups`, `modules`): a correlated subquery over the element rows,
 * filtered with `any()` / `all()` or a dotted path (`groups.id`, which means `any`).
 */
export interface CollectionField {
  collection: (
    eb: ExpressionBuilder<any, any>,
    ctx: CompileContext,
  ) => SelectQueryBuilder<any, any, any>
  fields: FieldMap
}

/** Keys are full dotted public paths: `id`, `user.email`, `audit.created.at`, `groups`. */
export type FieldMap = Record<string, ScalarField | CollectionField>

export type ResolvedField =
  | { kind: 'scalar'; path: string; field: ScalarField }
  | { kind: 'collection'; path: string; field: CollectionField }
  | { kind: 'nested'; path: string; collection: CollectionField; subpath: string }

export function isCollectionField(field: ScalarField | CollectionField): field is CollectionField {
  return 'collection' in field
}

/**
 * Finds a public path in the map: an exact key, or a path into a collection (`groups.id`,
 * longest collection key first). Returns undefined for an unknown path.
 */
export function resolveField(fields: FieldMap, path: string): ResolvedField | undefined {
  const field = Object.hasOwn(fields, path) ? fields[path] : undefined
  if (field) {
    return isCollectionField(field)
      ? { kind: 'collection', path, field }
      : { kind: 'scalar', path, field }
  }
  let best: ResolvedField | undefined
  for (const [key, candidate] of Object.entries(fields)) {
    if (!isCollectionField(candidate) || !path.startsWith(`${key}.`)) continue
    if (best && best.path.length >= key.length) continue
    best = { kind: 'nested', path: key, collection: candidate, subpath: path.slice(key.length + 1) }
  }
  return best
}

export function unknownField(path: string): AppError {
  return new AppError('RQL_UNKNOWN_FIELD', {
    detail: `Unknown field "${path}".`,
    errors: { [path]: ['Unknown field.'] },
  })
}

/** A field read straight from a column, by type: the common case of every field map. */
export const textColumn = (column: string): ScalarField => ({
  type: 'string',
  sql: () => sql.ref(column),
})
export const dateColumn = (column: string): ScalarField => ({
  type: 'date',
  sql: () => sql.ref(column),
})
export const flagColumn = (column: string): ScalarField => ({
  type: 'boolean',
  sql: () => sql.ref(column),
})
