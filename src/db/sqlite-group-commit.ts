import type SqliteDatabase from 'better-sqlite3'
import type { CompiledQuery } from 'kysely'
import type { WalCheckpointer } from './sqlite-checkpointer.js'
import {
  SelectQueryNode,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely'

/** What the driver needs of a better-sqlite3 database (the statement cache in connect.ts is one). */
export interface SqliteHandle {
  prepare(text: string): SqliteDatabase.Statement
  readonly inTransaction: boolean
  close(): void
}

/**
 * Kysely's SQLite dialect with group commit.
 *
 * In WAL mode most of a small write transaction's cost is its COMMIT (writing the dirty pages to
 * the WAL: ~190 µs of the ~430 µs of an invite, measured). SQLite has one connection, so the
 * transactions of concurrent requests already run one after another; here they run as savepoints
 * inside one shared transaction, and that transaction is committed once no transaction is running
 * (in a `setImmediate` after the last one finished, i.e. after every request that arrived in the
 * same turn of the event loop had its go). Each Kysely `transaction().execute()` still behaves as
 * its own transaction:
 *  - its changes are undone alone on failure (`ROLLBACK TO` its savepoint);
 *  - it resolves only after the shared COMMIT, so a response is never sent for work that is not
 *    durable, and it rejects if that COMMIT fails;
 *  - a statement outside any transaction that writes also waits for that COMMIT.
 * Reads outside a transaction may see the work of transactions that finished and are waiting for
 * the COMMIT (on the same connection; it becomes durable microseconds later, or fails as a whole
 * only on an I/O error).
 */
export class GroupCommitSqliteDialect extends SqliteDialect {
  readonly #sqlite: SqliteHandle
  /**
   * Moves on whenever what this connection reads may have changed: any statement that is not a
   * read, a rollback (of a savepoint or of the shared transaction). Commits by other connections are
   * not seen here (PRAGMA data_version tells those).
   */
  readonly changes = { generation: 0 }
  readonly #checkpointer: WalCheckpointer | undefined
  /** `checkpointer`: the WAL's checkpoints run there, told of every COMMIT (sqlite-checkpointer.ts) */
  constructor(sqlite: SqliteHandle, options: { checkpointer?: WalCheckpointer } = {}) {
    super({ database: sqlite as never })
    this.#sqlite = sqlite
    this.#checkpointer = options.checkpointer
  }
  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.#sqlite, this.changes, this.#checkpointer)
  }
}

interface Waiter {
  resolve(): void
  reject(error: unknown): void
}

const SAVEPOINT = 'group_commit_tx'

class Lease implements DatabaseConnection {
  /** The mutex was handed on before Kysely's releaseConnection (a transaction awaiting the COMMIT). */
  released = false
  /** Its savepoint was released into the shared transaction. */
  committed = false
  /** A statement outside a transaction changed rows inside the shared transaction. */
  wroteInBatch = false
  inTransaction = false
  constructor(private readonly driver: GroupCommitSqliteDriver) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return Promise.resolve(this.driver.run<R>(this, compiled))
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query))
      throw new Error('Sqlite driver only supports streaming of select queries')
    const statement = this.driver.sqlite.prepare(compiled.sql)
    for (const row of statement.iterate(compiled.parameters as unknown[]))
      yield { rows: [row as R] }
  }
}

class Mutex {
  #locked = false
  #queue: Array<() => void> = []
  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true
      return
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve))
  }
  unlock(): void {
    const next = this.#queue.shift()
    if (next) next()
    else this.#locked = false
  }
}

class GroupCommitSqliteDriver implements Driver {
  readonly #mutex = new Mutex()
  #batchOpen = false
  #waiting: Waiter[] = []
  #flushScheduled = false

  constructor(
    readonly sqlite: SqliteHandle,
    private readonly changes: { generation: number },
    private readonly checkpointer: WalCheckpointer | undefined,
  ) {}

  async init(): Promise<void> {}

  /** Transaction control through (cached) prepared statements: exec() would parse it every time. */
  #control(text: string): void {
    this.sqlite.prepare(text).run()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock()
    return new Lease(this)
  }

  run<R>(lease: Lease, { sql, parameters }: CompiledQuery): QueryResult<R> {
    const statement = this.sqlite.prepare(sql)
    const values = parameters as unknown[]
    if (statement.reader) return { rows: statement.all(values) as R[] }
    const { changes, lastInsertRowid } = statement.run(values)
    this.changes.generation += 1
    if (changes > 0 && !lease.inTransaction && this.#batchOpen) lease.wroteInBatch = true
    return {
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    }
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease
    // SQLite rolled the shared transaction back on its own (I/O error, out of memory): the
    // finished transactions waiting for its COMMIT are lost.
    if (this.#batchOpen && !this.sqlite.inTransaction) this.#failBatch()
    if (!this.#batchOpen) {
      this.#control('BEGIN IMMEDIATE')
      this.#batchOpen = true
    }
    this.#control(`SAVEPOINT ${SAVEPOINT}`)
    lease.inTransaction = true
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease
    this.#control(`RELEASE ${SAVEPOINT}`)
    lease.committed = true
    lease.inTransaction = false
    await this.#handOnUntilCommitted(lease)
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease
    lease.inTransaction = false
    // Committed into the batch and then the batch's COMMIT failed: nothing left to undo.
    if (lease.committed) return
    if (!this.sqlite.inTransaction) {
      this.#failBatch()
      return
    }
    this.changes.generation += 1
    this.#control(`ROLLBACK TO ${SAVEPOINT}`)
    this.#control(`RELEASE ${SAVEPOINT}`)
    this.#scheduleFlush()
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease
    if (lease.released) return
    if (lease.wroteInBatch) {
      await this.#handOnUntilCommitted(lease)
    } else {
      lease.released = true
      this.#mutex.unlock()
    }
  }

  /** Lets the next caller have the connection, then waits for the shared COMMIT. */
  async #handOnUntilCommitted(lease: Lease): Promise<void> {
    const durable = new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject }))
    this.#scheduleFlush()
    lease.released = true
    this.#mutex.unlock()
    await durable
  }

  async destroy(): Promise<void> {
    await this.#flush()
    // The checkpointer's connection first: the last one to close checkpoints and removes the WAL.
    await this.checkpointer?.close()
    this.sqlite.close()
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => void this.#flush())
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false
    await this.#mutex.lock()
    try {
      if (!this.#batchOpen) return
      try {
        this.#control('COMMIT')
      } catch (error) {
        if (this.sqlite.inTransaction) this.#control('ROLLBACK')
        this.#failBatch(error)
        return
      }
      for (const w of this.#endBatch()) w.resolve()
      // A WAL grown past its bound is checkpointed completely before the next write: this holds
      // the connection (not the event loop) until then.
      const drained = this.checkpointer?.committed()
      if (drained) await drained
    } finally {
      this.#mutex.unlock()
    }
  }

  /** Closes the batch; returns the transactions that were waiting for its COMMIT. */
  #endBatch(): Waiter[] {
    const waiting = this.#waiting
    this.#waiting = []
    this.#batchOpen = false
    return waiting
  }

  /** The shared transaction is gone without a COMMIT: what was read from it is gone too. */
  #failBatch(error: unknown = new Error('the shared SQLite transaction was rolled back')): void {
    this.changes.generation += 1
    for (const w of this.#endBatch()) w.reject(error)
  }
}
