import { Type } from '@sinclair/typebox'
import { AddressInput, AddressSchema } from '../accounts/account-schemas.js'
import {
  EventSchema,
  ListResponse,
  MetaSchema,
  Nullable,
  Projected,
  StrictBody,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'

export const SellerParams = Type.Object({ id: Type.String({ pattern: idPattern('seller') }) })

const CurrencyCode = Type.String({ minLength: 1, maxLength: 3 })

/** Decision 26: a code (v4), the SDK's object, or the docs' single `currency`. */
const CurrencyInput = Type.Union([
  CurrencyCode,
  Type.Object(
    {
      value: CurrencyCode,
      billingEnabled: Type.Optional(Type.Boolean()),
      isDefault: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
])

/** `SellerCreate` / `SellerUpdate` (identical); read-only members echoed back are ignored. */
export const SellerBody = StrictBody(
  {
    name: Type.String({ minLength: 1, maxLength: 500 }),
    externalId: Type.Optional(Nullable(Type.String({ maxLength: 250 }))),
    currencies: Type.Optional(Type.Array(CurrencyInput, { minItems: 1, maxItems: 200 })),
    currency: Type.Optional(CurrencyCode),
    address: Type.Optional(Nullable(AddressInput)),
  },
  ['id', 'icon', 'status', 'erpLink', 'audit', '$meta'],
)

export const ErpLinkRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  icon: Nullable(Type.String()),
  status: Type.String(),
})

/** `SellerRef`; `erpLink` only inside `buyer.sellers[]`. */
export const SellerRefSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  externalId: Nullable(Type.String()),
  icon: Nullable(Type.String()),
  erpLink: ErpLinkRefSchema,
})

export const SellerSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  externalId: Nullable(Type.String()),
  icon: Nullable(Type.String()),
  status: Type.String(),
  currencies: Type.Array(Type.String()),
  address: Nullable(AddressSchema),
  audit: Projected({ created: EventSchema, updated: EventSchema }),
  $meta: MetaSchema,
})

export const SellerList = ListResponse(SellerSchema)
