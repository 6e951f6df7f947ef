import type { Kysely } from 'kysely'
import { findAccountsByIds } from '../accounts/account-repository.js'
import { presentBuyer } from '../buyers/buyer-presenter.js'
import { findBuyersByIds } from '../buyers/buyer-repository.js'
import type { Database } from '../db/schema.js'
import { findModuleDetails } from '../modules/module-repository.js'
import type { ReferenceExpander } from '../rql/rql-select.js'
import { findGroupGrantsByGroup } from '../user-groups/user-group-repository.js'
import { findUserProfiles } from '../users/user-repository.js'

/** The kinds of object other resources embed as a reference (their core members). */
export type ReferenceKind = 'account' | 'user' | 'group' | 'module' | 'buyer'

type Details = Map<string, Record<string, unknown>>

/**
 * The members each kind carries beyond its embedded reference, for a nested select to add
 * (`select=account.address`, `groups.modules`, `buyers.address`, `user.phone`: issue #11), and
 * where they are read from. An account's own groups and an embedded object's audit are not
 * offered: `select=audit` and the objects' own endpoints have them.
 */
const KINDS: Record<
  ReferenceKind,
  { members: readonly string[]; load: (db: Kysely<Database>, ids: string[]) => Promise<Details> }
> = {
  account: {
    members: [
      'externalId',
      'externalName',
      'externalIds',
      'serviceLevel',
      'address',
      'technicalSupportEmail',
      'website',
      'description',
      'eligibility',
    ],
    load: async (db, ids) =>
      new Map(
        [...(await findAccountsByIds(db, ids))].map(([id, account]) => [
          id,
          account as unknown as Record<string, unknown>,
        ]),
      ),
  },
  user: {
    members: ['email', 'firstName', 'lastName', 'phone', 'lastLoginAt', 'settings'],
    load: findUserProfiles,
  },
  group: {
    members: ['modules', 'buyers'],
    load: findGroupGrantsByGroup,
  },
  module: {
    members: ['isConfigurable', 'isEnabledByDefault', 'code', 'accountTypes'],
    load: findModuleDetails,
  },
  buyer: {
    members: ['status', 'address', 'contact', 'externalIds', 'taxId'],
    load: async (db, ids) =>
      new Map(
        (await findBuyersByIds(db, ids)).map((buyer) => [
          buyer.id,
          presentBuyer(buyer, { withErrors: false }),
        ]),
      ),
  },
}

/** One embedded reference of a resource: its kind, and the members its default embed has. */
export interface EmbeddedReference {
  kind: ReferenceKind
  /** members the reference already carries by default: naming them trims, as before */
  embeds?: readonly string[]
}

/**
 * A resource's embedded references by top-level key: the projection's `expandable` members, and
 * the expander that reads them (one query per kind asked for, for a whole page).
 */
export function embeddedReferences(
  db: Kysely<Database>,
  references: Readonly<Record<string, EmbeddedReference>>,
): { expandable: Record<string, readonly string[]>; expand: ReferenceExpander } {
  const expandable = Object.fromEntries(
    Object.entries(references).map(([key, { kind, embeds = [] }]) => [
      key,
      KINDS[kind].members.filter((member) => !embeds.includes(member)),
    ]),
  )
  const expand: ReferenceExpander = async (objects, projection) => {
    for (const [key, members] of projection.expand) {
      const reference = references[key]
      if (!reference) continue
      const targets = objects.flatMap((object) => [object[key]].flat()).filter(hasId)
      const ids = [...new Set(targets.map((target) => target.id))]
      if (ids.length === 0) continue
      const details = await KINDS[reference.kind].load(db, ids)
      const expandOne = (value: unknown) => {
        if (!hasId(value)) return value
        const found = details.get(value.id)
        if (!found) return value
        const added = [...members].filter((m) => m in found).map((m) => [m, found[m]])
        return { ...value, ...Object.fromEntries(added) }
      }
      for (const object of objects) {
        const value = object[key]
        if (value !== undefined && value !== null)
          object[key] = Array.isArray(value) ? value.map(expandOne) : expandOne(value)
      }
    }
  }
  return { expandable, expand }
}

function hasId(value: unknown): value is { id: string } & Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string'
  )
}
