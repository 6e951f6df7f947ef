/**
 * Summarises a V8 .cpuprofile: self time by area (SQLite native, Kysely, Fastify, crypto, the
 * service's own code, GC…), the top functions by self time, and the inclusive time of the
 * service's own functions. `npm run bench` prints a short form per scenario, per request
 * (`summarizeProfile` + `formatPerRequest`); the full form for a file:
 *
 *   npx tsx bench/profile-summary.ts .bench/profiles/<file>.cpuprofile [--top=25] [--requests=N]
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export interface ProfileSummary {
  /** µs sampled, and µs not idle */
  totalUs: number
  busyUs: number
  /** self time by area, µs, largest first (idle left out) */
  byArea: Array<[string, number]>
  /** self time by function, µs, largest first */
  byFunction: Array<[string, number]>
  /** inclusive time of the service's own (src/) functions, µs, largest first */
  inclusive: Array<[string, number]>
}

function area(frame: CallFrame): string {
  const { url, functionName } = frame
  if (!url) {
    if (functionName === '(idle)') return 'idle'
    if (functionName === '(garbage collector)') return 'GC'
    if (functionName === '(program)') return 'V8/program'
    if (['prepare', 'run', 'all', 'get', 'iterate', 'exec', 'pragma'].includes(functionName))
      return 'SQLite (native)'
    if (
      /^(scrypt|pbkdf2|digest|update|final|randomBytes|createCipheriv|createDecipheriv|Cipheriv|Decipheriv|Hash|timingSafeEqual|getAuthTag|setAuthTag|randomFill)/.test(
        functionName,
      )
    )
      return 'crypto (native)'
    if (
      /^(writev|writeUtf8String|writeBuffer|writeLatin1String|shutdown|close)$/.test(functionName)
    )
      return 'socket writes (native)'
    return `native: ${functionName || '(anonymous)'}`
  }
  // better-sqlite3's run/all/get are native with no JS frame: their time is the caller's self time
  if (/\/src\/db\/sqlite-group-commit\.ts$/.test(url)) return 'SQLite exec (native, group commit)'
  if (/kysely\/dist\/esm\/dialect\/sqlite\/sqlite-driver\.js$/.test(url))
    return 'SQLite exec (native, under kysely sqlite-driver)'
  if (/better-sqlite3\/lib\/methods\/wrappers\.js$/.test(url) && functionName === 'prepare')
    return 'SQLite prepare (native)'
  if (/bench\/sql-timing\.ts$/.test(url))
    return 'SQLite exec (native, under bench/sql-timing wrapper)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  const src = /\/(src|bench)\/(.*)$/.exec(url)
  if (src) return `${src[1]}/${src[2]!.split('/')[0]}`
  if (url.startsWith('node:'))
    return url
      .replace(/^node:internal\//, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/')
  return url
}

export function summarizeProfile(profile: Profile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

  // The profiler's own start and stop (bench/cpu-profile.ts) are not the server's work.
  const isOwn = new Map<number, boolean>()
  const profilerOwn = (id: number): boolean => {
    const known = isOwn.get(id)
    if (known !== undefined) return known
    const up = parent.get(id)
    const own =
      byId.get(id)!.callFrame.url.endsWith('bench/cpu-profile.ts') ||
      (up !== undefined && profilerOwn(up))
    isOwn.set(id, own)
    return own
  }
  const selfUs = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    if (profilerOwn(id)) continue
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0)

  const byArea = new Map<string, number>()
  const byFunction = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame
    byArea.set(area(frame), (byArea.get(area(frame)) ?? 0) + us)
    const key = `${frame.functionName || '(anonymous)'}  ${frame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${frame.lineNumber + 1}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
  }

  // inclusive time of the service's own functions (each sample counted once per function)
  const inclusive = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const seen = new Set<string>()
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const frame = byId.get(n)!.callFrame
      if (!/\/src\//.test(frame.url)) continue
      const key = `${frame.functionName || '(anonymous)'}  ${frame.url.replace(/^.*\/src\//, 'src/')}:${frame.lineNumber + 1}`
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + us)
    }
  }
  const sorted = (map: Map<string, number>) =>
    [...map].filter(([k]) => !/^\(?idle\)?/.test(k)).sort((a, b) => b[1] - a[1])
  return {
    totalUs,
    busyUs: totalUs - (byArea.get('idle') ?? 0),
    byArea: sorted(byArea),
    byFunction: sorted(byFunction),
    inclusive: sorted(inclusive),
  }
}

/**
 * The short form `npm run bench` prints under a scenario: the main thread's busy time per request
 * and its biggest areas and functions, in µs per request.
 */
export function formatPerRequest(
  summary: ProfileSummary,
  requests: number,
  options: { areas?: number; functions?: number; indent?: string } = {},
): string[] {
  const indent = options.indent ?? '    '
  const per = (us: number) => (us / Math.max(1, requests)).toFixed(0)
  const pct = (us: number) => `${((us / summary.busyUs) * 100).toFixed(0)}%`
  const list = (items: Array<[string, number]>, n: number) =>
    items
      .slice(0, n)
      .map(([k, us]) => `${k} ${per(us)} (${pct(us)})`)
      .join(' · ')
  return [
    `${indent}main thread busy ${per(summary.busyUs)} µs/request (${((summary.busyUs / summary.totalUs) * 100).toFixed(0)}% of the run); by area, µs/request:`,
    `${indent}  ${list(summary.byArea, options.areas ?? 10)}`,
    `${indent}top functions (self), µs/request:`,
    `${indent}  ${list(
      summary.byFunction.map(([k, us]) => [k.replace(/\s+/g, ' '), us]),
      options.functions ?? 8,
    )}`,
  ]
}

function main(): void {
  const file = process.argv[2]
  if (!file)
    throw new Error(
      'usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top=N] [--requests=N]',
    )
  const args = process.argv.join(' ')
  const top = Number(/--top=(\d+)/.exec(args)?.[1] ?? 25)
  const requests = Number(/--requests=(\d+)/.exec(args)?.[1] ?? 0)
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile)
  const pct = (us: number) => `${((us / summary.busyUs) * 100).toFixed(1).padStart(5)}%`
  const print = (title: string, items: Array<[string, number]>, n: number) => {
    process.stdout.write(`\n${title}\n`)
    for (const [k, us] of items.slice(0, n)) {
      const perRequest = requests ? `  ${(us / requests).toFixed(1).padStart(7)} µs/req` : ''
      process.stdout.write(
        `  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms${perRequest}  ${k}\n`,
      )
    }
  }
  process.stdout.write(
    `${file}: ${(summary.totalUs / 1e6).toFixed(1)} s sampled, ${(summary.busyUs / 1e6).toFixed(1)} s busy (percentages are of busy time)\n`,
  )
  print('Self time by area', summary.byArea, 30)
  print(`Top ${top} functions by self time`, summary.byFunction, top)
  print(
    `Top ${top} service functions by inclusive time (async functions: only their synchronous slices)`,
    summary.inclusive,
    top,
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
