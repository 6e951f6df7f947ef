import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, testDialect } from '../../test/support/database.js'
import { FakeClock } from '../lib/clock.js'
import { createMemoryCounters, type WindowCounters } from '../lib/window-counters.js'
import type { Db } from './connect.js'
import { createTableCounters, pruneRateLimits } from './rate-limit-counters.js'

/** Both stores behave alike; the table one is shared by every node of one PostgreSQL. */
describe(`window counters (${testDialect})`, () => {
  let db: Db
  const clock = new FakeClock()
  beforeAll(async () => {
    db = await createTestDb()
  })
  afterAll(async () => db.close())

  const stores = (): Array<[string, WindowCounters]> => [
    ['memory', createMemoryCounters(clock)],
    ['table', createTableCounters(db.db, clock)],
  ]

  it.each(['memory', 'table'])(
    '%s: counts hits in a window and starts a new one after it',
    async (name) => {
      const counters = stores().find(([n]) => n === name)![1]
      const key = `k-${name}`
      expect(await counters.peek(key, 60_000)).toEqual({ count: 0, ttlMs: 0 })
      expect(await counters.hit(key, 60_000)).toEqual({ count: 1, ttlMs: 60_000 })
      clock.advance(10_000)
      expect(await counters.hit(key, 60_000)).toEqual({ count: 2, ttlMs: 50_000 })
      expect(await counters.peek(key, 60_000)).toEqual({ count: 2, ttlMs: 50_000 })
      clock.advance(50_000)
      expect(await counters.peek(key, 60_000)).toEqual({ count: 0, ttlMs: 0 })
      expect(await counters.hit(key, 60_000)).toEqual({ count: 1, ttlMs: 60_000 })
    },
  )

  it('table: counts concurrent hits exactly, as two nodes would', async () => {
    const nodeA = createTableCounters(db.db, clock)
    const nodeB = createTableCounters(db.db, clock)
    const hits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? nodeA : nodeB).hit('shared', 60_000)),
    )
    expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    )
  })

  it('table: prunes the windows that have ended', async () => {
    const counters = createTableCounters(db.db, clock)
    await counters.hit('old', 1_000)
    await counters.hit('current', 600_000)
    clock.advance(2_000)
    expect(await pruneRateLimits({ db: db.db, clock })).toBeGreaterThanOrEqual(1)
    const keys = (await db.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key)
    expect(keys).toContain('current')
    expect(keys).not.toContain('old')
  })

  it('memory: holds at most its capacity, dropping ended windows first', async () => {
    const counters = createMemoryCounters(clock, 3)
    await counters.hit('a', 1_000)
    await counters.hit('b', 600_000)
    await counters.hit('c', 600_000)
    clock.advance(2_000)
    await counters.hit('d', 600_000)
    expect((await counters.peek('b', 600_000)).count).toBe(1)
    expect((await counters.peek('d', 600_000)).count).toBe(1)
  })
})
