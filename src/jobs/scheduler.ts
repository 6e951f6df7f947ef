import { isDatabaseUnreachable } from '../db/database-unavailable.js'

export interface ScheduledJob {
  name: string
  intervalMs: number
  /** resolves to how many items it handled, for the log */
  run(): Promise<number>
}

export interface JobLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/**
 * Runs each job on its interval, never two runs of one job at once in this process.
 * Decides only when; each job is safe to run in several processes at the same time.
 */
export function startScheduler(jobs: ScheduledJob[], logger: JobLogger): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = []
  const running = new Set<Promise<unknown>>()
  let stopped = false
  for (const job of jobs) {
    let busy = false
    /** the database could not be reached on the last run: said once, not every tick */
    let waiting = false
    const tick = () => {
      if (busy || stopped) return
      busy = true
      const run = job
        .run()
        .then((count) => {
          if (waiting) logger.info({ job: job.name }, 'job resumed: the database answers again')
          waiting = false
          if (count > 0) logger.info({ job: job.name, count }, 'job ran')
        })
        .catch((err: unknown) => {
          if (!isDatabaseUnreachable(err)) return logger.error({ err, job: job.name }, 'job failed')
          if (!waiting)
            logger.warn({ job: job.name }, 'job waiting: the database cannot be reached')
          waiting = true
        })
        .finally(() => {
          busy = false
          running.delete(run)
        })
      running.add(run)
    }
    timers.push(setInterval(tick, job.intervalMs))
    setImmediate(tick)
  }
  return {
    async stop() {
      stopped = true
      for (const timer of timers) clearInterval(timer)
      await Promise.allSettled([...running])
    },
  }
}
