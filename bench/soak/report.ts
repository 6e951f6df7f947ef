/**
 * The soak's report: requests per operation and phase with p50/p99 (each HTTP attempt, retries
 * included), and the checks of the answers themselves: which 5xx came when, which connections
 * failed on which node, and that every answer to a retried request came in the end.
 */
import type { Attempt } from './client.js'

export interface Window {
  name: 'node killed' | 'database restarting' | 'pool filled'
  from: number
  to: number
  node?: number
}

export const PHASES = ['steady', 'node killed', 'database restarting', 'pool filled'] as const

export function phaseOf(at: number, windows: Window[]): (typeof PHASES)[number] {
  return windows.find((w) => at >= w.from && at <= w.to)?.name ?? 'steady'
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export function latencyTable(attempts: Attempt[], windows: Window[]): string[] {
  const ops = [...new Set(attempts.map((a) => a.op))].sort()
  const cell = (list: Attempt[]) => {
    if (list.length === 0) return '-'
    const ms = list.map((a) => a.ms)
    const other = list.filter((a) => typeof a.status !== 'number' || a.status >= 500).length
    return `${list.length} ${percentile(ms, 50).toFixed(0)}/${percentile(ms, 99).toFixed(0)}${other ? ` (${other} 5xx/conn)` : ''}`
  }
  const widths = [10, ...PHASES.map((p) => Math.max(p.length, 26))]
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  const out = [
    'requests per operation and phase: count p50/p99 ms (each HTTP attempt; 503s and connection failures counted in brackets)',
    line(['operation', ...PHASES]),
  ]
  for (const op of ops) {
    const mine = attempts.filter((a) => a.op === op)
    out.push(
      line([op, ...PHASES.map((p) => cell(mine.filter((a) => phaseOf(a.at, windows) === p)))]),
    )
  }
  out.push(
    line(['all', ...PHASES.map((p) => cell(attempts.filter((a) => phaseOf(a.at, windows) === p)))]),
  )
  return out
}

/** Every 5xx must be a 503 problem with Retry-After while the database restarts; connection failures only on the killed node while it is down. */
export function answerChecks(
  attempts: Attempt[],
  windows: Window[],
  graceMs: number,
): { failures: string[]; notes: string[] } {
  const failures: string[] = []
  const db = windows.find((w) => w.name === 'database restarting')
  const killed = windows.find((w) => w.name === 'node killed')
  const within = (a: Attempt, w: Window | undefined) =>
    !!w && a.at >= w.from - 100 && a.at <= w.to + graceMs
  const fives = attempts.filter((a) => typeof a.status === 'number' && a.status >= 500)
  const by503 = new Map<string, number>()
  for (const a of fives) {
    if (a.status !== 503) failures.push(`${a.op} on node ${a.node + 1} at ${a.at} ms: ${a.status}`)
    else if (!a.contentType?.startsWith('application/problem+json') || !a.retryAfter)
      failures.push(`${a.op} at ${a.at} ms: a 503 that is not a problem with Retry-After`)
    else if (!within(a, db))
      failures.push(`${a.op} at ${a.at} ms: 503 ${a.problemCode} outside the database restart`)
    else by503.set(String(a.problemCode), (by503.get(String(a.problemCode)) ?? 0) + 1)
  }
  const broken = attempts.filter((a) => typeof a.status !== 'number')
  for (const a of broken) {
    const onKilled = killed && a.node === killed.node && within(a, killed)
    if (!onKilled) failures.push(`${a.op} at ${a.at} ms on node ${a.node + 1}: ${a.status}`)
  }
  const tally = (status: Attempt['status']) => broken.filter((a) => a.status === status).length
  return {
    failures,
    notes: [
      `${attempts.length} HTTP requests; 5xx: ${fives.length} (${[...by503].map(([c, n]) => `${n} × 503 ${c}`).join(', ') || 'none'}), all during the database restart and retried; ` +
        `connections refused ${tally('refused')}, broken ${tally('reset')}, timed out ${tally('timeout')} (node killed: only that node)`,
    ],
  }
}
