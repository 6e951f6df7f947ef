import { createHmac, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  /** the parsed body: `{ type, timestamp, data }` */
  json: { type: string; timestamp: string; data: Record<string, any> }
}

export interface Receiver {
  url: string
  port: number
  /** every request received, in arrival order */
  received: Received[]
  /** the status the next requests get (default 200); a function decides per request */
  respond: (request: Received, index: number) => number
  close(): Promise<void>
}

/** A real HTTP endpoint on 127.0.0.1 that records what it is sent (a webhook receiver). */
export async function startReceiver(port: number): Promise<Receiver> {
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received: [],
    respond: () => 200,
    close: async () => {},
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: Received['json']
      try {
        json = JSON.parse(body) as Received['json']
      } catch {
        json = { type: '', timestamp: '', data: {} }
      }
      const entry = { headers: req.headers, body, json }
      const index = receiver.received.push(entry) - 1
      res.statusCode = receiver.respond(entry, index)
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  receiver.port = (server.address() as AddressInfo).port
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return receiver
}

/**
 * The Standard Webhooks check, written from the specification (independently of the service's
 * signer): the signed content is `id.timestamp.body`, the key the base64 after `whsec_`, and one
 * of the space-separated `v1,<base64>` signatures must match.
 */
export function hasValidSignature(secret: string, received: Received): boolean {
  const id = String(received.headers['webhook-id'] ?? '')
  const timestamp = String(received.headers['webhook-timestamp'] ?? '')
  const header = String(received.headers['webhook-signature'] ?? '')
  if (!id || !/^\d+$/.test(timestamp)) return false
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${received.body}`).digest()
  return header.split(' ').some((entry) => {
    const [version, signature] = entry.split(',')
    if (version !== 'v1' || !signature) return false
    const given = Buffer.from(signature, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
