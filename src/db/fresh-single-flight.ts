/**
 * Shares one call of `read` among concurrent callers without handing anyone a stale answer:
 * a caller gets the result of a call that STARTED after it asked. While a call runs, every new
 * caller waits for the next one, which starts as soon as the running one settles and serves
 * all of them. Under load that is one call per round trip instead of one per caller.
 */
export function freshSingleFlight<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined
  let queued: Promise<T> | undefined
  const start = (): Promise<T> => {
    const call = read()
    running = call
    const settle = () => {
      if (running === call) running = undefined
    }
    call.then(settle, settle)
    return call
  }
  const ignore = () => undefined
  return () => {
    if (!running) return start()
    queued ??= running.then(ignore, ignore).then(() => {
      queued = undefined
      return start()
    })
    return queued
  }
}
