import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ConfigError, type Config } from './config.js'

/**
 * SECRET_KEY, or the embedded default: a key generated once into the data folder, readable by
 * its owner only. The service and the admin CLI resolve it the same way.
 */
export function resolveSecretKey(
  config: Pick<Config, 'secretKey' | 'dataDir' | 'database'>,
  options: { generate?: boolean } = {},
): string {
  if (config.secretKey) return config.secretKey
  const file = `${config.dataDir}/secret.key`
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  if (config.database.dialect === 'postgres') {
    throw new ConfigError(['SECRET_KEY is required with PostgreSQL: every API node must share it'])
  }
  if (options.generate === false)
    throw new ConfigError([`SECRET_KEY is not set and ${file} does not exist`])
  mkdirSync(dirname(file), { recursive: true })
  const key = randomBytes(32).toString('base64url')
  writeFileSync(file, `${key}\n`, { mode: 0o600 })
  return key
}
