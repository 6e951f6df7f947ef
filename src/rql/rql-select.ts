import type { SelectItem } from './rql-ast.js'
import { unknownField } from './rql-fields.js'
import { parseSelectOnly } from './rql-parser.js'

export interface ProjectionSpec {
  /** every top-level output key of the resource, in output order */
  fields: readonly string[]
  /** keys left out unless selected, reported in `$meta.omitted` (e.g. `['audit']`) */
  omittedByDefault: readonly string[]
  /**
   * top-level key → the members its embedded object(s) carry only when a nested select names
   * them (`select=account.address`): such a member is added to the embedded object's default
   * members instead of trimming them (issue #11)
   */
  expandable?: Readonly<Record<string, readonly string[]>>
}

export interface Projection {
  include: Set<string>
  /** top-level key → the only sub-paths to keep (plus the key's own `id`) */
  nested: Map<string, Set<string>>
  /** top-level key → sub-paths to drop (`-account.address`) */
  removed: Map<string, Set<string>>
  /** top-level keys left out of this response: default omissions and removals, in field order */
  omitted: string[]
  /** top-level key → the expandable members a nested select asked for (fetched, then kept) */
  expand: Map<string, Set<string>>
}

/**
 * Completes freshly presented objects, in place, with what only a select asks for: the members
 * of embedded references a nested select names (`projection.expand`), or a top-level key that is
 * loaded only when included.
 */
export type ReferenceExpander = (
  objects: Array<Record<string, unknown>>,
  projection: Projection,
) => Promise<void>

/**
 * Applies `select` to the default projection (decision 14): `+f` and bare `f` add (fetching a
 * default-omitted key too), `-f` removes, `-*` clears the defaults before the other items, which
 * then apply in order. A nested add (`user.email`, `+groups.id`) trims that key to the listed
 * sub-paths plus `id`; adding the whole key (`+groups`) returns it in full. A nested add of an
 * expandable member (`account.address`, `groups.modules`) keeps the embedded object's default
 * members and adds that one. Unknown keys in `-f` are ignored (official clients send
 * `select=-name` freely); unknown keys in `+f` are refused.
 */
export function resolveProjection(select: SelectItem[], spec: ProjectionSpec): Projection {
  const known = new Set(spec.fields)
  const clearsDefaults = select.some((item) => item.mode === 'remove' && item.path === '*')
  const defaults = spec.fields.filter((key) => !spec.omittedByDefault.includes(key))
  const include = new Set(clearsDefaults ? [] : defaults)
  const nested = new Map<string, Set<string>>()
  const removed = new Map<string, Set<string>>()
  const expand = new Map<string, Set<string>>()
  const whole = new Set<string>()
  for (const item of select) {
    if (item.path === '*') continue
    const [top = '', ...rest] = item.path.split('.')
    const subpath = rest.join('.')
    if (item.mode === 'add') {
      if (!known.has(top)) throw unknownField(item.path)
      include.add(top)
      removed.get(top)?.delete(subpath)
      if (rest[0] !== undefined && spec.expandable?.[top]?.includes(rest[0])) {
        addTo(expand, top, rest[0])
      } else if (subpath === '') {
        whole.add(top)
        nested.delete(top)
      } else if (!whole.has(top)) {
        addTo(nested, top, subpath)
      }
    } else if (known.has(top)) {
      if (subpath !== '') {
        addTo(removed, top, subpath)
        expand.get(top)?.delete(subpath)
      } else {
        include.delete(top)
        nested.delete(top)
        whole.delete(top)
        expand.delete(top)
      }
    }
  }
  // Everything left out is reported, the default omissions and the ones the select removed, so
  // a client can tell "absent because omitted" from "absent because empty" (§3.1).
  const omitted = spec.fields.filter((key) => !include.has(key))
  for (const [key, members] of expand) if (members.size === 0) expand.delete(key)
  return { include, nested, removed, omitted, expand }
}

/**
 * A copy of one output object with the projection applied; adds `$meta.omitted` only when
 * something is omitted. Keys not listed in the spec's `fields` are dropped.
 */
export function projectObject(obj: object, projection: Projection): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  let meta: unknown
  for (const [key, value] of Object.entries(obj)) {
    if (key === '$meta') meta = value
    if (!projection.include.has(key)) continue
    const keep = projection.nested.get(key)
    const drop = projection.removed.get(key)
    const expanded = projection.expand.get(key) ?? []
    let projected: unknown = keep ? keepPaths(value, [...keep, 'id', ...expanded]) : value
    if (drop && drop.size > 0) projected = dropPaths(projected, [...drop])
    result[key] = projected
  }
  if (projection.omitted.length > 0) {
    result.$meta = { ...(isRecord(meta) ? meta : {}), omitted: projection.omitted }
  } else if (meta !== undefined) {
    result.$meta = meta
  }
  return result
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>()
  set.add(value)
  map.set(key, set)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Keeps only the dotted paths; arrays are trimmed element by element. */
function keepPaths(value: unknown, paths: string[]): unknown {
  if (Array.isArray(value)) return value.map((element) => keepPaths(element, paths))
  if (!isRecord(value)) return value
  const children = new Map<string, string[]>()
  for (const path of paths) {
    const [head = '', ...rest] = path.split('.')
    children.set(head, [...(children.get(head) ?? []), rest.join('.')])
  }
  const result: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    const rests = children.get(key)
    if (!rests) continue
    result[key] = rests.includes('') ? child : keepPaths(child, rests)
  }
  return result
}

/** Removes the dotted paths; arrays are trimmed element by element. */
function dropPaths(value: unknown, paths: string[]): unknown {
  if (Array.isArray(value)) return value.map((element) => dropPaths(element, paths))
  if (!isRecord(value)) return value
  const result: Record<string, unknown> = { ...value }
  for (const path of paths) {
    const [head = '', ...rest] = path.split('.')
    if (!(head in result)) continue
    if (rest.length === 0) delete result[head]
    else result[head] = dropPaths(result[head], [rest.join('.')])
  }
  return result
}

/** A by-id read: one presented object trimmed by the `select` of the raw query string. */
export function projectForQuery(
  rawQuery: string,
  spec: ProjectionSpec,
  obj: object,
): Record<string, unknown> {
  return projectObject(obj, resolveProjection(parseSelectOnly(rawQuery), spec))
}

/**
 * {@link projectForQuery} for a resource with embedded references: the members a nested select
 * asks for (`select=account.address`) are fetched by `expand` before the object is trimmed.
 */
export async function projectWithReferences(
  rawQuery: string,
  spec: ProjectionSpec,
  obj: Record<string, unknown>,
  expand: ReferenceExpander,
): Promise<Record<string, unknown>> {
  const projection = resolveProjection(parseSelectOnly(rawQuery), spec)
  await expand([obj], projection)
  return projectObject(obj, projection)
}
