/** Messages between bench/run.ts (parent) and its server children, over the fork IPC channel. */

export interface ReadyMessage {
  type: 'ready'
  port: number
  /** extra facts the child reports (the app child: Operations account, group, token, data dir) */
  info: Record<string, string | number>
}

/** parent → child: `{ id, type: 'call', method, args }`; child → parent: `{ id, type: 'result', value }` or `{ id, type: 'error', message }` */
export interface CallMessage {
  type: 'call'
  id: number
  method: string
  args: unknown[]
}

export interface ResultMessage {
  type: 'result'
  id: number
  value?: unknown
  error?: string
}

export type ChildMessage = ReadyMessage | ResultMessage

/** In the child: answers `call` messages with the matching handler. */
export function serveCalls(handlers: Record<string, (...args: any[]) => unknown>): void {
  process.on('message', (raw) => {
    const message = raw as CallMessage
    if (message?.type !== 'call') return
    const handler = handlers[message.method]
    const reply = (m: ResultMessage) => process.send?.(m)
    if (!handler) {
      reply({ type: 'result', id: message.id, error: `unknown method ${message.method}` })
      return
    }
    Promise.resolve()
      .then(() => handler(...message.args))
      .then(
        (value) => reply({ type: 'result', id: message.id, value }),
        (error: unknown) =>
          reply({ type: 'result', id: message.id, error: (error as Error).stack ?? String(error) }),
      )
  })
  // The parent went away: do not linger as an orphan holding the port.
  process.on('disconnect', () => process.exit(0))
}
