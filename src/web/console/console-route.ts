import { Type, type TSchema } from '@sinclair/typebox'
import type { Operation } from '../../access/permissions.js'
import type { ErrorCode } from '../../errors.js'
import { idPattern } from '../../lib/ids.js'
import { pageResponses } from '../page-kit.js'

export const AccountParams = Type.Object({
  accountId: Type.String({ pattern: idPattern('account') }),
})
export const UserParams = Type.Object({
  accountId: Type.String({ pattern: idPattern('account') }),
  userId: Type.String({ pattern: idPattern('user') }),
})

/** A console route: session auth, its operation of the permission table, HTML answers. */
export function consoleRoute(
  operation: Operation,
  options: { statuses?: number[]; params?: TSchema; notFound?: ErrorCode } = {},
) {
  return {
    config: {
      auth: 'session' as const,
      operation,
      notFound: options.notFound ?? ('ACCOUNT_USER_NOT_FOUND' as const),
    },
    schema: {
      hide: true,
      ...(options.params ? { params: options.params } : {}),
      response: pageResponses(options.statuses ?? [200]),
    },
  }
}
