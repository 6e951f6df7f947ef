import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ConfigError, type Config } from './config.js'

const MEMORY = new Set([':memory:', ''])

/**
 * The key that seals invitation secrets and queued emails (SECRET_KEY). Without one, the
 * embedded default for SQLite: a key generated once into a file **beside the database it
 * protects** (`<database file>.key`, readable by its owner only), so two databases never share
 * one, wherever DATA_DIR points (issue #12). A database that already sits beside a `secret.key`
 * (the layout before) keeps using it. An in-memory database gets a key in memory. PostgreSQL
 * requires SECRET_KEY: every API node must share it.
 */
export function resolveSecretKey(
  config: Pick<Config, 'secretKey' | 'database' | 'dataDir'>,
  /** generate: false (the admin CLI) refuses rather than make a key nothing was sealed with */
  options: { generate?: boolean } = {},
): string {
  if (config.secretKey) return config.secretKey
  if (config.database.dialect === 'postgres')
    throw new ConfigError(['SECRET_KEY is required with PostgreSQL: every API node must share it'])
  const filename = config.database.filename
  if (MEMORY.has(filename) || filename.startsWith('file::memory:'))
    return randomBytes(32).toString('base64url')
  const file = `${filename}.key`
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const databaseExists = existsSync(filename)
  const besideDatabase = join(dirname(filename), 'secret.key')
  if (databaseExists && existsSync(besideDatabase))
    return readFileSync(besideDatabase, 'utf8').trim()
  const inDataDir = join(config.dataDir, 'secret.key')
  if (databaseExists && resolve(inDataDir) !== resolve(besideDatabase) && existsSync(inDataDir)) {
    // Sealed values in this database may have been made with the key of another folder; a new
    // key would silently make them unreadable, reusing that one would share it.
    throw new ConfigError([
      `the database ${filename} has no key beside it, but ${inDataDir} exists: if that key protects this database, move it to ${file} (or set SECRET_KEY)`,
    ])
  }
  if (options.generate === false)
    throw new ConfigError([`SECRET_KEY is not set and ${file} does not exist`])
  mkdirSync(dirname(file), { recursive: true })
  const key = randomBytes(32).toString('base64url')
  writeFileSync(file, `${key}\n`, { mode: 0o600 })
  return key
}
