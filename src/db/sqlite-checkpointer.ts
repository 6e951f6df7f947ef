import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type SqliteDatabase from 'better-sqlite3'

/**
 * What the main connection tells the checkpointer, and what it may have to wait for.
 */
export interface WalCheckpointer {
  /**
   * After each COMMIT of the main connection. Returns a promise when the WAL has grown past its
   * bound: the caller starts no new write until it resolves (the WAL is then fully checkpointed,
   * and the next write starts it over from the beginning).
   */
  committed(): Promise<void> | undefined
  /** Stops the thread (its connection closed) before the main connection closes. */
  close(): Promise<void>
}

/**
 * The worker: its own connection to the file, one PASSIVE checkpoint per request. PASSIVE never
 * waits for the writer and never calls the busy handler: it copies what is committed and not read
 * by an older snapshot, and reports how far it got. Plain CommonJS run with `eval`, so that it
 * runs the same under tsx, vitest and the built dist; better-sqlite3 comes by its resolved path.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.filename)
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close()
    parentPort.close()
    return
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ busy: result.busy, log: result.log, checkpointed: result.checkpointed })
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) })
  }
})
`

interface CheckpointResult {
  busy?: number
  /** frames in the WAL */
  log?: number
  /** of those, frames copied into the database file */
  checkpointed?: number
  error?: string
}

/**
 * Frames (pages) the WAL may hold before writes wait for it to be checkpointed completely: 16 MB
 * with 4 KB pages, four times the point where SQLite would checkpoint on its own. Measured under a
 * steady stream of invites, the WAL then peaked near 1.5 times this (what was written while the
 * checkpoint that reported it ran), and each wait lasted one or two checkpoints (10–20 ms).
 */
export const WAL_DRAIN_FRAMES = 4000

/**
 * WAL checkpoints off the event loop. In WAL mode at synchronous NORMAL a COMMIT appends pages to
 * the WAL and does not wait for the disk; SQLite's automatic checkpoint, run inside every COMMIT
 * that pushes the WAL past 1000 pages, copies them into the database file and fsyncs both files:
 * measured, that was 75% of all COMMIT time, and each one held the event loop 3–25 ms (p99 of a
 * COMMIT 20 ms against a median of 0.14 ms). Here the main connection never checkpoints
 * (`wal_autocheckpoint = 0`); a worker thread with a connection of its own runs PASSIVE
 * checkpoints, one after another while commits keep coming. The durability of a commit does not
 * change: the same WAL, written the same way; only the copying and its fsyncs move.
 *
 * SQLite starts a WAL over from its beginning only when a write begins with every frame already
 * copied, which under a steady stream of commits a concurrent checkpoint rarely achieves: the WAL
 * would grow for as long as the writes last. So once a checkpoint reports more than `drainFrames`
 * frames, `committed()` asks the writer to pause until a checkpoint finds nothing left to copy.
 * If the thread fails, the main connection goes back to SQLite's own automatic checkpoints.
 */
export function startWalCheckpointer(
  sqlite: SqliteDatabase.Database,
  filename: string,
  options: { drainFrames?: number } = {},
): WalCheckpointer {
  const drainFrames = options.drainFrames ?? WAL_DRAIN_FRAMES
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { filename, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  })
  // Never what keeps the process alive; close() is the orderly way out.
  worker.unref()
  sqlite.pragma('wal_autocheckpoint = 0')

  let alive = true
  let running = false
  /** commits since the running checkpoint started */
  let pending = false
  let framesInWal = 0
  let drained: { promise: Promise<void>; resolve: () => void } | undefined
  let exited: Promise<void> | undefined

  const start = () => {
    running = true
    pending = false
    worker.postMessage('checkpoint')
  }

  const fallBack = () => {
    if (!alive) return
    alive = false
    running = false
    sqlite.pragma('wal_autocheckpoint = 1000')
    drained?.resolve()
    drained = undefined
  }

  worker.on('message', (result: CheckpointResult) => {
    running = false
    if (result.error !== undefined) {
      fallBack()
      return
    }
    framesInWal = result.log ?? 0
    const isComplete = result.busy === 0 && result.log === result.checkpointed
    if (pending) start()
    else if (drained && isComplete) {
      drained.resolve()
      drained = undefined
    } else if (drained) {
      // Busy (another connection was checkpointing) or an older snapshot held frames: again.
      setTimeout(() => alive && !running && start(), 5).unref()
    }
  })
  worker.on('error', fallBack)
  worker.on('exit', fallBack)

  return {
    committed() {
      if (!alive) return undefined
      if (running) pending = true
      else start()
      if (framesInWal < drainFrames) return undefined
      if (!drained) {
        let resolve!: () => void
        const promise = new Promise<void>((r) => (resolve = r))
        drained = { promise, resolve }
      }
      return drained.promise
    },
    close() {
      exited ??= new Promise<void>((resolve) => {
        if (!alive) return resolve()
        worker.removeListener('exit', fallBack)
        // Referenced again while it finishes, so that the process waits for it.
        worker.ref()
        worker.once('exit', () => {
          alive = false
          drained?.resolve()
          resolve()
        })
        worker.postMessage('close')
      })
      return exited
    },
  }
}
