import { sql, type KyselyPlugin, type RootOperationNode } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestDb } from '../../test/support/database.js'
import type { Db } from './connect.js'
import { defineQuery } from './defined-query.js'

describe('defineQuery (issue #18)', () => {
  let db: Db
  beforeAll(async () => {
    db = await createTestDb()
    const at = '2025-01-01T00:00:00.000Z'
    await db.db
      .insertInto('modules')
      .values(
        ['MOD-1001', 'MOD-1002', 'MOD-1003'].map((id, i) => ({
          id,
          name: `Module ${i}`,
          code: `code-${i}`,
          description: `about ${i}`,
          paid: i % 2,
          is_configurable: 0,
          is_enabled_by_default: 0,
          filters: '{}',
          settings: '{}',
          account_types: '[]',
          created_at: at,
          updated_at: i === 2 ? null : `2025-01-0${i + 2}T00:00:00.000Z`,
        })),
      )
      .execute()
  })
  afterAll(async () => {
    await db.close()
  })

  const byName = (name: string) =>
    db.db.selectFrom('modules').select(['id', 'paid']).where('name', '=', name).orderBy('id')

  it('answers as the query built each time does, for every set of values', async () => {
    const build = vi.fn((d: typeof db.db, v: { name: string }) =>
      d.selectFrom('modules').select(['id', 'paid']).where('name', '=', v.name).orderBy('id'),
    )
    const query = defineQuery(build)
    for (const name of ['Module 0', 'Module 2', 'nobody', 'Module 1']) {
      expect(await query.rows(db.db, { name })).toEqual(await byName(name).execute())
    }
    expect(await query.first(db.db, { name: 'Module 1' })).toEqual({ id: 'MOD-1002', paid: 1 })
    expect(build).toHaveBeenCalledTimes(1)
  })

  it('compiles once per shape: which values are undefined or null, and how long each list is', async () => {
    const build = vi.fn(
      (d: typeof db.db, v: { ids: readonly string[]; updatedAt: string | null | undefined }) => {
        let q = d.selectFrom('modules').select('id').where('id', 'in', v.ids).orderBy('id')
        if (v.updatedAt === null) q = q.where('updated_at', 'is', null)
        else if (v.updatedAt !== undefined) q = q.where('updated_at', '=', v.updatedAt)
        return q
      },
    )
    const query = defineQuery(build)
    const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id)
    const all = ['MOD-1001', 'MOD-1002', 'MOD-1003']
    const on = (day: number) => `2025-01-0${day}T00:00:00.000Z`
    expect(ids(await query.rows(db.db, { ids: all, updatedAt: undefined }))).toEqual(all)
    expect(ids(await query.rows(db.db, { ids: all, updatedAt: null }))).toEqual(['MOD-1003'])
    expect(ids(await query.rows(db.db, { ids: all, updatedAt: on(3) }))).toEqual(['MOD-1002'])
    expect(ids(await query.rows(db.db, { ids: all, updatedAt: on(2) }))).toEqual(['MOD-1001'])
    expect(ids(await query.rows(db.db, { ids: ['MOD-1003'], updatedAt: undefined }))).toEqual([
      'MOD-1003',
    ])
    expect(ids(await query.rows(db.db, { ids: ['MOD-1002'], updatedAt: undefined }))).toEqual([
      'MOD-1002',
    ])
    expect(build).toHaveBeenCalledTimes(4)
  })

  it('runs writes in a transaction like any query, and reports the rows they changed', async () => {
    const rename = defineQuery((d, v: { id: string; name: string }) =>
      d.updateTable('modules').set({ name: v.name }).where('id', '=', v.id),
    )
    const changed = await db.db
      .transaction()
      .execute((trx) => rename.execute(trx, { id: 'MOD-1003', name: 'Renamed' }))
    expect(Number(changed.numAffectedRows)).toBe(1)
    expect(await byName('Renamed').execute()).toEqual([{ id: 'MOD-1003', paid: 0 }])
    await rename.execute(db.db, { id: 'MOD-1003', name: 'Module 2' })
  })

  it('refuses a value written into the SQL text or changed before it is bound', async () => {
    const written = defineQuery((d, v: { name: string }) =>
      d
        .selectFrom('modules')
        .select('id')
        .where(sql.raw<boolean>(`name = '${v.name}'`)),
    )
    await expect(written.rows(db.db, { name: 'x' })).rejects.toThrow(/SQL text/)
    const changed = defineQuery((d, v: { name: string }) =>
      d.selectFrom('modules').select('id').where('name', '=', v.name.toUpperCase()),
    )
    await expect(changed.rows(db.db, { name: 'x' })).rejects.toThrow(/changed a value/)
  })

  it('builds the query every time through a Kysely instance with plugins, so that they see it', async () => {
    const seen: string[] = []
    const plugin: KyselyPlugin = {
      transformQuery(args: { node: RootOperationNode }) {
        seen.push(args.node.kind)
        return args.node
      },
      transformResult: async (args) => args.result,
    }
    const query = defineQuery((d, v: { name: string }) =>
      d.selectFrom('modules').select('id').where('name', '=', v.name),
    )
    const withPlugin = db.db.withPlugin(plugin)
    expect(await query.rows(withPlugin, { name: 'Module 0' })).toEqual([{ id: 'MOD-1001' }])
    expect(await query.rows(withPlugin, { name: 'Module 1' })).toEqual([{ id: 'MOD-1002' }])
    expect(seen).toEqual(['SelectQueryNode', 'SelectQueryNode'])
  })
})
