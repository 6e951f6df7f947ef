/** Thrown by `run` when the queue is full: the caller answers "try again later". */
export class SemaphoreFullError extends Error {
  constructor() {
    super('too much work waiting')
    this.name = 'SemaphoreFullError'
  }
}

export interface Semaphore {
  /** Runs `work` once fewer than `concurrency` others run; throws SemaphoreFullError if `maxQueued` already wait. */
  run<T>(work: () => Promise<T>): Promise<T>
  /** `started`: works begun since creation; `peakRunning`: the most that ever ran at once */
  stats(): { running: number; queued: number; started: number; peakRunning: number }
}

/** Bounded concurrency for expensive work, with a bounded queue (first come, first served). */
export function createSemaphore(options: { concurrency: number; maxQueued: number }): Semaphore {
  let running = 0
  let started = 0
  let peakRunning = 0
  const queue: Array<() => void> = []

  // A finishing work hands its slot straight to the next in the queue (`running` unchanged), so a
  // newcomer can never slip in between and push `running` over the bound.
  const release = () => {
    const next = queue.shift()
    if (next) next()
    else running -= 1
  }

  return {
    async run(work) {
      if (running >= options.concurrency) {
        if (queue.length >= options.maxQueued) throw new SemaphoreFullError()
        await new Promise<void>((resolve) => queue.push(resolve))
      } else {
        running += 1
      }
      started += 1
      peakRunning = Math.max(peakRunning, running)
      try {
        return await work()
      } finally {
        release()
      }
    },
    stats: () => ({ running, queued: queue.length, started, peakRunning }),
  }
}
