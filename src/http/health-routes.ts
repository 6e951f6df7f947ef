import { Type } from '@sinclair/typebox'
import { sql, type Kysely } from 'kysely'
import type { FastifyInstance } from 'fastify'
import { freshSingleFlight } from '../db/fresh-single-flight.js'
import { findPendingMigrations } from '../db/migrate.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Lifecycle } from '../lib/lifecycle.js'

/** A database that does not answer within this is as good as down for a load balancer. */
const DATABASE_TIMEOUT_MS = 2000

const Ready = Type.Object({
  status: Type.Literal('ready'),
  checks: Type.Object({
    database: Type.Literal('ok'),
    migrations: Type.Literal('ok'),
    draining: Type.Literal(false),
  }),
})

/**
 * `/healthz`: the process answers (restart it if not). `/readyz`: send it traffic: the database
 * answers, every migration this code knows is applied, and it is not shutting down. Public and
 * cheap: concurrent probes share one pair of queries.
 */
export async function healthRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; lifecycle: Lifecycle },
): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  const checkDatabase = freshSingleFlight(() => databaseProblems(deps.db))
  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Readiness: database reachable, migrations applied, not draining',
        response: { 200: Ready },
      },
    },
    async () => {
      const problems: Record<string, string[]> = deps.lifecycle.isDraining()
        ? { draining: ['The process is shutting down.'] }
        : await checkDatabase()
      const failed = Object.keys(problems)
      if (failed.length > 0)
        throw new AppError('SERVICE_NOT_READY', {
          detail: `Not ready: ${failed.join(', ')}.`,
          errors: problems,
        })
      return {
        status: 'ready' as const,
        checks: { database: 'ok' as const, migrations: 'ok' as const, draining: false as const },
      }
    },
  )
}

async function databaseProblems(db: Kysely<Database>): Promise<Record<string, string[]>> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${DATABASE_TIMEOUT_MS} ms`)),
      DATABASE_TIMEOUT_MS,
    )
  })
  try {
    await Promise.race([sql`SELECT 1`.execute(db), timeout])
    const pending = await Promise.race([findPendingMigrations(db), timeout])
    return pending.length > 0 ? { migrations: [`Not applied: ${pending.join(', ')}.`] } : {}
  } catch (error) {
    // A public answer: the check and the driver's error code, never a message with a host in it.
    return { database: [`The database does not answer (${describe(error)}).`] }
  } finally {
    clearTimeout(timer)
  }
}

function describe(error: unknown): string {
  // DATABASE_UNAVAILABLE carries the driver's error (ECONNREFUSED, 57P03 …) as its cause.
  if (error instanceof AppError && error.cause) return describe(error.cause)
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') return code
  return /^no answer/.test((error as Error).message) ? (error as Error).message : 'error'
}

/**
 * While draining, every response asks the client to close its connection: a keep-alive socket
 * would otherwise stay open until its idle timeout and hold the shutdown back.
 */
export function closeConnectionsWhileDraining(app: FastifyInstance, lifecycle: Lifecycle): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (lifecycle.isDraining()) reply.header('connection', 'close')
    return payload
  })
}
