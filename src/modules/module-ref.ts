import { parseJson } from '../db/rows.js'

/** The module columns every embedded module reference is built from. */
export const MODULE_REF_COLUMNS = [
  'm.id',
  'm.name',
  'm.description',
  'm.paid',
  'm.filters',
  'm.settings',
] as const

export interface ModuleRefRow {
  id: string
  name: string
  description: string
  paid: number
  filters: string
  settings: string
}

export interface ModuleRef {
  id: string
  name: string
  description: string
  paid: boolean
  filters: Record<string, string[]>
  settings: Record<string, unknown>
}

/** A module as embedded in groups, tokens and account users: its core fields (`ModuleRef`). */
export function toModuleRef(row: ModuleRefRow): ModuleRef {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    paid: Number(row.paid) === 1,
    filters: parseJson(row.filters, {}),
    settings: parseJson(row.settings, {}),
  }
}
