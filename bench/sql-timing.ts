/**
 * Opt-in (`--sql-timing`) instrumentation of the service child: wraps better-sqlite3's prepare
 * and the statements' run/all/get/iterate to time every SQL statement, keyed by its text.
 * Kysely's SQLite driver prepares every query anew, so prepare time is reported separately.
 * Installed before the database is opened; a few µs of overhead per statement.
 */
import SqliteDatabase from 'better-sqlite3'

export interface SqlStat {
  sql: string
  calls: number
  prepareMs: number
  execMs: number
  rows: number
}

const stats = new Map<string, SqlStat>()

function statFor(sql: string): SqlStat {
  let s = stats.get(sql)
  if (!s) {
    s = { sql, calls: 0, prepareMs: 0, execMs: 0, rows: 0 }
    stats.set(sql, s)
  }
  return s
}

export function installSqlTiming(): void {
  const proto = SqliteDatabase.prototype as unknown as {
    prepare(this: unknown, source: string): Record<string, unknown>
  }
  const prepare = proto.prepare
  proto.prepare = function (this: unknown, source: string) {
    const t0 = performance.now()
    const stmt = prepare.call(this, source)
    const stat = statFor(source.replace(/\s+/g, ' ').trim())
    stat.prepareMs += performance.now() - t0
    for (const method of ['run', 'all', 'get', 'iterate'] as const) {
      const original = stmt[method] as (...args: unknown[]) => unknown
      stmt[method] = (...args: unknown[]) => {
        const t1 = performance.now()
        const result = original.apply(stmt, args)
        stat.execMs += performance.now() - t1
        stat.calls += 1
        if (Array.isArray(result)) stat.rows += result.length
        return result
      }
    }
    return stmt
  }
}

/**
 * The timings since the previous call. The counters are reset in place, not dropped: the service
 * keeps its prepared statements (its statement cache), which keep counting into the same entries.
 */
export function takeSqlStats(): SqlStat[] {
  const list = [...stats.values()].filter((s) => s.calls > 0).map((s) => ({ ...s }))
  for (const s of stats.values()) {
    s.calls = 0
    s.prepareMs = 0
    s.execMs = 0
    s.rows = 0
  }
  return list
}
