import {
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import { AppError } from '../errors.js'

/**
 * How long a client is asked to wait before it retries a request the database could not serve:
 * a PostgreSQL restart takes about two seconds (measured: `pg_ctlcluster restart`, 2.3 s).
 */
export const DATABASE_RETRY_AFTER_SECONDS = 2

/** Node's socket errors that mean the server is not there (or went away mid-request). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/**
 * SQLSTATEs of a server that cannot serve right now: class 08 (connection exception),
 * admin_shutdown / crash_shutdown / cannot_connect_now (a restart: 57P01-57P03) and
 * too_many_connections (53300).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/

/** node-postgres reports a lost connection, or a pool wait that ran out, with these messages only. */
const DRIVER_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/

/**
 * Whether `error` says the database cannot be reached at the moment (down, restarting, out of
 * connections, the pool wait ran out), as opposed to a query that failed on its own merits. Such a
 * request may well succeed a moment later.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'DATABASE_UNAVAILABLE'
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code)))
    return true
  return DRIVER_MESSAGES.test(error.message)
}

/** The 503 a request gets when the database could not serve it; `cause` keeps the driver's error. */
export function databaseUnavailable(cause: unknown): AppError {
  const error = new AppError('DATABASE_UNAVAILABLE', {
    params: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
  })
  error.cause = cause
  return error
}

/** Runs `work`, turning a database that cannot be reached into DATABASE_UNAVAILABLE. */
export async function mappingUnreachable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw isDatabaseUnreachable(error) && !(error instanceof AppError)
      ? databaseUnavailable(error)
      : error
  }
}

/**
 * Kysely's PostgreSQL dialect whose every failure to reach the server (taking a connection, a
 * query, BEGIN/COMMIT/ROLLBACK) surfaces as DATABASE_UNAVAILABLE (503 + Retry-After), wherever it
 * happens: a route, the rate limits, a job. Every other error passes through untouched, so a
 * unique violation is still a unique violation.
 */
export class UnavailableAwarePostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new UnavailableAwareDriver(super.createDriver())
  }
}

class MappedConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}
  executeQuery<R>(compiledQuery: Parameters<DatabaseConnection['executeQuery']>[0]) {
    return mappingUnreachable<QueryResult<R>>(() => this.inner.executeQuery<R>(compiledQuery))
  }
  streamQuery<R>(
    compiledQuery: Parameters<DatabaseConnection['streamQuery']>[0],
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(compiledQuery, chunkSize)
  }
}

/** The driver's own methods get the driver's own connection (it keeps private state on it). */
class UnavailableAwareDriver implements Driver {
  constructor(private readonly inner: Driver) {}
  init() {
    return this.inner.init()
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new MappedConnection(await mappingUnreachable(() => this.inner.acquireConnection()))
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return mappingUnreachable(() => this.inner.beginTransaction(unwrap(connection), settings))
  }
  commitTransaction(connection: DatabaseConnection) {
    return mappingUnreachable(() => this.inner.commitTransaction(unwrap(connection)))
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return mappingUnreachable(() => this.inner.rollbackTransaction(unwrap(connection)))
  }
  savepoint(connection: DatabaseConnection, ...rest: SavepointArgs) {
    return mappingUnreachable(() => this.inner.savepoint!(unwrap(connection), ...rest))
  }
  rollbackToSavepoint(connection: DatabaseConnection, ...rest: SavepointArgs) {
    return mappingUnreachable(() => this.inner.rollbackToSavepoint!(unwrap(connection), ...rest))
  }
  releaseSavepoint(connection: DatabaseConnection, ...rest: SavepointArgs) {
    return mappingUnreachable(() => this.inner.releaseSavepoint!(unwrap(connection), ...rest))
  }
  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection(unwrap(connection))
  }
  destroy() {
    return this.inner.destroy()
  }
}

type SavepointArgs =
  Parameters<NonNullable<Driver['savepoint']>> extends [unknown, ...infer R] ? R : never

function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof MappedConnection ? connection.inner : connection
}
