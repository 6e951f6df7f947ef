import { randomHex } from '../lib/random-hex.js'

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/

/** W3C trace-context id for the request: the caller's `traceparent` trace when it sent one. */
export function traceIdFor(traceparent: string | string[] | undefined): string {
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent) : null
  const trace = match?.[1] ?? randomHex(16)
  return `00-${trace}-${randomHex(8)}-00`
}
