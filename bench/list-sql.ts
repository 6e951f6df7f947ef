/**
 * "The same query's raw SQL time", for the list scenarios, in the service child:
 *  1. capture: the service's own `list` runs once through a Kysely instance with a plugin that
 *     compiles (exactly as the executor will) and records every query node it is shown — the
 *     count and the page built by fetchListPage, the scope check, the hydration query, and also
 *     nodes that are only parts of other queries (the WHERE fetchListPage inspects, the UNION's
 *     branches), which are never run alone; only the count and the page are used below;
 *  2. time: the count and the page are executed N times directly on a connection of their own
 *     (better-sqlite3 prepared once, as the service's statement cache does; pg `query(text, values)`
 *     per call, as Kysely's pg driver does), as the service runs them: on SQLite one after the
 *     other (one connection, synchronous), on PostgreSQL concurrently on two connections.
 */
import SqliteDatabase from 'better-sqlite3'
import type {
  CompiledQuery,
  Kysely,
  KyselyPlugin,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely'
import pg from 'pg'
import type { Actor } from '../src/access/actor.js'
import type { AccountUserFamily } from '../src/account-users/account-user-presenter.js'
import { createAccountUserService } from '../src/account-users/account-user-service.js'
import type { DatabaseTarget } from '../src/config.js'
import type { Database } from '../src/db/schema.js'
import type { Services } from '../src/services.js'

export interface CapturedQuery {
  role: 'count' | 'page' | 'other'
  sql: string
  parameters: unknown[]
}

export interface RawTiming {
  n: number
  /** ms; count + page as the service runs them */
  pair: { p50: number; p99: number; mean: number }
  count: { p50: number; p99: number }
  page: { p50: number; p99: number }
  /** rows the page returned and the count's value, to check against the HTTP answer */
  pageRows: number
  total: number
}

class CapturePlugin implements KyselyPlugin {
  readonly queries: CompiledQuery[] = []
  constructor(private readonly db: Kysely<Database>) {}
  transformQuery(args: {
    node: RootOperationNode
    queryId: { readonly queryId: string }
  }): RootOperationNode {
    // The last plugin sees the final node; the executor compiles it the same way right after.
    this.queries.push(this.db.getExecutor().compileQuery(args.node, args.queryId))
    return args.node
  }
  async transformResult(args: {
    result: QueryResult<UnknownRow>
  }): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}

/** Runs the service's list once and returns the SQL it issued, count and page identified. */
export async function captureListSql(
  services: Services,
  dialect: 'sqlite' | 'postgres',
  input: { actor: Actor; family: AccountUserFamily; accountId?: string; rawQuery: string },
): Promise<CapturedQuery[]> {
  const plugin = new CapturePlugin(services.db)
  const service = createAccountUserService({
    ...services.accountUserDeps,
    db: services.db.withPlugin(plugin),
    dialect,
  })
  await service.list(input)
  const out = plugin.queries.map((q): CapturedQuery => ({
    role: 'other',
    sql: q.sql,
    parameters: [...q.parameters],
  }))
  // fetchListPage builds the count first, then the page (both before awaiting either); a page
  // with a deferred join is seen twice, its keys' subquery alone and then the whole page (the
  // one that runs), which holds it.
  const count = out.findIndex((q) => /count\(\*\) as "total"/i.test(q.sql))
  const deferred = (at: number) => out[at]?.sql.includes('"page_key"') ?? false
  const page = count < 0 ? -1 : deferred(count + 1) && deferred(count + 2) ? count + 2 : count + 1
  if (count < 0 || !out[page])
    throw new Error(
      `could not find the count and page queries among: ${out.map((q) => q.sql).join('\n')}`,
    )
  out[count]!.role = 'count'
  out[page]!.role = 'page'
  return out
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

/** p50, p99 and mean of a series of timings (nearest-rank percentiles). */
export function summarize(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
  }
}

export interface RawSample {
  /** ms: count + page as the service runs them */
  pair: number
  count: number
  page: number
  total: number
  pageRows: number
}

/**
 * A connection of its own that runs the list's count + page as the service runs them: on SQLite
 * one after the other (one connection, synchronous), on PostgreSQL concurrently on two.
 */
export async function openRawRunner(
  target: DatabaseTarget,
  queries: CapturedQuery[],
): Promise<{ once(): Promise<RawSample>; close(): Promise<void> }> {
  const count = queries.find((q) => q.role === 'count')!
  const page = queries.find((q) => q.role === 'page')!
  if (target.dialect === 'sqlite') {
    const sqlite = new SqliteDatabase(target.filename, { readonly: true })
    // as src/db/connect.ts registers it (ilike folds Unicode through it)
    sqlite.function('unicode_lower', { deterministic: true }, (value: unknown) =>
      typeof value === 'string' ? value.toLowerCase() : value,
    )
    const countStmt = sqlite.prepare(count.sql)
    const pageStmt = sqlite.prepare(page.sql)
    return {
      async once() {
        const t0 = performance.now()
        const c = countStmt.get(...(count.parameters as unknown[])) as { total: number }
        const t1 = performance.now()
        const rows = pageStmt.all(...(page.parameters as unknown[]))
        const t2 = performance.now()
        return {
          pair: t2 - t0,
          count: t1 - t0,
          page: t2 - t1,
          total: Number(c.total),
          pageRows: rows.length,
        }
      },
      async close() {
        sqlite.close()
      },
    }
  }
  const a = new pg.Client({ connectionString: target.connectionString })
  const b = new pg.Client({ connectionString: target.connectionString })
  await Promise.all([a.connect(), b.connect()])
  return {
    async once() {
      const t0 = performance.now()
      let tc = 0
      let tp = 0
      const [c, p] = await Promise.all([
        a
          .query(count.sql, count.parameters as unknown[])
          .then((r) => ((tc = performance.now() - t0), r)),
        b
          .query(page.sql, page.parameters as unknown[])
          .then((r) => ((tp = performance.now() - t0), r)),
      ])
      return {
        pair: performance.now() - t0,
        count: tc,
        page: tp,
        total: Number(c.rows[0].total),
        pageRows: p.rows.length,
      }
    },
    async close() {
      await Promise.all([a.end(), b.end()])
    },
  }
}

/** Summarizes raw samples (count + page) the way the runner reports them. */
export function summarizeRaw(samples: RawSample[]): RawTiming {
  const s = summarize(samples.map((x) => x.pair))
  const c = summarize(samples.map((x) => x.count))
  const p = summarize(samples.map((x) => x.page))
  const last = samples[samples.length - 1]!
  return {
    n: samples.length,
    pair: s,
    count: { p50: c.p50, p99: c.p99 },
    page: { p50: p.p50, p99: p.p99 },
    pageRows: last.pageRows,
    total: last.total,
  }
}
