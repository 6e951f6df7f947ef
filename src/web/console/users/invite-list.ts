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
  const comma = name.indexOf(',')
  if (comma > 0) {
    const [last, first] = [name.slice(0, comma).trim(), name.slice(comma + 1).trim()]
    return last && first ? [first, last] : undefined
  }
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
  let columns: Array<'email' | 'firstName' | 'lastName' | undefined> = [
    'email',
    'firstName',
    'lastName',
  ]
  const rows: InviteRow[] = []
  let first = true
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (line.trim() === '') continue
    const display = DISPLAY_FORM.exec(line)
    if (display) {
      // `Ada Lovelace <ada@…>` or, as mail programs copy it, `"Lovelace, Ada" <ada@…>`
      first = false
      rows.push(rowOf(line.trim(), display[2]!, splitName(display[1]!)))
      continue
    }
    const [record = []] = parse(line, {
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      relax_quotes: true,
      trim: true,
    }) as string[][]
    if (first && record.some((cell) => HEADER_NAMES[cell.toLowerCase()] === 'email')) {
      columns = record.map((cell) => HEADER_NAMES[cell.toLowerCase()])
      first = false
      continue
    }
    first = false
    if (!record.some((cell) => cell !== '')) continue
    const cells: Partial<Record<'email' | 'firstName' | 'lastName', string>> = {}
    record.forEach((cell, i) => {
      const column = columns[i]
      if (column && cell !== '') cells[column] = cell
    })
    const given: [string, string] | undefined =
      cells.firstName && cells.lastName ? [cells.firstName, cells.lastName] : undefined
    rows.push(rowOf(record.filter((cell) => cell !== '').join(', '), cells.email ?? '', given))
  }
  return rows
}

function rowOf(source: string, email: string, given: [string, string] | undefined): InviteRow {
  const names = given ?? namesFromAddress(email)
  const row: InviteRow = {
    source,
    email,
    firstName: names?.[0] ?? '',
    lastName: names?.[1] ?? '',
  }
  if (!email) row.problem = 'No email address.'
  else if (!names) row.problem = 'Add a first and last name: ada@example.com, Ada, Lovelace.'
  return row
}
