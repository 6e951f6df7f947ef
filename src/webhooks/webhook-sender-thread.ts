import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { createAddressPolicy, type AddressPolicyOptions } from './webhook-address-policy.js'
import {
  createWebhookSender,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookSender,
} from './webhook-sender.js'

export interface SenderOptions {
  policy: AddressPolicyOptions
  timeoutMs: number
  userAgent: string
  maxResponseBytes?: number
}

interface Job {
  id: number
  request: WebhookRequest
}
interface Done {
  id: number
  response: WebhookResponse
}

const ROLE = 'webhook-sender'

export interface ThreadedSender {
  send: WebhookSender
  /** whether requests go to the thread now (false once it failed or was closed) */
  readonly onThread: boolean
  /** Ends the thread; requests still waiting get "no answer" (retried by the dispatcher). */
  close(): Promise<void>
}

/**
 * The webhook sender (`createWebhookSender`, its SSRF policy, timeout and read cap unchanged) on a
 * thread of its own: the HTTP client's work per delivery (measured 115–125 µs of CPU) no longer
 * shares the event loop with the API's requests; what is left there is a message each way. The
 * dispatcher, its claims and the database stay where they were. If the thread cannot start or
 * dies, sending goes on in this thread (as the WAL checkpointer falls back to SQLite's own).
 */
export function startThreadedSender(options: SenderOptions): ThreadedSender {
  const inThread = () => senderOf(options)
  let fallback: WebhookSender | undefined
  const pending = new Map<number, (response: WebhookResponse) => void>()
  let nextId = 1
  let worker: Worker | undefined
  const stopped = (error: string) => {
    worker = undefined
    fallback ??= inThread()
    for (const resolve of pending.values()) resolve({ status: null, durationMs: 0, error })
    pending.clear()
  }
  try {
    const file = new URL(import.meta.url)
    const data = { workerData: { role: ROLE, options } }
    // The built dist is .js. Under tsx (npm start) and vitest this file is .ts, which a thread
    // cannot start from on Node 20, even with tsx's --import: a few lines of plain JavaScript
    // register tsx's loader there first, then import this file.
    worker = file.pathname.endsWith('.ts')
      ? new Worker(
          `const tsx = ${JSON.stringify(tsxLoaderApi(file))}
          import(tsx).then((api) => { (api.register ?? api.default.register)(); return import(${JSON.stringify(file.href)}) })`,
          { ...data, eval: true },
        )
      : new Worker(file, data)
    worker.unref()
    worker.on('message', (done: Done) => {
      const resolve = pending.get(done.id)
      pending.delete(done.id)
      resolve?.(done.response)
    })
    worker.on('error', (error) => stopped(`the sender thread failed: ${error.message}`))
    worker.on('exit', () => stopped('the sender thread stopped'))
  } catch {
    fallback = inThread()
  }
  return {
    get onThread() {
      return worker !== undefined && fallback === undefined
    },
    send(request) {
      if (fallback || !worker) return (fallback ??= inThread())(request)
      const id = nextId++
      const target = worker
      return new Promise<WebhookResponse>((resolve) => {
        pending.set(id, resolve)
        target.postMessage({ id, request } satisfies Job)
      })
    },
    async close() {
      const target = worker
      fallback = inThread()
      if (target) await target.terminate()
    },
  }
}

/** The sender both threads run: the same policy, built from the same plain options. */
function senderOf(options: SenderOptions): WebhookSender {
  return createWebhookSender({ ...options, policy: createAddressPolicy(options.policy) })
}

/** tsx's ESM register API (its `import` export, as the package's own exports map names it). */
function tsxLoaderApi(from: URL): string {
  const require = createRequire(from)
  const manifest = require.resolve('tsx/package.json')
  const { exports } = require(manifest) as {
    exports: Record<string, { import: { default: string } }>
  }
  return new URL(exports['./esm/api']!.import.default, pathToFileURL(manifest)).href
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  const { options } = workerData as { options: SenderOptions }
  const send = senderOf(options)
  parentPort!.on('message', (job: Job) => {
    void send(job.request).then((response) =>
      parentPort!.postMessage({ id: job.id, response } satisfies Done),
    )
  })
}
