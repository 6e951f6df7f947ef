import { randomInt } from 'node:crypto'

/** Id prefixes and digit groups of the platform's formats (reference §1.1). */
export const ID_FORMATS = {
  account: { prefix: 'ACC', groups: 2 },
  accountUser: { prefix: 'AUSR', groups: 3 },
  user: { prefix: 'USR', groups: 2 },
  userGroup: { prefix: 'UGR', groups: 2 },
  module: { prefix: 'MOD', groups: 1 },
  buyer: { prefix: 'BUY', groups: 2 },
  apiToken: { prefix: 'TKN', groups: 2 },
  seller: { prefix: 'SEL', groups: 2 },
  licensee: { prefix: 'LCE', groups: 3 },
  erpLink: { prefix: 'ERP', groups: 3 },
  cloudTenant: { prefix: 'CLT', groups: 2 },
  webhook: { prefix: 'WHK', groups: 2 },
} as const

export type IdKind = keyof typeof ID_FORMATS

const patterns = Object.fromEntries(
  Object.entries(ID_FORMATS).map(([kind, { prefix, groups }]) => [
    kind,
    new RegExp(`^${prefix}(-\\d{4}){${groups}}$`),
  ]),
) as Record<IdKind, RegExp>

export function isId(kind: IdKind, value: string): boolean {
  return patterns[kind].test(value)
}

export function idPattern(kind: IdKind): string {
  return patterns[kind].source
}

export function randomId(kind: IdKind): string {
  const { prefix, groups } = ID_FORMATS[kind]
  const parts: string[] = [prefix]
  for (let i = 0; i < groups; i++) parts.push(String(randomInt(0, 10_000)).padStart(4, '0'))
  return parts.join('-')
}

/**
 * Draws random ids until `isTaken` says one is free. The caller runs this inside the
 * transaction that inserts the row, and the primary key still guards the insert.
 */
export async function newUniqueId(
  kind: IdKind,
  isTaken: (id: string) => Promise<boolean>,
): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = randomId(kind)
    if (!(await isTaken(id))) return id
  }
  throw new Error(`could not draw a free ${kind} id in 20 attempts`)
}

/**
 * Inserts under a fresh random id: `tryInsert` inserts with `ON CONFLICT (id) DO NOTHING` and
 * says whether a row went in. One statement per attempt instead of a look-up plus an insert,
 * and no failed statement to abort a PostgreSQL transaction on a collision.
 */
export async function insertWithUniqueId(
  kind: IdKind,
  tryInsert: (id: string) => Promise<boolean>,
): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = randomId(kind)
    if (await tryInsert(id)) return id
  }
  throw new Error(`could not draw a free ${kind} id in 20 attempts`)
}
