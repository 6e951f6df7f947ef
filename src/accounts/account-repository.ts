import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export async function findAccountRef(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('accounts')
    .select(['id', 'name', 'type', 'status', 'icon'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function accountIdExists(db: Kysely<Database>, id: string): Promise<boolean> {
  return (await db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}
