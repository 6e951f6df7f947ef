/** Row ⇄ model helpers shared by repositories: SQLite hands back text and 0/1 where pg has types. */
export function toDate(value: Date | string): Date
export function toDate(value: Date | string | null | undefined): Date | null
export function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null
  return value instanceof Date ? value : new Date(value)
}

export function toIso(value: Date | string | null | undefined): string | null {
  const date = toDate(value)
  return date ? date.toISOString() : null
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback
  return JSON.parse(text) as T
}

export function toFlag(value: boolean): number {
  return value ? 1 : 0
}

/** Both drivers' unique-constraint failures, so services can turn a lost race into a clean answer. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  )
}
