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

export const AccountRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  status: Type.String(),
  icon: Nullable(Type.String()),
})

export const UserGroupRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  logo: Nullable(Type.String()),
  isDefault: Type.Boolean(),
})

export const ModuleRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  paid: Type.Boolean(),
  filters: Type.Record(Type.String(), Type.Array(Type.String())),
  settings: Type.Record(Type.String(), Type.Unknown()),
})

export const BuyerRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  icon: Nullable(Type.String()),
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

export const IdRef = (pattern: string) =>
  Type.Object({ id: Type.String({ pattern }) }, { additionalProperties: true })

/** A 204: the change is made and there is nothing to send. */
export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No Content' })

/** A 307 from `…/icon` to the stored image, named in the Location header. */
export const IconRedirect = Type.Unsafe<void>({
  type: 'null',
  description: 'Temporary Redirect: the Location header names the stored image.',
})
