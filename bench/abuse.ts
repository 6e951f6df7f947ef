/**
 * The `abuse` scenario (issue #12): one service child, quiet and then under attack from
 *  - 60 concurrent 11 MB bodies POSTed to accept-invite (kept at 60 in flight), and
 *  - 200 concurrent bogus accepts (a real account user, a wrong code, a password; kept at 200),
 * both from 127.0.0.2, while a real client on 127.0.0.1 times `/healthz` (p50/p99), a real accept
 * (a new user registers from the emailed link: one scrypt hash), an accept confirmed by the
 * person's own password through a copied link (one scrypt check), and a user setting their own
 * password (through the service in the child: no route authenticates users, and set-password
 * refuses every API token). RSS of the service process is sampled throughout. Run twice: as
 * deployed (RATE_LIMIT=on), and with RATE_LIMIT=off, as if the attack came from many addresses.
 * Targets: every figure under attack within 2× quiet, RSS under 300 MB.
 */
import http from 'node:http'
import { startChild, type ServerChild } from './child.js'

const BIG_BODY = Buffer.alloc(11 * 1024 * 1024, 0x20)
const BIG_CONCURRENCY = 60
const BOGUS_CONCURRENCY = 200
const ATTACKER = '127.0.0.2'
const CLIENT = '127.0.0.1'
const PASSWORD = 'Bench-Passw0rd!'
const HEALTHZ_SAMPLES = 300
const TIMED_SAMPLES = 5

interface Figures {
  healthz: { p50: number; p99: number; n: number }
  accept: number
  confirm: number
  setPassword: number
  rssMb: number
}

interface AttackTally {
  big: Record<string, number>
  bogus: Record<string, number>
  seconds: number
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}
const median = (values: number[]) => percentile(values, 50)

function request(
  url: string,
  options: http.RequestOptions & { body?: Buffer | string },
): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const req = http.request(new URL(options.path ?? '/', url), options, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

const json = (value: unknown) => JSON.stringify(value)

/** The real client's figures, measured one request after the other. */
async function measure(app: ServerChild, round: string): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: CLIENT })
  const healthz: number[] = []
  for (let i = 0; i < HEALTHZ_SAMPLES; i++) {
    const res = await request(app.url, { path: '/healthz', agent })
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`)
    healthz.push(res.ms)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const invites = await app.call<Array<{ path: string; code: string }>>(
    'inviteForAccept',
    TIMED_SAMPLES,
    `real-${round}`,
  )
  const accepts: number[] = []
  for (const invite of invites) {
    const res = await request(app.url, {
      path: `${invite.path}/accept-invite`,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json' },
      body: json({ code: invite.code, password: PASSWORD }),
    })
    if (res.status !== 200) throw new Error(`a real accept answered ${res.status}`)
    accepts.push(res.ms)
  }
  const registered = await app.call<Array<{ path: string; copiedCode: string; userId: string }>>(
    'registeredForConfirm',
    TIMED_SAMPLES,
    `confirm-${round}`,
    PASSWORD,
  )
  const confirms: number[] = []
  for (const person of registered) {
    const res = await request(app.url, {
      path: `${person.path}/accept-invite`,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json' },
      body: json({ code: person.copiedCode, password: PASSWORD }),
    })
    if (res.status !== 200)
      throw new Error(`an accept confirmed by password answered ${res.status}`)
    confirms.push(res.ms)
  }
  const setPasswords: number[] = []
  for (const person of registered)
    setPasswords.push(await app.call<number>('setOwnPassword', person.userId, `${PASSWORD}2`))
  agent.destroy()
  return {
    healthz: { p50: median(healthz), p99: percentile(healthz, 99), n: healthz.length },
    accept: median(accepts),
    confirm: median(confirms),
    setPassword: median(setPasswords),
    rssMb: (await app.call<number>('rss')) / 1024 / 1024,
  }
}

/** Keeps `concurrency` requests in flight until `stop` is set; tallies the answers. */
function sustain(
  concurrency: number,
  send: () => Promise<number>,
  tally: Record<string, number>,
  stop: { now: boolean },
): Promise<void[]> {
  return Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stop.now) {
        const outcome = await send().then(
          String,
          (error: NodeJS.ErrnoException) => error.code ?? 'error',
        )
        tally[outcome] = (tally[outcome] ?? 0) + 1
      }
    }),
  )
}

/** An 11 MB body to accept-invite; resolves on the answer (or the connection's end). */
function bigBody(app: ServerChild, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(`${path}/accept-invite`, app.url), {
      method: 'POST',
      agent: false,
      localAddress: ATTACKER,
      headers: { 'content-type': 'application/json', 'content-length': BIG_BODY.length },
    })
    req.on('response', (res) => {
      res.resume()
      res.on('end', () => {
        req.destroy()
        resolve(res.statusCode ?? 0)
      })
    })
    req.on('error', reject)
    req.end(BIG_BODY)
  })
}

async function attackWhile<T>(
  app: ServerChild,
  target: { path: string; accountUserId: string },
  work: () => Promise<T>,
): Promise<{ result: T; tally: AttackTally; peakRssMb: number }> {
  const stop = { now: false }
  const tally: AttackTally = { big: {}, bogus: {}, seconds: 0 }
  const bogusAgent = new http.Agent({
    keepAlive: true,
    maxSockets: BOGUS_CONCURRENCY,
    localAddress: ATTACKER,
  })
  let n = 0
  const bogus = () => {
    n += 1
    const code = Buffer.from(
      json({ code: `bogus-${n}-${'x'.repeat(40)}`, accountUserId: target.accountUserId }),
    ).toString('base64url')
    return request(app.url, {
      path: `${target.path}/accept-invite`,
      method: 'POST',
      agent: bogusAgent,
      headers: { 'content-type': 'application/json' },
      body: json({ code, password: 'Bogus-Passw0rd!' }),
    }).then((r) => r.status)
  }
  let peakRss = 0
  const sampler = setInterval(() => {
    void app.call<number>('rss').then((rss) => (peakRss = Math.max(peakRss, rss)))
  }, 200)
  const started = performance.now()
  const attackers = Promise.all([
    sustain(BIG_CONCURRENCY, () => bigBody(app, target.path), tally.big, stop),
    sustain(BOGUS_CONCURRENCY, bogus, tally.bogus, stop),
  ])
  await new Promise((resolve) => setTimeout(resolve, 1000)) // let the attack ramp up
  try {
    const result = await work()
    return { result, tally, peakRssMb: peakRss / 1024 / 1024 }
  } finally {
    stop.now = true
    await attackers
    tally.seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    bogusAgent.destroy()
  }
}

async function runOnce(rateLimit: 'on' | 'off', log: (m: string) => void) {
  const app = await startChild(`service RATE_LIMIT=${rateLimit}`, './app-server.ts', {
    env: { BENCH_RATE_LIMIT: rateLimit },
  })
  try {
    // The bogus accepts aim at a real pending invitation, so each gets as far as the code check.
    const [target] = await app.call<Array<{ path: string; accountUserId: string }>>(
      'inviteForAccept',
      1,
      'target',
    )
    await measure(app, `warm-${rateLimit}`) // warm-up: JIT, connections, SQLite pages
    const quiet = await measure(app, `quiet-${rateLimit}`)
    log(`RATE_LIMIT=${rateLimit}: quiet measured (RSS ${quiet.rssMb.toFixed(0)} MB); attacking`)
    const attacked = await attackWhile(app, target!, () => measure(app, `attack-${rateLimit}`))
    return {
      rateLimit,
      quiet,
      attack: attacked.result,
      tally: attacked.tally,
      peakRssMb: attacked.peakRssMb,
    }
  } finally {
    await app.stop()
  }
}

const f = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0))
const ratio = (attack: number, quiet: number) => `${(attack / quiet).toFixed(2)}×`

/** Runs the scenario (both rounds) and returns the lines of its report. */
export async function runAbuse(log: (m: string) => void): Promise<string[]> {
  const rounds = [await runOnce('on', log), await runOnce('off', log)]
  const out: string[] = [
    '',
    'abuse: 60 × 11 MB bodies + 200 bogus accepts in flight (from 127.0.0.2) against one service; a real client on 127.0.0.1',
    'RATE_LIMIT  figure                               quiet      attack     attack/quiet  target',
  ]
  const target = (ok: boolean) => (ok ? 'PASS' : 'MISSED')
  for (const r of rounds) {
    const rows: Array<[string, number, number]> = [
      ['/healthz p50 (ms)', r.quiet.healthz.p50, r.attack.healthz.p50],
      ['/healthz p99 (ms)', r.quiet.healthz.p99, r.attack.healthz.p99],
      ['accept, new user registers (ms)', r.quiet.accept, r.attack.accept],
      ['accept, confirmed by own password (ms)', r.quiet.confirm, r.attack.confirm],
      ['set own password, in the service (ms)', r.quiet.setPassword, r.attack.setPassword],
    ]
    for (const [name, quiet, attack] of rows) {
      out.push(
        `${r.rateLimit.padEnd(10)}  ${name.padEnd(37)}  ${f(quiet).padStart(8)}  ${f(attack).padStart(8)}  ${ratio(attack, quiet).padStart(12)}  ${target(attack <= 2 * quiet)} (≤ 2×)`,
      )
    }
    out.push(
      `${r.rateLimit.padEnd(10)}  ${'RSS of the service (MB)'.padEnd(37)}  ${r.quiet.rssMb.toFixed(0).padStart(8)}  ${r.peakRssMb.toFixed(0).padStart(8)}  ${'peak'.padStart(12)}  ${target(r.peakRssMb < 300)} (< 300 MB)`,
      `${r.rateLimit.padEnd(10)}  attack answered in ${r.tally.seconds.toFixed(1)} s: 11 MB bodies ${JSON.stringify(r.tally.big)}, bogus accepts ${JSON.stringify(r.tally.bogus)}`,
    )
  }
  out.push(
    'p50/p99 of /healthz: 300 sequential requests (5 ms apart) on one keep-alive connection; accept and set-password: median of 5 each.',
    'set-password is refused (403) to every API token, so it is timed as a user setting their own password through the service (the same scrypt, under the same bound).',
    'The attacker and the real client share the machine (and its 2 cores) with the service: the client side costs CPU too.',
  )
  return out
}
