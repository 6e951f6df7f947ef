import Fastify from 'fastify'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateTestDb } from '../../test/support/database.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import type { Database } from '../db/schema.js'
import { createLifecycle } from '../lib/lifecycle.js'
import { healthRoutes } from './health-routes.js'
import { registerProblemHandlers } from './problem.js'

describe('/healthz and /readyz', () => {
  let t: TestApp
  afterEach(async () => t?.close())

  it('answers both without a token when the database is up to date', async () => {
    t = await buildTestApp()
    const alive = await t.request({ method: 'GET', url: '/healthz', token: null })
    expect(alive.statusCode).toBe(200)
    expect(alive.json()).toEqual({ status: 'ok' })
    const ready = await t.request({ method: 'GET', url: '/readyz', token: null })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', draining: false },
    })
  })

  it('is not ready while the process drains, and still alive', async () => {
    const lifecycle = createLifecycle()
    t = await buildTestApp({}, { lifecycle })
    lifecycle.startDraining()
    const ready = await t.request({ method: 'GET', url: '/readyz', token: null })
    expect(ready.statusCode).toBe(503)
    expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(ready.json()).toMatchObject({
      status: 503,
      code: 'SERVICE_NOT_READY',
      errors: { draining: ['The process is shutting down.'] },
    })
    expect((await t.request({ method: 'GET', url: '/healthz', token: null })).statusCode).toBe(200)
  })

  it('is not ready while a migration is missing, and names it', async () => {
    t = await buildTestApp()
    await migrateTestDb(t.db, '2026-11-26-1200-account-users-user-email-key')
    const ready = await t.request({ method: 'GET', url: '/readyz', token: null })
    expect(ready.statusCode).toBe(503)
    // Every later migration is pending too; the first one missing is named first.
    expect(Object.keys(ready.json().errors)).toEqual(['migrations'])
    expect(ready.json().errors.migrations).toEqual([
      expect.stringMatching(/^Not applied: 2026-11-26-1300-invited-has-deadline[,.]/),
    ])
    await migrateTestDb(t.db)
    expect((await t.request({ method: 'GET', url: '/readyz', token: null })).statusCode).toBe(200)
  })

  it('is not ready when the database does not answer', async () => {
    t = await buildTestApp()
    // Nothing listens on port 1: the real driver is refused at once.
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    const app = Fastify()
    registerProblemHandlers(app)
    await healthRoutes(app, { db, lifecycle: createLifecycle() })
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' })
      expect(ready.statusCode).toBe(503)
      expect(ready.json().errors).toEqual({
        database: ['The database does not answer (ECONNREFUSED).'],
      })
      expect(ready.body).not.toContain('nobody')
    } finally {
      await app.close()
      await db.destroy()
    }
  })
})
