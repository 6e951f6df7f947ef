import { Type } from '@sinclair/typebox'
import { AddressInput, AddressSchema } from '../accounts/account-schemas.js'
import { BuyerExternalIdsInput } from '../buyers/buyer-schemas.js'
import {
  BuyerRefSchema,
  EventSchema,
  IdRef,
  ListResponse,
  MetaSchema,
  Nullable,
  Projected,
  StrictBody,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'
import { SellerRefSchema } from '../sellers/seller-schemas.js'

export const ErpLinkParams = Type.Object({ id: Type.String({ pattern: idPattern('erpLink') }) })

/** Read-only members of the `ErpLink` shape that clients echo back. */
const ECHOED = ['id', 'name', 'icon', 'status', 'audit', '$meta']
const note = Type.Optional(Nullable(Type.String({ maxLength: 2000 })))

/** The SDK's create (decision 41). */
export const CreateErpLinkBody = StrictBody(
  {
    buyer: IdRef(idPattern('buyer')),
    seller: IdRef(idPattern('seller')),
    externalIds: Type.Optional(Nullable(BuyerExternalIdsInput)),
    address: Type.Optional(Nullable(AddressInput)),
    note,
  },
  ECHOED,
)

/** PUT takes the `ErpLink` shape: `buyer`/`seller` may be echoed but never changed. */
export const UpdateErpLinkBody = StrictBody(
  {
    buyer: Type.Optional(IdRef(idPattern('buyer'))),
    seller: Type.Optional(IdRef(idPattern('seller'))),
    externalIds: Type.Optional(Nullable(BuyerExternalIdsInput)),
    address: Type.Optional(Nullable(AddressInput)),
    note,
  },
  ECHOED,
)

/** block/unblock: an optional `ErpLink`-shaped body of which only `note` is read (decision 42). */
export const ErpLinkActionBody = Type.Object({ note }, { additionalProperties: true })

export const ErpLinkSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  icon: Nullable(Type.String()),
  status: Type.String(),
  buyer: BuyerRefSchema,
  seller: SellerRefSchema,
  externalIds: Nullable(
    Projected({
      erpCompanyContact: Nullable(Type.String()),
      erpCustomer: Nullable(Type.String()),
      accountExternalId: Nullable(Type.String()),
    }),
  ),
  address: Nullable(AddressSchema),
  note: Nullable(Type.String()),
  audit: Projected({
    created: EventSchema,
    updated: EventSchema,
    blocked: EventSchema,
    unblocked: EventSchema,
  }),
  $meta: MetaSchema,
})

export const ErpLinkList = ListResponse(ErpLinkSchema)
