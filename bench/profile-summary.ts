/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): self time by area
 * (SQLite native, Kysely, Fastify, crypto, the service's own code, GC…), the top functions by
 * self time, and the inclusive time of the service's own functions.
 *
 *   npx tsx bench/profile-summary.ts .bench/profiles/CPU.….cpuprofile [--top=25]
 */
import { readFileSync } from 'node:fs'

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

const file = process.argv[2]
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top=N]')
const top = Number(/--top=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const selfUs = new Map<number, number>()
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0)

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
    return `native: ${functionName || '(anonymous)'}`
  }
  // better-sqlite3's run/all/get are native with no JS frame: their time is the caller's self time
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

const busyUs = totalUs - (byArea.get('idle') ?? 0)
const pct = (us: number, of = busyUs) => `${((us / of) * 100).toFixed(1).padStart(5)}%`
const print = (title: string, map: Map<string, number>, n: number) => {
  process.stdout.write(`\n${title}\n`)
  for (const [k, us] of [...map]
    .filter(([k]) => !/^\(?idle\)?/.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)) {
    process.stdout.write(`  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`)
  }
}
process.stdout.write(
  `${file}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${(busyUs / 1e6).toFixed(1)} s busy (percentages are of busy time)\n`,
)
print('Self time by area', byArea, 30)
print(`Top ${top} functions by self time`, byFunction, top)
print(
  `Top ${top} service functions by inclusive time (async functions: only their synchronous slices)`,
  inclusive,
  top,
)
