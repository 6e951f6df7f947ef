import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, migrateTestDb } from '../../test/support/database.js'
import type { Db } from './connect.js'

/** Migration 2026-12-03-1100: module settings gain `obsolete` and `eligibility` (issue #11). */
const AT = '2025-01-01T00:00:00.000Z'
const BEFORE = {
  sharedAccount: false,
  configurable: true,
  default: true,
  paid: false,
  type: ['Client'],
}
let db: Db
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(async () => {
  await db?.close()
})

const settingsOf = async (id: string) =>
  JSON.parse(
    (
      await db.db
        .selectFrom('modules')
        .select('settings')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).settings,
  ) as Record<string, unknown>

describe('migration 2026-12-03-1100-module-settings-obsolete-eligibility', () => {
  it('adds obsolete and eligibility to the modules seeded before, keeping what was there; down removes them', async () => {
    await migrateTestDb(db, '2026-11-26-1300-invited-has-deadline')
    const module = (id: string, settings: object) => ({
      id,
      name: id,
      description: '',
      code: id,
      paid: 0,
      is_configurable: 1,
      is_enabled_by_default: 1,
      filters: '{}',
      settings: JSON.stringify(settings),
      account_types: '[]',
      created_at: AT,
    })
    await db.db
      .insertInto('modules')
      .values([module('MOD-0001', BEFORE), module('MOD-0002', { ...BEFORE, obsolete: true })])
      .execute()
    await migrateTestDb(db)
    expect(await settingsOf('MOD-0001')).toEqual({
      ...BEFORE,
      obsolete: false,
      eligibility: { multi: true, single: true },
    })
    expect(await settingsOf('MOD-0002')).toMatchObject({ obsolete: true })
    await migrateTestDb(db, '2026-11-26-1300-invited-has-deadline')
    expect(await settingsOf('MOD-0001')).toEqual(BEFORE)
    await migrateTestDb(db)
  })
})
