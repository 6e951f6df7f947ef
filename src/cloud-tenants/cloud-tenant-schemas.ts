import { Type } from '@sinclair/typebox'
import { literals } from '../accounts/account-schemas.js'
import {
  AccountRefSchema,
  EventSchema,
  IdRef,
  ListResponse,
  MetaSchema,
  Nullable,
  Projected,
  StrictBody,
} from '../http/schema-helpers.js'
import { idPattern } from '../lib/ids.js'
import { CLOUD_TENANT_TYPES } from './cloud-tenant.js'

export const CloudTenantParams = Type.Object({
  id: Type.String({ pattern: idPattern('cloudTenant') }),
})

const uuid = Type.String({ format: 'uuid' })
const providerId = Type.Optional(Nullable(Type.String({ maxLength: 250 })))
/** `Deleted` is reached only by DELETE. */
const writableStatus = Type.Optional(literals(['Active', 'Disabled'] as const))

/** `CreateCloudTenantDto`. */
export const CreateCloudTenantBody = StrictBody(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    externalIds: Type.Object(
      { pyraTenantId: uuid, cloudConsumptionId: uuid, providerId },
      { additionalProperties: false },
    ),
    type: Type.Optional(literals(CLOUD_TENANT_TYPES)),
    status: writableStatus,
    account: Type.Optional(IdRef(idPattern('account'))),
  },
  ['id', 'audit', '$meta'],
)

/**
 * PUT takes the `CloudTenant` shape (v4 uses the response schema): `id`, `type` and the two
 * uuids may be sent back but not changed (decision 46).
 */
export const UpdateCloudTenantBody = StrictBody(
  {
    id: Type.Optional(Type.String()),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    status: writableStatus,
    type: Type.Optional(Nullable(Type.String())),
    account: Type.Optional(IdRef(idPattern('account'))),
    externalIds: Type.Optional(
      Type.Object(
        {
          pyraTenantId: Type.Optional(uuid),
          cloudConsumptionId: Type.Optional(uuid),
          providerId,
        },
        { additionalProperties: false },
      ),
    ),
  },
  ['audit', '$meta'],
)

export const CloudTenantSchema = Projected({
  id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  type: Nullable(Type.String()),
  account: AccountRefSchema,
  externalIds: Projected({
    pyraTenantId: Type.String(),
    cloudConsumptionId: Type.String(),
    providerId: Nullable(Type.String()),
  }),
  audit: Projected({ created: EventSchema, updated: EventSchema }),
  $meta: MetaSchema,
})

export const CloudTenantList = ListResponse(CloudTenantSchema)
