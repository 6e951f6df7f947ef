/**
 * In a server child: a V8 CPU profile of one stretch of work (the profiled run of one scenario),
 * taken through the inspector, and the process's CPU time over the same stretch (every thread:
 * the libuv pool's scrypt and better-sqlite3 included, which the V8 profile does not see).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { fileURLToPath } from 'node:url'

const PROFILE_DIR = fileURLToPath(new URL('../.bench/profiles/', import.meta.url))

let session: Session | undefined
let cpuAtStart: NodeJS.CpuUsage | undefined
let wallAtStart = 0

export async function startCpuProfile(samplingIntervalUs = 250): Promise<void> {
  session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs })
  await session.post('Profiler.start')
  cpuAtStart = process.cpuUsage()
  wallAtStart = performance.now()
}

export interface TakenProfile {
  /** the .cpuprofile file written (open in Chrome DevTools → Performance) */
  file: string
  /** CPU time of the whole process (all threads) during the profile, ms */
  processCpuMs: number
  wallMs: number
}

/** Stops the profile and writes it to `.bench/profiles/<label>-<pid>-<time>.cpuprofile`. */
export async function stopCpuProfile(label: string): Promise<TakenProfile> {
  if (!session || !cpuAtStart) throw new Error('no CPU profile running')
  const { profile } = await session.post('Profiler.stop')
  const cpu = process.cpuUsage(cpuAtStart)
  const wallMs = performance.now() - wallAtStart
  await session.post('Profiler.disable')
  session.disconnect()
  session = undefined
  cpuAtStart = undefined
  mkdirSync(PROFILE_DIR, { recursive: true })
  const file = `${PROFILE_DIR}${label.replace(/[^\w-]/g, '_')}-${process.pid}-${Date.now()}.cpuprofile`
  writeFileSync(file, JSON.stringify(profile))
  return { file, processCpuMs: (cpu.user + cpu.system) / 1000, wallMs }
}
