import type { Actor } from '../access/actor.js'
import { loadConfig, type Config } from '../config.js'
import { connectDatabase, type Db } from '../db/connect.js'
import { systemClock, type Clock } from '../lib/clock.js'
import { MODULE_CATALOGUE } from '../modules/module-catalogue.js'
import { resolveSecretKey } from '../secret-key-file.js'
import { createServices, type Services } from '../services.js'
import { CliError } from './cli-errors.js'

export interface CliContext {
  config: Config
  database: Db
  services: Services
  close(): Promise<void>
}

/** The service's own configuration (same environment variables), database and services. */
export function openContext(
  env: Record<string, string | undefined>,
  clock: Clock = systemClock,
): CliContext {
  const loaded = loadConfig(env)
  // The CLI never creates the embedded key: it must read what the service sealed with.
  const config = Object.freeze({
    ...loaded,
    secretKey: resolveSecretKey(loaded, { generate: false }),
  })
  const database = connectDatabase(config.database, { poolSize: 2 })
  const services = createServices({ database, clock, config })
  return { config, database, services, close: () => database.close() }
}

/**
 * Who the CLI acts as: the Operations account (created on the service's first start), as an
 * actor named "Admin CLI" in the audit trail. Whoever can run the CLI holds the database
 * credentials and SECRET_KEY already.
 */
export async function operationsActor(context: CliContext): Promise<Actor> {
  const account = await context.database.db
    .selectFrom('accounts')
    .select(['id', 'name'])
    .where('type', '=', 'Operations')
    .orderBy('created_at')
    .executeTakeFirst()
  if (!account)
    throw new CliError('There is no Operations account yet: start the service once first.', 2)
  return {
    kind: 'ApiToken',
    id: 'admin-cli',
    name: 'Admin CLI',
    icon: null,
    accountId: account.id,
    accountName: account.name,
    accountType: 'Operations',
    // The operator of the installation holds every module of the catalogue.
    modules: new Set(MODULE_CATALOGUE.map((module) => module.id)),
  }
}
