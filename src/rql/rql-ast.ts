/**
 * A value as written in the query. Values stay text until compile time, where the field's type
 * decides how to read them; quoted and unquoted values are treated alike (decision 17).
 */
export type RqlValue =
  { kind: 'literal'; raw: string; quoted: boolean } | { kind: 'null' } | { kind: 'empty' }

export type ComparisonOperator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'like' | 'ilike'
export type ListOperator = 'in' | 'out'
export type CollectionOperator = 'any' | 'all'

export type RqlNode =
  | { op: 'and' | 'or'; args: RqlNode[] }
  | { op: 'not'; arg: RqlNode }
  | { op: ComparisonOperator; field: string; value: RqlValue }
  | { op: ListOperator; field: string; values: RqlValue[] }
  | { op: CollectionOperator; field: string; condition: RqlNode }

/** `+f` and bare `f` add, `-f` removes; `-*` (path `*`, mode remove) clears the defaults. */
export interface SelectItem {
  mode: 'add' | 'remove'
  path: string
}

export interface OrderItem {
  path: string
  direction: 'asc' | 'desc'
}

export interface ListQuery {
  filter?: RqlNode
  select: SelectItem[]
  order: OrderItem[]
  /** page size: 10 when absent, silently capped at 100; 0 only counts */
  limit: number
  offset: number
}

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'like',
  'ilike',
]
