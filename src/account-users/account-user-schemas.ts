import { Type } from '@sinclair/typebox'
import {
  AccountRefSchema,
  BuyerRefSchema,
  DateEventSchema,
  EventSchema,
  IdRef,
  ListResponse,
  MetaSchema,
  ModuleRefSchema,
  Nullable,
  Projected,
  UserGroupRefSchema,
  UserRefSchema,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'
import { USER_PROFILE_FIELDS } from '../users/user-schemas.js'

export const AccountIdParam = Type.String({ pattern: idPattern('account') })
const userOrMembershipId = `(${idPattern('user')})|(${idPattern('accountUser')})`

export const ScopedParams = Type.Object({
  accountId: AccountIdParam,
  userId: Type.String({ pattern: userOrMembershipId }),
})
export const ScopedListParams = Type.Object({ accountId: AccountIdParam })
export const LegacyParams = Type.Object({ id: Type.String({ pattern: idPattern('accountUser') }) })
export const GroupIdParam = Type.String({ pattern: idPattern('userGroup') })

const PhoneInput = Nullable(
  Type.Object({
    prefix: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
    number: Type.Optional(Nullable(Type.String({ maxLength: 15 }))),
  }),
)
const SettingsInput = Nullable(
  Type.Object({
    cultureCode: Type.Optional(Nullable(Type.String({ maxLength: 5 }))),
    languageCode: Type.Optional(Nullable(Type.String({ maxLength: 5 }))),
  }),
)

/** `CreateAccountUserDto`; unknown members are dropped, as the official clients send read-only ones. */
export const CreateAccountUserBody = Type.Object({
  user: Type.Object({
    email: Type.String({ minLength: 1, maxLength: 320 }),
    firstName: Type.String({ minLength: 1, maxLength: 200 }),
    lastName: Type.String({ minLength: 1, maxLength: 200 }),
    phone: Type.Optional(PhoneInput),
    settings: Type.Optional(SettingsInput),
  }),
  account: Type.Optional(IdRef(idPattern('account'))),
  groups: Type.Array(IdRef(idPattern('userGroup')), { minItems: 1, maxItems: 100 }),
  invitation: Type.Optional(
    Nullable(Type.Object({ status: Type.Optional(Nullable(Type.String())) })),
  ),
})

/** The v5 PUT: groups replace the membership's; user names apply only while still invited. */
export const UpdateAccountUserBody = Type.Object({
  user: Type.Optional(
    Type.Object({
      firstName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      lastName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      phone: Type.Optional(PhoneInput),
    }),
  ),
  groups: Type.Optional(Type.Array(IdRef(idPattern('userGroup')), { minItems: 1, maxItems: 100 })),
})

export const GroupRefBody = IdRef(idPattern('userGroup'))
export const GroupRefListBody = Type.Array(IdRef(idPattern('userGroup')), {
  minItems: 1,
  maxItems: 100,
})

/**
 * Decision 2, issue #12: `oneTimeCode` is the code mailed to the address when the link was a
 * copied one; `password` is a new user's new password, or a registered user's own password
 * confirming a copied link.
 */
export const AcceptInviteBody = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2000 })),
  oneTimeCode: Type.Optional(Type.String({ maxLength: 20 })),
  firstName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  lastName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  phone: Type.Optional(PhoneInput),
  password: Type.Optional(Type.String({ maxLength: 200 })),
})

/** Action POSTs may carry no body (read as `{}`) or any JSON object (§9.4). */
export const ActionBody = Type.Object({}, { additionalProperties: true })

const InvitationDelivery = Type.Object(
  {
    status: Type.Unsafe<'Queued' | 'Sent' | 'Failed'>({
      type: 'string',
      enum: ['Queued', 'Sent', 'Failed'],
    }),
    attempts: Type.Integer({ description: 'Tries started so far.' }),
    lastAttemptAt: Nullable(Type.String()),
    sentAt: Nullable(Type.String()),
    error: Nullable(Type.String({ description: 'The latest failure, while not sent.' })),
  },
  {
    description:
      "What became of the newest invitation email (this service's extension): omitted unless " +
      'selected (`select=invitation.delivery`).',
    'x-accounts-extension': true,
  },
)
const Invitation = Projected({
  url: Nullable(Type.String()),
  status: Type.String(),
  delivery: InvitationDelivery,
})
const Collections = {
  account: AccountRefSchema,
  groups: Type.Array(UserGroupRefSchema),
  buyers: Nullable(Type.Array(BuyerRefSchema)),
  modules: Type.Array(ModuleRefSchema),
  invitation: Invitation,
  $meta: MetaSchema,
}

export const LegacyAccountUser = Projected({
  id: Type.String(),
  user: UserRefSchema,
  ...Collections,
  lastLoginAt: Nullable(Type.String()),
  audit: Projected({
    created: EventSchema,
    updated: EventSchema,
    invitationAcceptedAt: Nullable(Type.String()),
    access: DateEventSchema,
    joined: DateEventSchema,
  }),
})

export const AccountContextUser = Projected({
  ...USER_PROFILE_FIELDS,
  user: UserRefSchema,
  accountUserId: Type.String(),
  ...Collections,
  audit: Projected({
    created: EventSchema,
    updated: EventSchema,
    login: DateEventSchema,
    access: DateEventSchema,
    joined: DateEventSchema,
  }),
})

export const LegacyAccountUserList = ListResponse(LegacyAccountUser)
export const AccountContextUserList = ListResponse(AccountContextUser)
