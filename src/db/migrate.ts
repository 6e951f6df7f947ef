import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import * as initialSchema from './migrations/2026-11-26-0600-initial-schema.js'
import * as icons from './migrations/2026-11-26-0700-icons.js'
import * as userGroupsOneDefault from './migrations/2026-11-26-0810-user-groups-one-default.js'
import * as accountUsersListIndexes from './migrations/2026-11-26-0900-account-users-list-indexes.js'
import * as statusExpiryCovering from './migrations/2026-11-26-1000-account-users-status-expiry-covering.js'
import * as usersIdEmailKey from './migrations/2026-11-26-1100-users-id-email-key.js'
import * as accountUsersUserEmailKey from './migrations/2026-11-26-1200-account-users-user-email-key.js'
import * as invitedHasDeadline from './migrations/2026-11-26-1300-invited-has-deadline.js'
import * as moduleSettingsObsoleteEligibility from './migrations/2026-12-03-1100-module-settings-obsolete-eligibility.js'
import * as detachedUsersDisabled from './migrations/2026-12-03-1101-detached-users-disabled.js'
import * as invitationProof from './migrations/2026-12-03-1200-invitation-proof.js'
import * as rateLimits from './migrations/2026-12-03-1210-rate-limits.js'
import * as iconOwners from './migrations/2026-12-03-1220-icon-owners.js'
import * as sellersLicenseesErpLinksCloudTenants from './migrations/2026-12-03-1300-sellers-licensees-erp-links-cloud-tenants.js'
import * as buyerSellersToErpLinks from './migrations/2026-12-03-1310-buyer-sellers-to-erp-links.js'
import * as sessions from './migrations/2026-12-03-1400-sessions.js'
import * as emailDelivery from './migrations/2026-12-03-1500-email-delivery.js'
import * as invitationReminders from './migrations/2026-12-03-1510-invitation-reminders.js'
import * as webhooks from './migrations/2026-12-03-1520-webhooks.js'
import * as accountUsersPartialIndexes from './migrations/2026-12-03-1600-account-users-partial-indexes.js'

/** Listed statically so the built service and tsx resolve the same files. Append only. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-26-0600-initial-schema': initialSchema,
  '2026-11-26-0700-icons': icons,
  '2026-11-26-0810-user-groups-one-default': userGroupsOneDefault,
  '2026-11-26-0900-account-users-list-indexes': accountUsersListIndexes,
  '2026-11-26-1000-account-users-status-expiry-covering': statusExpiryCovering,
  '2026-11-26-1100-users-id-email-key': usersIdEmailKey,
  '2026-11-26-1200-account-users-user-email-key': accountUsersUserEmailKey,
  '2026-11-26-1300-invited-has-deadline': invitedHasDeadline,
  '2026-12-03-1100-module-settings-obsolete-eligibility': moduleSettingsObsoleteEligibility,
  '2026-12-03-1101-detached-users-disabled': detachedUsersDisabled,
  '2026-12-03-1200-invitation-proof': invitationProof,
  '2026-12-03-1210-rate-limits': rateLimits,
  '2026-12-03-1220-icon-owners': iconOwners,
  '2026-12-03-1300-sellers-licensees-erp-links-cloud-tenants': sellersLicenseesErpLinksCloudTenants,
  '2026-12-03-1310-buyer-sellers-to-erp-links': buyerSellersToErpLinks,
  '2026-12-03-1400-sessions': sessions,
  '2026-12-03-1500-email-delivery': emailDelivery,
  '2026-12-03-1510-invitation-reminders': invitationReminders,
  '2026-12-03-1520-webhooks': webhooks,
  '2026-12-03-1600-account-users-partial-indexes': accountUsersPartialIndexes,
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS }

/** `migrationTableSchema`: on PostgreSQL, keep Kysely's bookkeeping in the schema being migrated. */
export async function migrateToLatest(
  db: Kysely<any>,
  options: { migrationTableSchema?: string } = {},
): Promise<void> {
  const { error, results } = await new Migrator({ db, provider, ...options }).migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, {
      cause: error,
    })
  }
}

/** Migrates up or down to the named migration (it stays applied): for tests of a migration. */
export async function migrateTo(
  db: Kysely<any>,
  name: string,
  options: { migrationTableSchema?: string } = {},
): Promise<void> {
  const { error } = await new Migrator({ db, provider, ...options }).migrateTo(name)
  if (error) throw new Error(`migration to ${name} failed: ${String(error)}`, { cause: error })
}

export async function rollbackLast(
  db: Kysely<any>,
  options: { migrationTableSchema?: string } = {},
): Promise<void> {
  const { error } = await new Migrator({ db, provider, ...options }).migrateDown()
  if (error) throw new Error(`rollback failed: ${String(error)}`, { cause: error })
}

/**
 * Migrations this code knows that the database has not applied: one indexed read of Kysely's
 * bookkeeping table (on the search path), cheap enough for every readiness probe.
 */
export async function findPendingMigrations(db: Kysely<any>): Promise<string[]> {
  let applied: Set<string>
  try {
    const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db)
    applied = new Set(rows.rows.map((r) => r.name))
  } catch (error) {
    // An empty database has no bookkeeping table yet: everything is pending.
    if (/kysely_migration/.test(String((error as Error).message))) applied = new Set()
    else throw error
  }
  return Object.keys(MIGRATIONS).filter((name) => !applied.has(name))
}

/** Applies pending migrations one at a time, telling `onApplied` after each (the CLI's progress). */
export async function migrateStepByStep(
  db: Kysely<any>,
  onApplied: (name: string, done: number, total: number) => void,
): Promise<string[]> {
  const pending = await findPendingMigrations(db)
  const migrator = new Migrator({ db, provider })
  const applied: string[] = []
  for (const _ of pending) {
    const { error, results } = await migrator.migrateUp()
    const failed = results?.find((r) => r.status === 'Error')
    if (error || failed)
      throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, {
        cause: error,
      })
    const name = results?.find((r) => r.status === 'Success')?.migrationName
    if (!name) break
    applied.push(name)
    onApplied(name, applied.length, pending.length)
  }
  return applied
}
