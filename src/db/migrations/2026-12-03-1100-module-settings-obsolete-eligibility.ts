import type { Kysely } from 'kysely'

// Stands alone: no imports from app code, so it runs the same forever.
//
// Module settings gain `obsolete` and `eligibility { multi, single }`, as the platform's module
// objects carry them (issue #11). The first start seeds new databases with them; the modules a
// database was seeded with before get the catalogue's values here: no module is obsolete, and
// every module is eligible for both kinds. Settings are JSON text on both databases, so the rows
// are rewritten one by one (a catalogue of a handful).
const ADDED = { obsolete: false, eligibility: { multi: true, single: true } }

export async function up(db: Kysely<any>): Promise<void> {
  const rows = await db.selectFrom('modules').select(['id', 'settings']).execute()
  for (const row of rows as Array<{ id: string; settings: string | null }>) {
    const settings = JSON.parse(row.settings ?? '{}') as Record<string, unknown>
    await db
      .updateTable('modules')
      .set({ settings: JSON.stringify({ ...ADDED, ...settings }) })
      .where('id', '=', row.id)
      .execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const rows = await db.selectFrom('modules').select(['id', 'settings']).execute()
  for (const row of rows as Array<{ id: string; settings: string | null }>) {
    const {
      obsolete: _obsolete,
      eligibility: _eligibility,
      ...settings
    } = JSON.parse(row.settings ?? '{}') as Record<string, unknown>
    await db
      .updateTable('modules')
      .set({ settings: JSON.stringify(settings) })
      .where('id', '=', row.id)
      .execute()
  }
}
