import type { Kysely } from 'kysely'
import type { Dialect } from '../db/connect.js'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'

// TODO(#5): the users use cases.
export function createUserService(_deps: { db: Kysely<Database>; clock: Clock; dialect: Dialect }) {
  return {}
}

export type UserService = ReturnType<typeof createUserService>
