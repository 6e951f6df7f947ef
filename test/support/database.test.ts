import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/connect.js'
import { createTestDb, testDialect } from './database.js'

describe('test database', () => {
  let db: Db
  beforeAll(async () => {
    db = await createTestDb()
  })
  afterAll(async () => db.close())

  it('is migrated on the configured dialect', async () => {
    expect(db.dialect).toBe(testDialect)
    const rows = await db.db.selectFrom('accounts').select('id').execute()
    expect(rows).toEqual([])
  })
})
