import { describe, expect, it } from 'vitest'
import { createSemaphore, SemaphoreFullError } from './semaphore.js'

/** A work that finishes when the test says so. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, work: () => opened }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('createSemaphore', () => {
  it('runs at most `concurrency` works at once, the rest in arrival order', async () => {
    const semaphore = createSemaphore({ concurrency: 2, maxQueued: 10 })
    const gates = Array.from({ length: 5 }, gate)
    const order: number[] = []
    const done = gates.map((g, i) =>
      semaphore.run(async () => {
        order.push(i)
        await g.work()
      }),
    )
    await tick()
    expect(order).toEqual([0, 1])
    expect(semaphore.stats()).toMatchObject({ running: 2, queued: 3 })
    gates[1]!.open()
    await tick()
    // A newcomer arriving as a slot frees does not overtake the queue.
    const late = semaphore.run(async () => {
      order.push(99)
    })
    await tick()
    expect(order).toEqual([0, 1, 2])
    for (const g of gates) g.open()
    await Promise.all([...done, late])
    expect(order).toEqual([0, 1, 2, 3, 4, 99])
    expect(semaphore.stats()).toMatchObject({ running: 0, queued: 0, started: 6, peakRunning: 2 })
  })

  it('refuses work once `maxQueued` already wait, and frees the slot of a failed work', async () => {
    const semaphore = createSemaphore({ concurrency: 1, maxQueued: 1 })
    const first = gate()
    const running = semaphore.run(first.work)
    const queued = semaphore.run(async () => 'queued')
    await expect(semaphore.run(async () => 'third')).rejects.toBeInstanceOf(SemaphoreFullError)
    first.open()
    await running
    await expect(queued).resolves.toBe('queued')
    await expect(
      semaphore.run(async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    await expect(semaphore.run(async () => 'after')).resolves.toBe('after')
  })
})
