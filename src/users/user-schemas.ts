import { Type } from '@sinclair/typebox'
import {
  AccountRefSchema,
  EventSchema,
  ListResponse,
  MetaSchema,
  Nullable,
  PhoneSchema,
  Projected,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'

export const UserParams = Type.Object({ id: Type.String({ pattern: idPattern('user') }) })

/**
 * The PUT body (JSON, or the `user` part of a multipart request). Read-only members the official
 * clients send along (`status`, `icon`, `id`, `audit`, …) are not declared, so they are ignored;
 * `email` is declared only so that a change to it can be refused by name.
 */
export const UpdateUserBody = Type.Object({
  firstName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  lastName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  email: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
  phone: Type.Optional(
    Nullable(
      Type.Object({
        prefix: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
        number: Type.Optional(Nullable(Type.String({ maxLength: 15 }))),
      }),
    ),
  ),
  settings: Type.Optional(
    Nullable(
      Type.Object({
        cultureCode: Type.Optional(Nullable(Type.String({ maxLength: 5 }))),
        languageCode: Type.Optional(Nullable(Type.String({ maxLength: 5 }))),
      }),
    ),
  ),
})

/** `SetPasswordDto`. */
export const SetPasswordBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 200 }),
})

/** The person's own fields: a `User`, and the user in an account's context, both start with these. */
export const USER_PROFILE_FIELDS = {
  id: Type.String(),
  name: Type.String(),
  icon: Nullable(Type.String()),
  phone: PhoneSchema,
  email: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  status: Type.String(),
  lastLoginAt: Nullable(Type.String()),
  settings: Projected({
    cultureCode: Nullable(Type.String()),
    languageCode: Nullable(Type.String()),
  }),
}

export const UserSchema = Projected({
  ...USER_PROFILE_FIELDS,
  currentAccount: Nullable(AccountRefSchema),
  accounts: Type.Array(AccountRefSchema),
  audit: Projected({
    created: EventSchema,
    updated: EventSchema,
    invitationAcceptedAt: Nullable(Type.String()),
  }),
  $meta: MetaSchema,
})

export const UserList = ListResponse(UserSchema)

export const SsoCheckSchema = Type.Object({ sso: Type.Boolean() })

/** `sso-check` takes a `USR-` id or an email address (decision 54). */
export const SsoCheckParams = Type.Object({
  id: Type.String({ pattern: '^(?:USR-\\d{4}-\\d{4}|[^@\\s/]+@[^@\\s/]+)$' }),
})
