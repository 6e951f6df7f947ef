/**
 * The webhook scenario (issue #15): one service child that delivers its webhook queue (as every
 * node does), two Client accounts in it — one with a webhook subscribed to every account-user
 * event (to a real receiver in this process, which answers 200), one without — and the same
 * invite burst (autocannon, POST …/{ACC}/users, a new user each) into each, in interleaved
 * rounds. Reported: invites/s with and without, their ratio (target ≥ 0.80), the deliveries made
 * and how long after the last burst the queue was empty. A third kind of round takes the dispatcher
 * out: the same burst with the webhook, its deliveries queued but sent only after the burst, so
 * the cost of queueing (in the invite's transaction) and of dispatching (in the same process; the
 * HTTP requests themselves on the sender's thread, as src/main.ts does) are told apart.
 */
import http from 'node:http'
import autocannon from 'autocannon'
import { startChild } from './child.js'
import type { BenchOptions } from './scenarios.js'

const RECEIVER_PORT = 18560

type Kind = 'without' | 'with' | 'queued only'

interface Round {
  kind: Kind
  reqPerSec: number
  p50: number
  p99: number
  non201: number
}

export async function runWebhooks(
  options: BenchOptions,
  log: (message: string) => void,
): Promise<string[]> {
  let received = 0
  const receiver = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      received += 1
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, '127.0.0.1', resolve))
  const app = await startChild('service webhooks', './app-server.ts', {
    env: { BENCH_WEBHOOKS: '1' },
  })
  try {
    const auth = {
      authorization: `Bearer ${String(app.info.token)}`,
      'content-type': 'application/json',
    }
    const account = async (name: string) => {
      const res = await fetch(`${app.url}/public/v1/accounts/accounts`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name, type: 'Client' }),
      })
      const body = (await res.json()) as { id: string; groups: Array<{ id: string }> }
      if (res.status !== 201) throw new Error(`account: ${res.status} ${JSON.stringify(body)}`)
      return { id: body.id, groupId: body.groups[0]!.id }
    }
    const plain = await account('Without webhook')
    const hooked = await account('With webhook')
    const hook = await fetch(`${app.url}/public/v1/notifications/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        url: `http://127.0.0.1:${RECEIVER_PORT}/hooks`,
        events: ['account-user.*'],
        account: { id: hooked.id },
      }),
    })
    if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${await hook.text()}`)

    let sequence = 0
    const burst = async (target: { id: string; groupId: string }, seconds: number) => {
      const result = await autocannon({
        url: app.url,
        connections: options.connections,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: `/public/v1/accounts/${target.id}/users`,
            headers: auth,
            setupRequest: (request) => {
              sequence += 1
              return {
                ...request,
                body: JSON.stringify({
                  user: {
                    email: `hook-${sequence}@example.com`,
                    firstName: 'Ada',
                    lastName: 'Lovelace',
                  },
                  groups: [{ id: target.groupId }],
                }),
              }
            },
          },
        ],
      })
      const ok = result.statusCodeStats?.['201']?.count ?? 0
      return {
        reqPerSec: result.requests.total / (result.duration || seconds),
        p50: result.latency.p50,
        p99: result.latency.p99,
        non201: result.requests.total - ok,
      }
    }
    const drained = async () => {
      const started = performance.now()
      for (;;) {
        const counts = await app.call<Record<string, number>>('webhookDeliveries')
        if (!counts.Pending && !counts.Sending) return (performance.now() - started) / 1000
        if (performance.now() - started > 60_000) throw new Error('the webhook queue did not drain')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }

    await burst(plain, options.warmupSec)
    await burst(hooked, options.warmupSec)
    await drained()
    const rounds: Round[] = []
    let lastDrainSec = 0
    const kinds: Kind[] = ['without', 'with', 'queued only']
    for (let round = 0; round < options.runs; round += 1) {
      // a different order each round, so drift hits each kind alike
      const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]!)
      for (const kind of order) {
        await app.call('idle')
        if (kind === 'queued only') await app.call('pauseWebhooks', true)
        const measured = await burst(kind === 'without' ? plain : hooked, options.durationSec)
        rounds.push({ kind, ...measured })
        if (kind === 'queued only') await app.call('pauseWebhooks', false)
        if (kind !== 'without') {
          const drainSec = await drained()
          if (kind === 'with') lastDrainSec = drainSec
        }
        log(`webhooks round ${round + 1} ${kind}: ${measured.reqPerSec.toFixed(0)} invites/s`)
      }
    }
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b)
      return sorted[Math.floor(sorted.length / 2)] ?? 0
    }
    const of = (kind: Kind) => rounds.filter((r) => r.kind === kind)
    const rate = (kind: Kind) => median(of(kind).map((r) => r.reqPerSec))
    const latency = (kind: Kind) =>
      `p50 ${median(of(kind).map((r) => r.p50))} ms, p99 ${median(of(kind).map((r) => r.p99))} ms`
    const without = rate('without')
    const withHook = rate('with')
    const queuedOnly = rate('queued only')
    const counts = await app.call<Record<string, number>>('webhookDeliveries')
    const ratio = withHook / without
    const errors = rounds.reduce((sum, r) => sum + r.non201, 0)
    return [
      `webhooks: invite burst (${options.connections} connections, ${options.runs} × ${options.durationSec} s each, interleaved), one service child delivering its queue to a receiver on 127.0.0.1`,
      `  without a webhook: ${without.toFixed(0)} invites/s (${latency('without')})`,
      `  with a webhook:    ${withHook.toFixed(0)} invites/s (${latency('with')})`,
      `  ratio ${ratio.toFixed(2)} (target ≥ 0.80: ${ratio >= 0.8 ? 'PASS' : 'FAIL'}); non-201 answers: ${errors}`,
      `  with a webhook, delivered only after the burst: ${queuedOnly.toFixed(0)} invites/s (${latency('queued only')}), ratio ${(queuedOnly / without).toFixed(2)}: the queueing's share; the rest is the dispatcher's (claims, outcomes, the requests handed to the sender thread)`,
      `  deliveries: ${counts.Delivered ?? 0} delivered, ${counts.Failed ?? 0} failed, received ${received}; queue empty ${lastDrainSec.toFixed(2)} s after the last burst`,
    ]
  } finally {
    await app.stop()
    receiver.closeAllConnections()
    await new Promise<void>((resolve) => receiver.close(() => resolve()))
  }
}
