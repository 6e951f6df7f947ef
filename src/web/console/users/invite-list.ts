import { parse } from 'csv-parse/sync'

/** One person to invite, read from a pasted line or a CSV record. */
export interface InviteRow {
  /** the text it was read from, as shown in the results */
  source: string
  email: string
  firstName: string
  lastName: string
  /** why it cannot be invited as written (nothing is sent for it) */
  problem?: string
}

/** At most this many people per submission: each is one invitation, one transaction, one email. */
export const MAX_INVITES = 100

const DISPLAY_FORM = /^\s*"?([^"<>]*?)"?\s*<([^<>\s]+)>\s*$/

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

/**
 * Names from an address like `grace.hopper@…` (two or more parts): `Grace` `Hopper`. None from
 * `grace@…`: a made-up last name would be wrong, so such a row asks for the names.
 */
function namesFromAddress(email: string): [string, string] | undefined {
  const parts = email
    .split('@')[0]!
    .split(/[._-]+/)
    .filter(Boolean)
  if (parts.length < 2) return undefined
  return [capitalised(parts[0]!), parts.slice(1).map(capitalised).join(' ')]
}

function splitName(name: string): [string, string] | undefined {
  const words = name.trim().split(/\s+/).filter(Boolean)
  if (words.length < 2) return undefined
  return [words[0]!, words.slice(1).join(' ')]
}

const HEADER_NAMES: Record<string, 'email' | 'firstName' | 'lastName'> = {
  email: 'email',
  'email address': 'email',
  'e-mail': 'email',
  firstname: 'firstName',
  'first name': 'firstName',
  first_name: 'firstName',
  lastname: 'lastName',
  'last name': 'lastName',
  last_name: 'lastName',
}

/**
 * Reads people to invite from pasted text or a CSV file: one per line or record, as
 * `ada@example.com, Ada, Lovelace` (comma, semicolon or tab), `Ada Lovelace <ada@example.com>`,
 * or a bare `ada.lovelace@example.com` (names taken from the address). A first record of column
 * names (`email`, `first name`, `last name`, in any order) says which column is which. The
 * address itself is checked by the invitation, as the API checks it.
 */
export function readInviteList(text: string): InviteRow[] {
  const records = parse(text.replace(/^\uFEFF/, ''), {
    delimiter: [',', ';', '\t'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
  }) as string[][]
  let columns: Array<'email' | 'firstName' | 'lastName' | undefined> = [
    'email',
    'firstName',
    'lastName',
  ]
  const first = records[0]
  if (first && first.some((cell) => HEADER_NAMES[cell.toLowerCase()] === 'email')) {
    columns = first.map((cell) => HEADER_NAMES[cell.toLowerCase()])
    records.shift()
  }
  return records
    .filter((record) => record.some((cell) => cell !== ''))
    .map((record) => {
      const source = record.filter((cell) => cell !== '').join(', ')
      const cells: Partial<Record<'email' | 'firstName' | 'lastName', string>> = {}
      record.forEach((cell, i) => {
        const column = columns[i]
        if (column && cell !== '') cells[column] = cell
      })
      let email = cells.email ?? ''
      let names: [string, string] | undefined =
        cells.firstName && cells.lastName ? [cells.firstName, cells.lastName] : undefined
      const display = DISPLAY_FORM.exec(email)
      if (display) {
        email = display[2]!
        names ??= splitName(display[1]!)
      }
      names ??= namesFromAddress(email)
      const row: InviteRow = {
        source,
        email,
        firstName: names?.[0] ?? cells.firstName ?? '',
        lastName: names?.[1] ?? cells.lastName ?? '',
      }
      if (!email) row.problem = 'No email address.'
      else if (!names) row.problem = 'Add a first and last name: ada@example.com, Ada, Lovelace.'
      return row
    })
}
