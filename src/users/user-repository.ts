import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export function emailKey(email: string): string {
  return email.trim().toLowerCase()
}

export async function findUserIdByEmail(db: Kysely<Database>, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'status', 'password_hash'])
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst()
}

export async function userIdExists(db: Kysely<Database>, id: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}
