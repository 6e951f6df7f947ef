import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { validationError } from '../errors.js'
import type { Clock } from '../lib/clock.js'

export const ICON_MAX_BYTES = 10 * 1024 * 1024
export const ICON_ROUTE = '/public/v1/accounts/icons'

/** Recognised by their first bytes, never by the declared type: no SVG (it can carry script). */
const SIGNATURES: Array<{ type: string; matches: (b: Buffer) => boolean }> = [
  {
    type: 'image/png',
    matches: (b) =>
      b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/jpeg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', matches: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  {
    type: 'image/webp',
    matches: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' &&
      b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
]

/**
 * Stores an uploaded image as the one icon of `owner` (a user, account or buyer id) and returns
 * the relative path the resource's `icon`/`logo` field carries. The owner's previous icon is
 * deleted in the same transaction: an object holds one icon, and a replaced one is not served
 * on forever (issue #12). Each upload gets a new random path, so a path never changes its bytes
 * (and may be cached as immutable). `field` names the multipart part in the error when the file
 * is not an image.
 */
export async function storeIcon(
  db: Kysely<Database>,
  deps: { clock: Clock },
  upload: { data: Buffer },
  field: string,
  owner: string,
): Promise<string> {
  if (upload.data.length === 0) throw validationError({ [field]: ['The file is empty.'] })
  if (upload.data.length > ICON_MAX_BYTES)
    throw validationError({ [field]: ['The file is larger than 10 MB.'] })
  const type = SIGNATURES.find((s) => s.matches(upload.data))?.type
  if (!type) throw validationError({ [field]: ['Must be a PNG, JPEG, GIF or WebP image.'] })
  const id = randomBytes(16).toString('hex')
  await removeIcon(db, owner)
  await db
    .insertInto('icons')
    .values({
      id,
      owner,
      content_type: type,
      data: upload.data,
      created_at: deps.clock.now().toISOString(),
    })
    .execute()
  return `${ICON_ROUTE}/${id}`
}

/** Deletes the icon of `owner`, if it has one (the object is deleted, or its icon replaced). */
export async function removeIcon(db: Kysely<Database>, owner: string): Promise<void> {
  await db.deleteFrom('icons').where('owner', '=', owner).execute()
}

export async function findIcon(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('icons')
    .select(['content_type', 'data'])
    .where('id', '=', id)
    .executeTakeFirst()
}
