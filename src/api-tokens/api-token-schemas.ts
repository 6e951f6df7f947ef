import { Type } from '@sinclair/typebox'
import {
  AccountRefSchema,
  EventSchema,
  IdRef,
  ListResponse,
  MetaSchema,
  ModuleRefSchema,
  Nullable,
  Projected,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'

export const ApiTokenParams = Type.Object({ id: Type.String({ pattern: idPattern('apiToken') }) })

const ModulesInput = Type.Optional(
  Nullable(Type.Array(IdRef(idPattern('module')), { maxItems: 100 })),
)

export const CreateApiTokenBody = Type.Object({
  account: Type.Optional(IdRef(idPattern('account'))),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  icon: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  modules: ModulesInput,
})

export const UpdateApiTokenBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  icon: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  modules: ModulesInput,
})

export const ApiTokenSchema = Projected({
  id: Type.String(),
  icon: Nullable(Type.String()),
  name: Type.String(),
  description: Nullable(Type.String()),
  status: Type.String(),
  /** only in the create response: the secret is stored as a hash and never shown again */
  token: Type.String(),
  lastAccessAt: Nullable(Type.String()),
  account: AccountRefSchema,
  modules: Type.Array(ModuleRefSchema),
  audit: Projected({ created: EventSchema, updated: EventSchema }),
  $meta: MetaSchema,
})

export const ApiTokenList = ListResponse(ApiTokenSchema)
