import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely'
import type { Database } from './schema.js'

/** A value a defined query binds: one parameter, or a list bound element by element (`in`). */
export type QueryValue =
  string | number | bigint | null | undefined | readonly (string | number | null)[]

type Values = Record<string, QueryValue>

/** Where a compiled parameter comes from: one of the values (a list's element), or the SQL's own. */
type Slot = { key: string; index?: number } | { constant: unknown }

interface Template {
  sql: string
  query: CompiledQuery['query']
  slots: Slot[]
}

export interface DefinedQuery<V extends Values, R> {
  /** Runs the query with `values` on `db` (a transaction too). */
  execute(db: Kysely<Database>, values: V): Promise<QueryResult<R>>
  rows(db: Kysely<Database>, values: V): Promise<R[]>
  first(db: Kysely<Database>, values: V): Promise<R | undefined>
}

const MARK = '\u0000'
const marker = (key: string, index?: number) =>
  `${MARK}${key}${index === undefined ? '' : `:${index}`}${MARK}`

/**
 * A query whose SQL depends only on the shape of its values, not on the values themselves:
 * built through Kysely and compiled once per database and shape, then sent again with new values.
 * Building and compiling a Kysely query cost 20–100 µs of the event loop each (measured: a third
 * of an accept's time, a sixth of an invite's); sending prepared SQL costs nothing of the kind.
 *
 * `build` receives stand-ins for the values (unique marker strings: list values get one per
 * element) and must put each one, untouched, where Kysely binds a parameter; anything else (a
 * value changed, concatenated or written into the SQL text) is refused when the query is first
 * compiled. The shape is which values are undefined or null and how long each list is: `build`
 * may branch on those, and each shape is compiled on its own. Through a Kysely instance with
 * plugins (the bench's capture of the SQL), the query is built every time, so plugins see it.
 */
export function defineQuery<V extends Values, R>(
  build: (db: Kysely<Database>, values: V) => Compilable<R>,
): DefinedQuery<V, R> {
  const templates = new WeakMap<object, Map<string, Template>>()

  const templateFor = (db: Kysely<Database>, values: V): Template => {
    const executor = db.getExecutor()
    let byShape = templates.get(executor.adapter)
    if (!byShape) {
      byShape = new Map()
      templates.set(executor.adapter, byShape)
    }
    const shape = shapeOf(values)
    let template = byShape.get(shape)
    if (!template) {
      const { markers, slots } = markersFor(values)
      template = compileTemplate(build(db, markers).compile(), slots)
      byShape.set(shape, template)
    }
    return template
  }

  const execute = (db: Kysely<Database>, values: V): Promise<QueryResult<R>> => {
    if (db.getExecutor().plugins.length > 0) return db.executeQuery(build(db, values))
    const template = templateFor(db, values)
    const parameters = template.slots.map((slot) => {
      if ('constant' in slot) return slot.constant
      const value = values[slot.key]
      return slot.index === undefined ? value : (value as readonly unknown[])[slot.index]
    })
    const compiled: CompiledQuery<R> = {
      ...CompiledQuery.raw(template.sql, parameters),
      query: template.query,
    }
    return db.executeQuery(compiled)
  }

  return {
    execute,
    rows: async (db, values) => (await execute(db, values)).rows,
    first: async (db, values) => (await execute(db, values)).rows[0],
  }
}

function shapeOf(values: Values): string {
  return Object.keys(values)
    .sort()
    .map((key) => {
      const value = values[key]
      if (value === undefined) return `${key}=u`
      if (value === null) return `${key}=n`
      return Array.isArray(value) ? `${key}[${value.length}]` : key
    })
    .join(',')
}

/** Stand-ins for the values, and the slot each stand-in marks. */
function markersFor<V extends Values>(values: V): { markers: V; slots: Map<string, Slot> } {
  const markers: Values = {}
  const slots = new Map<string, Slot>()
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) {
      markers[key] = value
    } else if (Array.isArray(value)) {
      markers[key] = value.map((_, index) => {
        slots.set(marker(key, index), { key, index })
        return marker(key, index)
      })
    } else {
      slots.set(marker(key), { key })
      markers[key] = marker(key)
    }
  }
  return { markers: markers as V, slots }
}

function compileTemplate(compiled: CompiledQuery, slots: Map<string, Slot>): Template {
  if (compiled.sql.includes(MARK))
    throw new Error(`a defined query wrote a value into its SQL text: ${compiled.sql}`)
  return {
    sql: compiled.sql,
    query: compiled.query,
    slots: compiled.parameters.map((parameter): Slot => {
      if (typeof parameter !== 'string' || !parameter.includes(MARK)) return { constant: parameter }
      const slot = slots.get(parameter)
      if (!slot)
        throw new Error(
          `a defined query changed a value before binding it: ${JSON.stringify(parameter)}`,
        )
      return slot
    }),
  }
}
