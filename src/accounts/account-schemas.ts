import { Type } from '@sinclair/typebox'
import {
  AddressSchema,
  EventSchema,
  ListResponse,
  MetaSchema,
  Nullable,
  Projected,
  UserGroupRefSchema,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'
import { ACCOUNT_TYPES, SERVICE_LEVELS } from './account.js'

export const AccountParams = Type.Object({ id: Type.String({ pattern: idPattern('account') }) })

/** A string enum, typed as the union of its values. */
export const literals = <T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values] })

/** `Address` (§3.3); shared with buyers. */
export const AddressInput = Type.Object(
  {
    addressLine1: Type.String({ minLength: 1, maxLength: 250 }),
    addressLine2: Type.Optional(Nullable(Type.String({ maxLength: 250 }))),
    postCode: Type.String({ minLength: 1, maxLength: 20 }),
    city: Type.String({ minLength: 1, maxLength: 200 }),
    state: Type.String({ minLength: 1, maxLength: 200 }),
    country: Type.String({ minLength: 1, maxLength: 2 }),
  },
  { additionalProperties: false },
)

export { AddressSchema }

const ExternalIdsInput = Nullable(
  Type.Object(
    { pyraTenantId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))) },
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
 * The writable members of `AccountCreate`/`AccountUpdate`. Read-only members the official
 * clients echo back (`id`, `status`, `icon`, `audit`, `groups`, `$meta`) are dropped unread.
 */
const editable = {
  name: Type.String({ minLength: 1, maxLength: 500 }),
  serviceLevel: literals(SERVICE_LEVELS),
  address: Type.Optional(Nullable(AddressInput)),
  technicalSupportEmail: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
  website: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  externalIds: Type.Optional(ExternalIdsInput),
  eligibility: Type.Optional(EligibilityInput),
  settings: Type.Optional(
    Type.Object(
      {
        invitations: Type.Optional(
          Type.Object(
            { selfRenew: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
        ),
      },
      {
        additionalProperties: false,
        description: "The account's own settings (this service's extension).",
      },
    ),
  ),
}

/** `AccountCreate`; `serviceLevel` may be left out (DEFAULT_SERVICE_LEVEL), as the SDK does. */
export const CreateAccountBody = Type.Object(
  {
    ...editable,
    serviceLevel: Type.Optional(editable.serviceLevel),
    type: literals(ACCOUNT_TYPES),
    externalId: Type.Optional(Nullable(Type.String({ maxLength: 250 }))),
    externalName: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
)

export const UpdateAccountBody = Type.Object(
  { ...editable, serviceLevel: Type.Optional(editable.serviceLevel) },
  { additionalProperties: false },
)

export const ActivateAccountBody = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 250 }),
    name: Type.String({ minLength: 1, maxLength: 500 }),
    externalName: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
)

/** `AccountValidate` requires nothing; what is sent must still be well-formed. */
export const ValidateAccountBody = Type.Partial(UpdateAccountBody, { additionalProperties: false })

export const AccountSchema = Projected({
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
  groups: Type.Array(UserGroupRefSchema),
  eligibility: Nullable(Projected({ client: Type.Boolean(), partner: Type.Boolean() })),
  settings: Type.Object(
    { invitations: Projected({ selfRenew: Type.Boolean() }) },
    {
      description:
        "The account's own settings (this service's extension): `invitations.selfRenew` lets an " +
        'invitee whose link expired have a new one sent from the expired-link page.',
      'x-accounts-extension': true,
    },
  ),
  audit: Projected({
    created: EventSchema,
    updated: EventSchema,
    enabled: EventSchema,
    disabled: EventSchema,
    activated: EventSchema,
  }),
  $meta: MetaSchema,
})

export const AccountList = ListResponse(AccountSchema)
