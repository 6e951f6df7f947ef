/**
 * In the service child: how the SQLite group commit batched (src/db/sqlite-group-commit.ts), so
 * that the invite floor (bench/invite-floor.ts) replays at the service's own batching. Counts the
 * executions of the driver's COMMIT and of its savepoint RELEASE (one per finished transaction),
 * by wrapping only those statements when they are prepared: every other statement runs unwrapped.
 */
import SqliteDatabase from 'better-sqlite3'

let commits = 0
let transactions = 0

export function installCommitCounter(): void {
  const proto = SqliteDatabase.prototype as unknown as {
    prepare(this: unknown, source: string): { run: (...args: unknown[]) => unknown }
  }
  const prepare = proto.prepare
  proto.prepare = function (this: unknown, source: string) {
    const statement = prepare.call(this, source)
    const count =
      source === 'COMMIT'
        ? () => (commits += 1)
        : source === 'RELEASE group_commit_tx'
          ? () => (transactions += 1)
          : undefined
    if (count) {
      const run = statement.run.bind(statement)
      statement.run = (...args: unknown[]) => {
        const result = run(...args)
        count()
        return result
      }
    }
    return statement
  }
}

/** Commits and finished transactions since the previous call. */
export function takeCommitCounts(): { commits: number; transactions: number } {
  const taken = { commits, transactions }
  commits = 0
  transactions = 0
  return taken
}
