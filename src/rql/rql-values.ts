import { AppError } from '../errors.js'
import type { FieldType } from './rql-fields.js'

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`
const TIME = String.raw`(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?`
const INSTANT = new RegExp(`^${DATE}(?:[T ]${TIME})?$`, 'i')

export function typeMismatch(field: string, type: string, raw: string): AppError {
  const message = `Expected ${type === 'date' ? 'an ISO-8601 date' : `a ${type}`}, got "${raw}".`
  return new AppError('RQL_TYPE_MISMATCH', {
    detail: `Field "${field}": ${message}`,
    errors: { [field]: [message] },
  })
}

/**
 * Reads a query value as the field's type, as the value to bind: booleans become 1/0 (the
 * columns are integers on both databases), numbers a finite Number, dates the canonical
 * `toISOString()` text that is stored on SQLite and cast by PostgreSQL.
 */
export function readValue(field: string, type: FieldType, raw: string): string | number {
  switch (type) {
    case 'string':
      return raw
    case 'number': {
      const value = NUMBER.test(raw) ? Number(raw) : Number.NaN
      if (!Number.isFinite(value)) throw typeMismatch(field, type, raw)
      return value
    }
    case 'boolean': {
      const word = raw.toLowerCase()
      if (word !== 'true' && word !== 'false') throw typeMismatch(field, type, raw)
      return word === 'true' ? 1 : 0
    }
    case 'date': {
      const instant = readInstant(raw)
      if (instant === undefined) throw typeMismatch(field, type, raw)
      return instant
    }
  }
}

/**
 * An ISO-8601 date (`2024-01-01`, midnight UTC) or date-time (`2024-01-01T08:00:00.000Z`,
 * `2024-01-01T00:00:00+00:00`); a date-time without a zone is read as UTC. Returns the
 * `toISOString()` form, or undefined when the text is not a real instant in years 1–9999.
 */
export function readInstant(raw: string): string | undefined {
  const match = INSTANT.exec(raw.trim())
  if (!match) return undefined
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = match
  const offset = normaliseZone(zone)
  const days = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate()
  const isValid =
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= days &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    offset !== undefined
  if (!isValid) return undefined
  const millis = fraction.padEnd(3, '0').slice(0, 3)
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`)
  const resultYear = date.getUTCFullYear()
  if (Number.isNaN(date.getTime()) || resultYear < 1 || resultYear > 9999) return undefined
  return date.toISOString()
}

function normaliseZone(zone: string | undefined): string | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 'Z'
  const digits = zone.slice(1).replace(':', '').padEnd(4, '0')
  const hours = Number(digits.slice(0, 2))
  const minutes = Number(digits.slice(2, 4))
  if (hours > 23 || minutes > 59) return undefined
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4)}`
}

const ANY_RUN = Symbol('any run')
type GlobPart = string | typeof ANY_RUN

/** RQL's anchored glob: `*` is any run, `\*` a literal star, `\\` a literal backslash. */
function readGlob(pattern: string): GlobPart[] {
  const parts: GlobPart[] = []
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    const next = pattern[i + 1]
    if (ch === '\\' && (next === '*' || next === '\\')) {
      parts.push(next)
      i++
    } else {
      parts.push(ch === '*' ? ANY_RUN : ch)
    }
  }
  return parts
}

/** A LIKE pattern for `ESCAPE '\'`: the input's own `%`, `_` and `\` match literally. */
export function globToLike(pattern: string): string {
  return readGlob(pattern)
    .map((part) => (part === ANY_RUN ? '%' : part.replace(/[\\%_]/g, (ch) => `\\${ch}`)))
    .join('')
}

/** A pattern for SQLite's case-sensitive GLOB: `*`, `?` and `[` are matched through a set. */
export function globToSqliteGlob(pattern: string): string {
  return readGlob(pattern)
    .map((part) => (part === ANY_RUN ? '*' : part.replace(/[*?[]/g, (ch) => `[${ch}]`)))
    .join('')
}
