import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildMessage, ReadyMessage } from './protocol.js'

/** A server running in its own process (own event loop, own core), reached over HTTP and IPC. */
export interface ServerChild {
  name: string
  port: number
  url: string
  info: ReadyMessage['info']
  pid: number
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>
  stop(): Promise<void>
}

const TSX = import.meta.resolve('tsx')

export async function startChild(
  name: string,
  script: string,
  options: { env?: Record<string, string>; execArgv?: string[]; startTimeoutMs?: number } = {},
): Promise<ServerChild> {
  const file = fileURLToPath(new URL(script, import.meta.url))
  const child: ChildProcess = fork(file, [], {
    execArgv: ['--import', TSX, ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let nextId = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let exited = false
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true
      for (const p of pending.values())
        p.reject(new Error(`${name} server exited (code ${code}) during a call`))
      pending.clear()
      resolve(code)
    }),
  )

  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} server did not report ready`)),
      options.startTimeoutMs ?? 60_000,
    )
    child.on('message', (raw) => {
      const message = raw as ChildMessage
      if (message.type === 'ready') {
        clearTimeout(timer)
        resolve(message)
      } else if (message.type === 'result') {
        const p = pending.get(message.id)
        if (!p) return
        pending.delete(message.id)
        if (message.error !== undefined) p.reject(new Error(`${name}: ${message.error}`))
        else p.resolve(message.value)
      }
    })
    void exit.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${name} server exited with code ${code} before it was ready`))
    })
  })

  const handle: ServerChild = {
    name,
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}`,
    info: ready.info,
    pid: child.pid!,
    call<T>(method: string, ...args: unknown[]) {
      if (exited) return Promise.reject(new Error(`${name} server is not running`))
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        child.send({ type: 'call', id, method, args })
      })
    },
    async stop() {
      if (exited) return
      // A clean exit (not a signal) so that --cpu-prof can write its profile.
      await handle.call('stop').catch(() => undefined)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exit
      clearTimeout(timer)
    },
  }
  return handle
}
