import { Type } from '@sinclair/typebox'
import { AddressInput, AddressSchema } from '../accounts/account-schemas.js'
import {
  AccountRefSchema,
  BuyerRefSchema,
  EventSchema,
  IdRef,
  ListResponse,
  MetaSchema,
  Nullable,
  PhoneSchema,
  Projected,
  StrictBody,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'
import { SellerRefSchema } from '../sellers/seller-schemas.js'

export const LicenseeParams = Type.Object({ id: Type.String({ pattern: idPattern('licensee') }) })

const optionalText = (maxLength: number, extra: object = {}) =>
  Type.Optional(Nullable(Type.String({ maxLength, ...extra })))

/** `ContactQueryModel` as input: `name` is derived (echoed and ignored), `user` a user of the account. */
const ContactInput = Nullable(
  Type.Object(
    {
      firstName: optionalText(100),
      lastName: optionalText(100),
      email: optionalText(320, { format: 'email' }),
      phone: Type.Optional(
        Nullable(
          Type.Object(
            { prefix: optionalText(10), number: optionalText(15) },
            { additionalProperties: false },
          ),
        ),
      ),
      user: Type.Optional(Nullable(IdRef(idPattern('user')))),
    },
    { additionalProperties: false },
  ),
)

const EligibilityInput = Nullable(
  Type.Object(
    { client: Type.Optional(Type.Boolean()), partner: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
)

/**
 * Read-only members, and the members the SDK's payload carries that v4 does not know (`groups`,
 * `type`, `defaultLanguage`): accepted and ignored (decision 34). Anything else is refused.
 */
const ECHOED = ['id', 'icon', 'status', 'audit', '$meta', 'groups', 'type', 'defaultLanguage']

const editable = {
  name: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  externalId: optionalText(250),
  description: optionalText(2000),
  address: Type.Optional(Nullable(AddressInput)),
  contact: Type.Optional(ContactInput),
  eligibility: Type.Optional(EligibilityInput),
  account: Type.Optional(IdRef(idPattern('account'))),
}

/** `LicenseeCreate`: `buyer`, `seller` and `useBuyerAddress` are required. */
export const CreateLicenseeBody = StrictBody(
  {
    ...editable,
    buyer: IdRef(idPattern('buyer')),
    seller: IdRef(idPattern('seller')),
    useBuyerAddress: Type.Boolean(),
  },
  ECHOED,
)

/** `LicenseeUpdate`: nothing is required; `buyer`, `seller`, `account` may only be echoed. */
export const UpdateLicenseeBody = StrictBody(
  {
    ...editable,
    buyer: Type.Optional(IdRef(idPattern('buyer'))),
    seller: Type.Optional(IdRef(idPattern('seller'))),
    useBuyerAddress: Type.Optional(Nullable(Type.Boolean())),
  },
  ECHOED,
)

export const LicenseeSchema = Projected({
  id: Type.String(),
  name: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  icon: Nullable(Type.String()),
  status: Type.String(),
  useBuyerAddress: Type.Boolean(),
  address: Nullable(AddressSchema),
  description: Nullable(Type.String()),
  contact: Nullable(
    Projected({
      name: Nullable(Type.String()),
      firstName: Nullable(Type.String()),
      lastName: Nullable(Type.String()),
      email: Nullable(Type.String()),
      phone: PhoneSchema,
      user: Projected({ id: Type.String(), name: Type.String(), icon: Nullable(Type.String()) }),
    }),
  ),
  account: AccountRefSchema,
  buyer: BuyerRefSchema,
  seller: SellerRefSchema,
  eligibility: Projected({ client: Type.Boolean(), partner: Type.Boolean() }),
  audit: Projected({ created: EventSchema, updated: EventSchema, disabled: EventSchema }),
  $meta: MetaSchema,
})

export const LicenseeList = ListResponse(LicenseeSchema)
