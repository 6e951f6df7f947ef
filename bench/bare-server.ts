/**
 * The baseline: a bare Fastify 5 app (logger off, no hooks, no auth, no schema) with one GET
 * route answering a constant JSON object. Run as a child of bench/run.ts; the parent sends the
 * constant (built to the byte size of a real invite response) with the `setBody` call.
 */
import Fastify from 'fastify'
import { serveCalls } from './protocol.js'

let payload: unknown = { ok: true }

const app = Fastify({ logger: false })
app.get('/bare', async () => payload)

serveCalls({
  /** Installs the constant; answers its serialized size so the parent can check it. */
  setBody(json: string) {
    payload = JSON.parse(json)
    return Buffer.byteLength(JSON.stringify(payload))
  },
  async stop() {
    await app.close()
    setImmediate(() => process.exit(0))
  },
})

await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
const port = typeof address === 'object' && address ? address.port : 0
process.send?.({ type: 'ready', port, info: {} })
