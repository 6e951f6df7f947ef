import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { guardedLookup, type AddressPolicy } from './webhook-address-policy.js'

export interface WebhookRequest {
  url: string
  headers: Record<string, string>
  body: string
}

export interface WebhookResponse {
  /** the HTTP status, or null when no response came */
  status: number | null
  durationMs: number
  /** why it failed, when it did (no response, or a status outside 2xx) */
  error: string | null
}

export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>

/**
 * POSTs a webhook: connects only to addresses the policy allows (checked on every address the
 * host resolves to), follows no redirect, gives up after `timeoutMs` from start to the end of the
 * response, and reads at most `maxResponseBytes` of the response body (then drops the
 * connection). A 2xx answer is a delivery; anything else is a failure to retry.
 */
export function createWebhookSender(options: {
  policy: AddressPolicy
  timeoutMs: number
  userAgent: string
  maxResponseBytes?: number
}): WebhookSender {
  const maxBytes = options.maxResponseBytes ?? 4096
  const lookup = guardedLookup(options.policy)
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
  }
  return (request) =>
    new Promise<WebhookResponse>((resolve) => {
      const started = performance.now()
      let settled = false
      let timer: NodeJS.Timeout | undefined
      const finish = (status: number | null, error: string | null) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve({ status, durationMs: Math.round(performance.now() - started), error })
      }
      let url: URL
      try {
        url = new URL(request.url)
      } catch {
        return finish(null, 'the URL is not valid')
      }
      const isHttp = url.protocol === 'http:'
      if (!isHttp && url.protocol !== 'https:') return finish(null, 'the URL is not http(s)')
      const literal = url.hostname.replace(/^\[|\]$/g, '')
      if (isIP(literal)) {
        const refusal = options.policy.refusalOf(literal)
        if (refusal) return finish(null, `refused: ${refusal}`)
      }
      const plainHttpRefusal = (address: string) =>
        isHttp && !options.policy.allowsPlainHttp(address)
          ? `refused: http:// to ${address}; only https`
          : undefined
      if (isIP(literal) && plainHttpRefusal(literal))
        return finish(null, plainHttpRefusal(literal)!)
      const module = isHttp ? http : https
      const req = module.request(
        url,
        {
          method: 'POST',
          agent: agents[url.protocol as 'http:' | 'https:'],
          lookup: (hostname, lookupOptions, callback) =>
            lookup(hostname, lookupOptions, (error, address, family) => {
              if (error) return callback(error, address, family)
              const first = Array.isArray(address) ? address[0]?.address : address
              const refused = first ? plainHttpRefusal(first) : undefined
              if (refused) return callback(new Error(refused), address, family)
              callback(null, address, family)
            }),
          headers: {
            ...request.headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(request.body)),
            'user-agent': options.userAgent,
          },
        },
        (response) => {
          const status = response.statusCode ?? null
          let read = 0
          response.on('data', (chunk: Buffer) => {
            read += chunk.length
            if (read > maxBytes) response.destroy()
          })
          const done = () =>
            finish(
              status,
              status !== null && status >= 200 && status < 300
                ? null
                : `the endpoint answered ${status}`,
            )
          response.on('end', done)
          response.on('close', done)
          response.on('error', done)
        },
      )
      timer = setTimeout(() => {
        req.destroy()
        finish(null, `no answer within ${options.timeoutMs} ms`)
      }, options.timeoutMs)
      req.on('error', (error: NodeJS.ErrnoException) => {
        const reason = error.message.startsWith('refused:')
          ? error.message
          : error.code === 'EWEBHOOKADDRESS'
            ? `refused: ${error.message}`
            : `${error.code ?? 'error'}: ${error.message}`
        finish(null, reason.slice(0, 200))
      })
      req.end(request.body)
    })
}
