import { execFileSync } from 'node:child_process'

/**
 * The PostgreSQL cluster of the fault tests (issue #17, `.ci/start-soak-postgres.sh`): tests stop,
 * start and restart it, so it is never the shared one of TEST_DATABASE_URL. Its URL is
 * TEST_SOAK_DATABASE_URL; its Debian name TEST_SOAK_PG_CLUSTER (default `15 soak`).
 */
export const soakDatabaseUrl = process.env.TEST_SOAK_DATABASE_URL
const [version, name] = (process.env.TEST_SOAK_PG_CLUSTER ?? '15 soak').split(/\s+/) as [
  string,
  string,
]

function clusterExists(): boolean {
  try {
    const listing = execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' })
    return listing.split('\n').some((line) => {
      const [v, n] = line.trim().split(/\s+/)
      return v === version && n === name
    })
  } catch {
    return false
  }
}

/**
 * Whether the fault tests can run here. Locally they are skipped without the cluster; CI always
 * has it (.ci/run starts it), so there a missing cluster is a failure, never a silent skip.
 */
export function soakClusterAvailable(): boolean {
  const available = Boolean(soakDatabaseUrl) && clusterExists()
  if (!available && process.env.CI)
    throw new Error(
      'CI runs the database fault tests: start the cluster with .ci/start-soak-postgres.sh and set TEST_SOAK_DATABASE_URL',
    )
  return available
}

/** `pg_ctlcluster <version> <name> <action>`: returns once the command did (a restart: up again). */
export function controlSoakCluster(action: 'stop' | 'start' | 'restart'): void {
  execFileSync('pg_ctlcluster', [version, name, action], { stdio: 'ignore' })
}

/** The `[version, name]` arguments of pg_ctlcluster, for an asynchronous call. */
export const soakCluster = [version, name] as const

/** Starts the cluster unless it runs (a test that failed half-way may have left it stopped). */
export function ensureSoakClusterRunning(): void {
  try {
    execFileSync('pg_ctlcluster', [version, name, 'status'], { stdio: 'ignore' })
  } catch {
    controlSoakCluster('start')
  }
}
