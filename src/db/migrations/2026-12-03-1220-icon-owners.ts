import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Issue #12: replaced icons stayed stored and publicly served forever (icons were
// content-addressed and never deleted: ten 9 MB logos, 90 MB). Now each icon has one owner (the
// user, account or buyer whose `icon` points at it), at most one icon per owner, and the service
// deletes an owner's icon when it is replaced or the owner is deleted.
//
// Existing rows: an icon referenced by one object becomes that object's; one shared by several
// objects (the same image uploaded twice) is copied so each has its own; icons nobody references
// any more (replaced ones) are deleted.
const ROUTE = '/public/v1/accounts/icons/'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('icons').addColumn('owner', 'text').execute()
  for (const table of ['users', 'accounts', 'buyers']) {
    const objects = await db
      .selectFrom(table)
      .select(['id', 'icon'])
      .where('icon', 'like', `${ROUTE}%`)
      .orderBy('id')
      .execute()
    for (const object of objects as Array<{ id: string; icon: string }>) {
      const iconId = object.icon.slice(ROUTE.length)
      const icon = await db
        .selectFrom('icons')
        .select('owner')
        .where('id', '=', iconId)
        .executeTakeFirst()
      if (!icon) continue
      if (icon.owner === null) {
        await db.updateTable('icons').set({ owner: object.id }).where('id', '=', iconId).execute()
        continue
      }
      const copy = randomBytes(16).toString('hex')
      await sql`INSERT INTO icons (id, owner, content_type, data, created_at)
        SELECT ${copy}, ${object.id}, content_type, data, created_at FROM icons WHERE id = ${iconId}`.execute(
        db,
      )
      await db
        .updateTable(table)
        .set({ icon: `${ROUTE}${copy}` })
        .where('id', '=', object.id)
        .execute()
    }
  }
  await db.deleteFrom('icons').where('owner', 'is', null).execute()
  await db.schema.createIndex('icons_owner_idx').unique().on('icons').column('owner').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('icons_owner_idx').execute()
  await db.schema.alterTable('icons').dropColumn('owner').execute()
}
