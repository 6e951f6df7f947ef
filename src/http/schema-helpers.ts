import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox'

/** `T | null` as a `type: [T, 'null']` schema, which the response serializer handles fastest. */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const type = (schema as { type?: unknown }).type
  return Type.Unsafe<Static<T> | null>(
    typeof type === 'string'
      ? { ...schema, type: [type, 'null'] }
      : { anyOf: [schema, { type: 'null' }] },
  )
}

/** Every property optional: responses honour `select`, which may leave any of them out. */
export function Projected<T extends Record<string, TSchema>>(properties: T) {
  return Type.Partial(Type.Object(properties, { additionalProperties: false }))
}

export const ActorRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  icon: Nullable(Type.String()),
})
export const EventSchema = Projected({ at: Type.String(), by: ActorRefSchema, of: ActorRefSchema })
export const DateEventSchema = Projected({ at: Type.String() })
export const MetaSchema = Projected({ omitted: Type.Array(Type.String()) })
export const PhoneSchema = Projected({
  prefix: Nullable(Type.String()),
  number: Nullable(Type.String()),
})

/** `Address` (§3.3), as objects carry it. */
export const AddressSchema = Projected({
  addressLine1: Type.String(),
  addressLine2: Nullable(Type.String()),
  postCode: Type.String(),
  city: Type.String(),
  state: Type.String(),
  country: Type.String(),
})

/**
 * Embedded references carry their core members; the others are optional here because a nested
 * select adds them (`select=account.address`, issue #11, references/embedded-references.ts).
 */
export const AccountRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  status: Type.String(),
  icon: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  externalName: Nullable(Type.String()),
  externalIds: Nullable(Projected({ pyraTenantId: Nullable(Type.String()) })),
  serviceLevel: Nullable(Type.String()),
  address: Nullable(AddressSchema),
  technicalSupportEmail: Nullable(Type.String()),
  website: Nullable(Type.String()),
  description: Nullable(Type.String()),
  eligibility: Nullable(Projected({ client: Type.Boolean(), partner: Type.Boolean() })),
})

/** `ModuleSettings`, plus `obsolete` and `eligibility` as the platform's module objects carry them. */
export const ModuleSettingsSchema = Projected({
  sharedAccount: Type.Boolean(),
  configurable: Type.Boolean(),
  default: Type.Boolean(),
  paid: Type.Boolean(),
  type: Type.Array(Type.String()),
  obsolete: Type.Boolean(),
  eligibility: Projected({ multi: Type.Boolean(), single: Type.Boolean() }),
})

/** A module's members beyond its reference (`Module`); a nested select adds them to a reference. */
export const MODULE_DETAIL_FIELDS = {
  isConfigurable: Type.Boolean(),
  isEnabledByDefault: Type.Boolean(),
  code: Type.String(),
  accountTypes: Type.Array(Type.String()),
}

export const MODULE_REF_FIELDS = {
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  paid: Type.Boolean(),
  filters: Type.Record(Type.String(), Type.Array(Type.String())),
  settings: ModuleSettingsSchema,
}

export const ModuleRefSchema = Projected({ ...MODULE_REF_FIELDS, ...MODULE_DETAIL_FIELDS })

/** A user as other objects embed it: `{id, name, icon}` and what the context shows of the person. */
export const UserRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  icon: Nullable(Type.String()),
  email: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  phone: PhoneSchema,
  status: Type.String(),
  lastLoginAt: Nullable(Type.String()),
  settings: Projected({
    cultureCode: Nullable(Type.String()),
    languageCode: Nullable(Type.String()),
  }),
})

/** A buyer's contact; `user` is the account's user behind the contact's email, when there is one. */
export const BuyerContactSchema = Nullable(
  Projected({
    name: Nullable(Type.String()),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    email: Nullable(Type.String()),
    phone: PhoneSchema,
    user: Nullable(
      Projected({ id: Type.String(), name: Type.String(), icon: Nullable(Type.String()) }),
    ),
  }),
)

export const BuyerExternalIdsSchema = Projected({
  erpCompanyContact: Nullable(Type.String()),
  erpCustomer: Nullable(Type.String()),
  accountExternalId: Nullable(Type.String()),
})

export const BuyerRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  icon: Nullable(Type.String()),
  status: Type.String(),
  address: Nullable(AddressSchema),
  contact: BuyerContactSchema,
  externalIds: Nullable(BuyerExternalIdsSchema),
  taxId: Nullable(Type.String()),
})

export const UserGroupRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  logo: Nullable(Type.String()),
  isDefault: Type.Boolean(),
  modules: Type.Array(ModuleRefSchema),
  buyers: Nullable(Type.Array(BuyerRefSchema)),
})

/** `{ $meta: { pagination, omitted }, data }` (§3.1): pagination has exactly offset, limit, total. */
export function ListResponse<T extends TSchema>(item: T) {
  return Type.Object({
    $meta: Type.Object({
      pagination: Type.Object({
        offset: Type.Integer(),
        limit: Type.Integer(),
        total: Type.Integer(),
      }),
      omitted: Type.Optional(Type.Array(Type.String())),
    }),
    data: Type.Array(item),
  })
}

/**
 * A request body whose unknown members are refused (400 naming each, §11.1), unlike the other
 * bodies, whose unknown members the validator drops. `ignored` are the read-only members official
 * clients echo back (`id`, `icon`, `status`, `audit`, `$meta`, …): accepted, never read.
 */
export function StrictBody<T extends Record<string, TSchema>>(
  properties: T,
  ignored: readonly string[],
) {
  return Type.Object(properties, {
    // A schema (not `false`): the validator's removeAdditional drops members only under `false`.
    additionalProperties: Type.Never(),
    // Echoed members match a pattern, so they pass without entering the body's static type.
    ...(ignored.length > 0
      ? { patternProperties: { [`^(${ignored.map(escapeRegExp).join('|')})$`]: {} } }
      : {}),
  })
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export const IdRef = (pattern: string) =>
  Type.Object({ id: Type.String({ pattern }) }, { additionalProperties: true })

/** A 204: the change is made and there is nothing to send. */
export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No Content' })

/** A 307 from `…/icon` to the stored image, named in the Location header. */
export const IconRedirect = Type.Unsafe<void>({
  type: 'null',
  description: 'Temporary Redirect: the Location header names the stored image.',
})
