/**
 * The soak's tiny round-robin client: each request goes to the next node; a node that refuses
 * the connection (killed, restarting) is skipped for a second and the request goes to the next
 * one (it never reached a node, so it is safe to send again). A 503 problem with Retry-After is
 * retried after that delay, as a well-behaved client would. A connection that breaks after the
 * request was sent leaves its outcome unknown: a read is sent again, a write is reported as
 * `ambiguous` (the checks then accept it having happened or not, but never twice).
 */
import http from 'node:http'
import type { ApiNode } from './nodes.js'
import { sleep } from './nodes.js'

export interface Attempt {
  op: string
  node: number
  /** ms since the soak started */
  at: number
  ms: number
  /** HTTP status, or what happened instead */
  status: number | 'refused' | 'reset' | 'timeout'
  problemCode?: string
  retryAfter?: string
  contentType?: string
}

export interface Answer {
  status: number
  body: string
  json: any
  headers: http.IncomingHttpHeaders
}

export type Outcome =
  | {
      kind: 'answered'
      answer: Answer
      /** earlier attempts that may have changed something (a 503 of a write: it may have committed) */
      maybeEarlier: number
    }
  | { kind: 'ambiguous'; reason: string; maybeEarlier: number }
  | { kind: 'failed'; reason: string }

export interface SendOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  body?: unknown
  /** send the Operations token (everything but accept-invite) */
  auth?: boolean
  /** the invitee's address, as a load balancer in front of the nodes reports it */
  forwardedFor?: string
  /** this node only (the pool-filling requests); otherwise round robin */
  node?: number
}

const REQUEST_TIMEOUT_MS = 30_000
const MAX_503_RETRIES = 30

export function createClient(nodes: ApiNode[], options: { token: string; startedAt: number }) {
  const agents = nodes.map(() => new http.Agent({ keepAlive: true, maxSockets: 64 }))
  const downUntil = nodes.map(() => 0)
  const attempts: Attempt[] = []
  let next = 0

  function pickNode(): number {
    for (let i = 0; i < nodes.length; i += 1) {
      const index = next++ % nodes.length
      if (downUntil[index]! <= Date.now()) return index
    }
    return next++ % nodes.length
  }

  function once(
    index: number,
    send: SendOptions,
    op: string,
  ): Promise<{ answer?: Answer; failure?: Attempt['status'] }> {
    const node = nodes[index]!
    const payload = send.body === undefined ? undefined : JSON.stringify(send.body)
    const headers: Record<string, string> = {}
    if (payload !== undefined) headers['content-type'] = 'application/json'
    if (send.auth !== false) headers.authorization = `Bearer ${options.token}`
    if (send.forwardedFor) headers['x-forwarded-for'] = send.forwardedFor
    const t0 = performance.now()
    const record = (status: Attempt['status'], answer?: Answer) => {
      attempts.push({
        op,
        node: index,
        at: Date.now() - options.startedAt,
        ms: performance.now() - t0,
        status,
        ...(answer?.json?.code ? { problemCode: String(answer.json.code) } : {}),
        ...(answer?.headers['retry-after']
          ? { retryAfter: String(answer.headers['retry-after']) }
          : {}),
        ...(answer ? { contentType: String(answer.headers['content-type'] ?? '') } : {}),
      })
    }
    return new Promise((resolve) => {
      let sent = false
      const req = http.request(
        `${node.base}${send.path}`,
        { method: send.method, headers, agent: agents[index], timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8')
            let json: unknown
            try {
              json = body ? JSON.parse(body) : undefined
            } catch {
              json = undefined
            }
            const answer = { status: res.statusCode ?? 0, body, json, headers: res.headers }
            record(answer.status, answer)
            resolve({ answer })
          })
          res.on('error', () => {
            record('reset')
            resolve({ failure: 'reset' })
          })
        },
      )
      req.on('timeout', () => {
        record('timeout')
        req.destroy(new Error('timeout'))
        resolve({ failure: 'timeout' })
      })
      req.on('error', (error: NodeJS.ErrnoException) => {
        // Refused: it never reached a node. Anything else after connecting: it may have.
        const refused = error.code === 'ECONNREFUSED' || (!sent && error.code === 'ECONNRESET')
        if (refused) downUntil[index] = Date.now() + 1000
        const status = refused ? 'refused' : error.message === 'timeout' ? 'timeout' : 'reset'
        if (status !== 'timeout') record(status)
        resolve({ failure: status })
      })
      req.on('socket', (socket) => {
        if (socket.connecting) socket.once('connect', () => (sent = true))
        else sent = true
      })
      req.end(payload)
    })
  }

  async function send(op: string, options: SendOptions): Promise<Outcome> {
    const isRead = options.method === 'GET'
    let maybeEarlier = 0
    let retries503 = 0
    for (let tries = 0; tries < 200; tries += 1) {
      const index = options.node ?? pickNode()
      const { answer, failure } = await once(index, options, op)
      if (failure === 'refused') {
        await sleep(options.node === undefined ? 20 : 500)
        continue
      }
      if (failure === 'timeout') return { kind: 'failed', reason: `no answer within 30 s (${op})` }
      if (failure === 'reset') {
        if (isRead) continue
        return { kind: 'ambiguous', reason: 'connection broken after sending', maybeEarlier }
      }
      if (answer!.status === 503 && retries503 < MAX_503_RETRIES) {
        retries503 += 1
        if (!isRead) maybeEarlier += 1
        const seconds = Number(answer!.headers['retry-after'] ?? 1)
        await sleep(Math.min(3, Number.isFinite(seconds) ? seconds : 1) * 1000)
        continue
      }
      return { kind: 'answered', answer: answer!, maybeEarlier }
    }
    return { kind: 'failed', reason: `gave up after 200 tries (${op})` }
  }

  return {
    send,
    attempts,
    close() {
      for (const agent of agents) agent.destroy()
    },
  }
}

export type Client = ReturnType<typeof createClient>
