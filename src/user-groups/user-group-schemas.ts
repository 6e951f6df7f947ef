import { Type } from '@sinclair/typebox'
import {
  AccountRefSchema,
  BuyerRefSchema,
  EventSchema,
  IdRef,
  ListResponse,
  MetaSchema,
  ModuleRefSchema,
  Nullable,
  Projected,
  UserRefSchema,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'

export const UserGroupParams = Type.Object({ id: Type.String({ pattern: idPattern('userGroup') }) })

/**
 * `UpdateUserGroupDto`. Read-only members the official clients send (`id`, `audit`, …) are not
 * declared, so they are ignored; `logo: ""` leaves the logo as it is; `buyers: null` = all buyers.
 */
const groupFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  logo: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  isDefault: Type.Optional(Type.Boolean()),
  modules: Type.Array(IdRef(idPattern('module')), { minItems: 1, maxItems: 100 }),
  buyers: Type.Optional(Nullable(Type.Array(IdRef(idPattern('buyer')), { maxItems: 1000 }))),
}

export const UpdateUserGroupBody = Type.Object({
  ...groupFields,
  name: Type.Optional(groupFields.name),
  modules: Type.Optional(groupFields.modules),
})

/** `CreateUserGroupDto`: the account defaults to the caller's own. */
export const CreateUserGroupBody = Type.Object({
  ...groupFields,
  account: Type.Optional(IdRef(idPattern('account'))),
})

export const UserGroupSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  logo: Nullable(Type.String()),
  isDefault: Type.Boolean(),
  account: AccountRefSchema,
  modules: Type.Array(ModuleRefSchema),
  buyers: Nullable(Type.Array(BuyerRefSchema)),
  users: Type.Array(UserRefSchema),
  audit: Projected({ created: EventSchema, updated: EventSchema }),
  $meta: MetaSchema,
})

export const UserGroupList = ListResponse(UserGroupSchema)
