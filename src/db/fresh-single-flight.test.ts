import { describe, expect, it } from 'vitest'
import { freshSingleFlight } from './fresh-single-flight.js'

describe('freshSingleFlight', () => {
  /** A read whose calls are numbered and finish when the test says so. */
  function controlledRead() {
    const calls: Array<{ n: number; finish: (error?: Error) => void }> = []
    const read = () =>
      new Promise<number>((resolve, reject) => {
        const n = calls.length + 1
        calls.push({ n, finish: (error) => (error ? reject(error) : resolve(n)) })
      })
    return { calls, read }
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve))

  it('gives callers that ask while a call runs the next call, shared, never the running one', async () => {
    const { calls, read } = controlledRead()
    const shared = freshSingleFlight(read)
    const first = shared()
    const second = shared()
    const third = shared()
    expect(calls).toHaveLength(1)
    calls[0]!.finish()
    expect(await first).toBe(1)
    await tick()
    expect(calls).toHaveLength(2)
    calls[1]!.finish()
    expect(await second).toBe(2)
    expect(await third).toBe(2)
  })

  it('starts a new call for a caller that asks when nothing runs', async () => {
    const { calls, read } = controlledRead()
    const shared = freshSingleFlight(read)
    const a = shared()
    calls[0]!.finish()
    await a
    const b = shared()
    expect(calls).toHaveLength(2)
    calls[1]!.finish()
    expect(await b).toBe(2)
  })

  it('passes a failure to the callers of that call only', async () => {
    const { calls, read } = controlledRead()
    const shared = freshSingleFlight(read)
    const failing = shared()
    const next = shared()
    calls[0]!.finish(new Error('connection lost'))
    await expect(failing).rejects.toThrow('connection lost')
    await tick()
    calls[1]!.finish()
    expect(await next).toBe(2)
  })
})
