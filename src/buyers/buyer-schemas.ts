import { Type } from '@sinclair/typebox'
import { AddressInput, AddressSchema } from '../accounts/account-schemas.js'
import {
  AccountRefSchema,
  BuyerContactSchema,
  EventSchema,
  IdRef,
  ListResponse,
  MetaSchema,
  Nullable,
  Projected,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'
import { SellerRefSchema } from '../sellers/seller-schemas.js'

export const BuyerParams = Type.Object({ id: Type.String({ pattern: idPattern('buyer') }) })

const SELLER_ID = '^SEL-\\d{4}-\\d{4}$'
const optionalText = (maxLength: number, extra: object = {}) =>
  Type.Optional(Nullable(Type.String({ maxLength, ...extra })))

const ContactInput = Nullable(
  Type.Object(
    {
      firstName: optionalText(100),
      lastName: optionalText(100),
      email: optionalText(320),
      phone: Type.Optional(
        Nullable(
          Type.Object(
            { prefix: optionalText(10), number: optionalText(15) },
            { additionalProperties: false },
          ),
        ),
      ),
    },
    { additionalProperties: false },
  ),
)

export const BuyerExternalIdsInput = Type.Object(
  {
    erpCompanyContact: optionalText(250),
    erpCustomer: optionalText(250),
    accountExternalId: optionalText(250),
  },
  { additionalProperties: false },
)

/** Each element needs only `id`; echoed `name`, `externalId`, `icon`, `erpLink` are dropped. */
const SellersInput = Nullable(
  Type.Array(
    Type.Object({ id: Type.String({ pattern: SELLER_ID }) }, { additionalProperties: false }),
    { maxItems: 100 },
  ),
)

/**
 * The writable members of `BuyerCreate`/`BuyerUpdate`; read-only ones the official clients echo
 * back (`id`, `status`, `icon`, `audit`, `errors`, `$meta`) are dropped unread.
 */
const editable = {
  name: Type.String({ minLength: 1, maxLength: 500 }),
  address: AddressInput,
  contact: Type.Optional(ContactInput),
  externalIds: Type.Optional(Nullable(BuyerExternalIdsInput)),
  taxId: optionalText(18),
  sellers: Type.Optional(SellersInput),
}

export const CreateBuyerBody = Type.Object(
  { ...editable, account: IdRef(idPattern('account')) },
  { additionalProperties: false },
)

export const UpdateBuyerBody = Type.Object(editable, { additionalProperties: false })

export const ActivateBuyerBody = Type.Object(
  { account: IdRef(idPattern('account')), externalIds: BuyerExternalIdsInput },
  { additionalProperties: false },
)

const ExternalIdsSchema = Projected({
  erpCompanyContact: Nullable(Type.String()),
  erpCustomer: Nullable(Type.String()),
  accountExternalId: Nullable(Type.String()),
})

export const BuyerSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  icon: Nullable(Type.String()),
  status: Type.String(),
  address: Nullable(AddressSchema),
  contact: BuyerContactSchema,
  externalIds: Nullable(ExternalIdsSchema),
  taxId: Nullable(Type.String()),
  account: AccountRefSchema,
  sellers: Nullable(Type.Array(SellerRefSchema)),
  errors: Type.Array(
    Projected({ id: Nullable(Type.String()), message: Type.String(), parameters: Type.Unknown() }),
  ),
  audit: Projected({
    created: EventSchema,
    updated: EventSchema,
    activated: EventSchema,
    unassigned: EventSchema,
    disabled: EventSchema,
  }),
  $meta: MetaSchema,
})

export const BuyerList = ListResponse(BuyerSchema)

/** `BuyerTransfer`: the buyer's shape, of which only `account` (the destination) is read. */
export const TransferBuyerBody = Type.Object(
  { account: IdRef(idPattern('account')) },
  { additionalProperties: false },
)

export const TransferDetailsQuery = Type.Object({
  destinationAccountId: Type.Optional(Type.String({ pattern: idPattern('account') })),
})

/** `BuyerTransferDetails`: the buyer plus what a transfer would move and take away. */
export const BuyerTransferDetailsSchema = Type.Object(
  {
    ...BuyerSchema.properties,
    stats: Type.Object({
      licenseeCount: Type.Integer(),
      userGroupCount: Type.Integer(),
      userCount: Type.Integer(),
      orderCount: Type.Integer(),
      subscriptionCount: Type.Integer(),
      agreementCount: Type.Integer(),
    }),
    users: Type.Array(
      Type.Object({
        id: Type.String(),
        user: Type.Object({
          id: Type.String(),
          name: Type.String(),
          icon: Nullable(Type.String()),
        }),
      }),
    ),
  },
  { additionalProperties: false },
)
