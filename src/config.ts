import { isIP } from 'node:net'
import { parseDurationMs } from './lib/duration.js'

export type DatabaseTarget =
  { dialect: 'sqlite'; filename: string } | { dialect: 'postgres'; connectionString: string }

export interface Config {
  port: number
  host: string
  database: DatabaseTarget
  /** Base URL of the accept-invite page, without a trailing slash. */
  publicUrl: string
  invitationTtlMs: number
  /** A full `idt:TKN-####-####:<secret>` token the first start installs as the Operations token. */
  bootstrapToken: string | undefined
  dataDir: string
  mailDir: string
  smtpUrl: string | undefined
  mailFrom: string
  /** Undefined means: read or generate `<dataDir>/secret.key` at start (embedded default). */
  secretKey: string | undefined
  /** The key being rotated away from: still opens sealed values, never seals new ones. */
  previousSecretKey: string | undefined
  logLevel: string
  /** `auto`: pretty and coloured when stdout is a terminal, JSON lines otherwise. */
  logFormat: 'auto' | 'json' | 'pretty'
  /** Serve /metrics on its own listener at this port (and not on the public one). */
  metricsPort: number | undefined
  metricsHost: string
  /** Serve /metrics on the public port to callers presenting this bearer token. */
  metricsToken: string | undefined
  /** How long a SIGTERM may take: in-flight requests and the current job batch, then exit. */
  shutdownTimeoutMs: number
  /** Serve repeated account-user lists from memory while the data is unchanged (LIST_CACHE). */
  listCache: boolean
  /** Rate limits on the public routes and failed authentication (RATE_LIMIT, default on). */
  rateLimit: boolean
  /** How long failures an attacker produces wait before they are answered (FAILURE_DELAY_MS). */
  failureDelayMs: number
  /**
   * Whom to believe about the client address (TRUST_PROXY): false (default) uses the socket's
   * peer; true, a hop count or a list of proxy addresses reads X-Forwarded-For, as Fastify's
   * `trustProxy` does. The rate limits key on that address.
   */
  trustProxy: boolean | number | string
  sweepIntervalMs: number
  mailPollIntervalMs: number
  /** how long after it was queued an email is still tried again (MAIL_RETRY_WINDOW, default 24h) */
  mailRetryWindowMs: number
  /** how long a sender's claim on an email lasts unless renewed (MAIL_CLAIM_LEASE, default 30s) */
  mailClaimLeaseMs: number
  /** how long before its expiry an invitation is mailed a reminder (INVITATION_REMINDER); null: off */
  invitationReminderMs: number | null
  /** the product's name in every email and page (PRODUCT_NAME, default `Accounts`) */
  productName: string
  /** where people get help (SUPPORT_URL), named in every email and page; null: none */
  supportUrl: string | null
  /** an image file served at /assets/logo and shown in every email and page (LOGO_FILE) */
  logoFile: string | null
  /** a folder whose `<kind>.subject.txt|text.txt|html` files replace the built-in templates */
  templatesDir: string | null
  /** how often each node looks for webhook deliveries due (WEBHOOK_POLL_INTERVAL_MS) */
  webhookPollIntervalMs: number
  /** how long a webhook delivery is tried again before its endpoint is disabled (24h) */
  webhookRetryWindowMs: number
  /** how long a node's claim on a webhook delivery lasts unless renewed (WEBHOOK_CLAIM_LEASE) */
  webhookClaimLeaseMs: number
  /** how long one webhook request may take, connection to response (WEBHOOK_TIMEOUT_MS) */
  webhookTimeoutMs: number
  /**
   * CIDR ranges webhooks may reach although they are private, loopback or link-local
   * (WEBHOOK_ALLOW_NETWORKS, e.g. `127.0.0.0/8` in development); http:// only for loopback.
   */
  webhookAllowNetworks: readonly string[]
  /** email domains an identity provider serves (SSO_DOMAINS): `sso-check` and `sso` read it */
  ssoDomains: readonly string[]
  /** the Operations account's first administrator, created at start (BOOTSTRAP_ADMIN_EMAIL) */
  bootstrapAdminEmail: string
  /** a console session ends after this long without a request (SESSION_IDLE_TIMEOUT) */
  sessionIdleMs: number
  /** …and this long after sign-in at the latest (SESSION_MAX_AGE) */
  sessionMaxAgeMs: number
  /** the terms of use an invitee accepts when registering (TERMS_URL); none: no checkbox */
  termsUrl: string | undefined
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
}

const TOKEN_PATTERN = /^idt:TKN-\d{4}-\d{4}:[A-Za-z0-9+/=_-]{16,}$/
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** Reads every setting from `env` once, reports all problems together, and freezes the result. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = []
  const port = Number(env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be 0-65535, got "${env.PORT}"`)

  const dataDir = env.DATA_DIR ?? 'data'
  const databaseUrl = env.DATABASE_URL ?? `${dataDir}/accounts.db`
  const database = parseDatabaseUrl(databaseUrl)
  if (!database)
    problems.push(
      `DATABASE_URL must be a postgres:// URL or a SQLite file path, got "${databaseUrl}"`,
    )

  const host = env.HOST ?? '0.0.0.0'
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s]+$/.test(publicUrl))
    problems.push(`PUBLIC_URL must be an http(s) URL, got "${env.PUBLIC_URL}"`)

  const ttl = env.INVITATION_TTL ?? '7d'
  const invitationTtlMs = parseDurationMs(ttl)
  if (invitationTtlMs === undefined)
    problems.push(`INVITATION_TTL must look like 7d, 12h, 30m or 3s, got "${ttl}"`)

  const bootstrapToken = env.BOOTSTRAP_TOKEN || undefined
  if (bootstrapToken && !TOKEN_PATTERN.test(bootstrapToken)) {
    problems.push(
      'BOOTSTRAP_TOKEN must look like idt:TKN-####-####:<secret of at least 16 characters>',
    )
  }

  const smtpUrl = env.SMTP_URL || undefined
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl))
    problems.push('SMTP_URL must be an smtp:// or smtps:// URL')

  const secretKey = env.SECRET_KEY || undefined
  if (secretKey !== undefined && secretKey.length < 32)
    problems.push('SECRET_KEY must be at least 32 characters')

  const previousSecretKey = env.SECRET_KEY_PREVIOUS || undefined
  if (previousSecretKey !== undefined && previousSecretKey.length < 32)
    problems.push('SECRET_KEY_PREVIOUS must be at least 32 characters')

  const logFormat = env.LOG_FORMAT ?? 'auto'
  if (logFormat !== 'auto' && logFormat !== 'json' && logFormat !== 'pretty')
    problems.push('LOG_FORMAT must be auto, json or pretty')

  const metricsPort =
    env.METRICS_PORT === undefined || env.METRICS_PORT === ''
      ? undefined
      : positiveInt(env.METRICS_PORT, 0, 'METRICS_PORT', problems)
  if (metricsPort !== undefined && metricsPort > 65535)
    problems.push(`METRICS_PORT must be 1-65535, got "${env.METRICS_PORT}"`)
  const metricsToken = env.METRICS_TOKEN || undefined
  if (metricsToken !== undefined && metricsToken.length < 16)
    problems.push('METRICS_TOKEN must be at least 16 characters')

  const logLevel = env.LOG_LEVEL ?? 'info'
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)

  const listCache = env.LIST_CACHE ?? 'on'
  if (!['on', 'off'].includes(listCache)) problems.push('LIST_CACHE must be on or off')
  const rateLimit = env.RATE_LIMIT ?? 'on'
  if (!['on', 'off'].includes(rateLimit)) problems.push('RATE_LIMIT must be on or off')
  const trustProxy = parseTrustProxy(env.TRUST_PROXY)
  const failureDelayMs = Number(env.FAILURE_DELAY_MS ?? 1000)
  if (!Number.isInteger(failureDelayMs) || failureDelayMs < 0 || failureDelayMs > 10_000)
    problems.push(`FAILURE_DELAY_MS must be 0-10000, got "${env.FAILURE_DELAY_MS}"`)

  const sweepIntervalMs = positiveInt(env.SWEEP_INTERVAL_MS, 1000, 'SWEEP_INTERVAL_MS', problems)
  const mailPollIntervalMs = positiveInt(
    env.MAIL_POLL_INTERVAL_MS,
    500,
    'MAIL_POLL_INTERVAL_MS',
    problems,
  )
  const mailRetryWindowMs = duration(env.MAIL_RETRY_WINDOW, '24h', 'MAIL_RETRY_WINDOW', problems)
  const mailClaimLeaseMs = duration(env.MAIL_CLAIM_LEASE, '30s', 'MAIL_CLAIM_LEASE', problems)
  const reminder = env.INVITATION_REMINDER ?? '24h'
  const invitationReminderMs =
    reminder === 'off' ? null : duration(reminder, '24h', 'INVITATION_REMINDER', problems)
  const productName = (env.PRODUCT_NAME ?? 'Accounts').trim()
  if (!productName || productName.length > 100 || /[\r\n]/.test(productName))
    problems.push('PRODUCT_NAME must be one line of 1-100 characters')
  const supportUrl = env.SUPPORT_URL || null
  if (supportUrl !== null && !/^(https?:\/\/|mailto:)[^\s]+$/.test(supportUrl))
    problems.push(`SUPPORT_URL must be an http(s) or mailto: URL, got "${supportUrl}"`)
  const webhookPollIntervalMs = positiveInt(
    env.WEBHOOK_POLL_INTERVAL_MS,
    500,
    'WEBHOOK_POLL_INTERVAL_MS',
    problems,
  )
  const webhookRetryWindowMs = duration(
    env.WEBHOOK_RETRY_WINDOW,
    '24h',
    'WEBHOOK_RETRY_WINDOW',
    problems,
  )
  const webhookClaimLeaseMs = duration(
    env.WEBHOOK_CLAIM_LEASE,
    '30s',
    'WEBHOOK_CLAIM_LEASE',
    problems,
  )
  const webhookTimeoutMs = positiveInt(
    env.WEBHOOK_TIMEOUT_MS,
    10_000,
    'WEBHOOK_TIMEOUT_MS',
    problems,
  )
  const webhookAllowNetworks = (env.WEBHOOK_ALLOW_NETWORKS ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
  for (const network of webhookAllowNetworks) {
    if (!isCidr(network))
      problems.push(
        `WEBHOOK_ALLOW_NETWORKS must list CIDR ranges like 127.0.0.0/8, got "${network}"`,
      )
  }
  const shutdownTimeoutMs = positiveInt(
    env.SHUTDOWN_TIMEOUT_MS,
    8000,
    'SHUTDOWN_TIMEOUT_MS',
    problems,
  )

  const ssoDomains = (env.SSO_DOMAINS ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean)
  for (const domain of ssoDomains) {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain))
      problems.push(`SSO_DOMAINS must list email domains like example.com, got "${domain}"`)
  }

  const bootstrapAdminEmail = (env.BOOTSTRAP_ADMIN_EMAIL ?? 'admin@localhost').trim()
  // Looser than the invite rule on purpose: the default, admin@localhost, has no dot.
  if (!/^[^@\s]+@[^@\s]+$/.test(bootstrapAdminEmail))
    problems.push(`BOOTSTRAP_ADMIN_EMAIL must be an email address, got "${bootstrapAdminEmail}"`)
  const sessionIdleMs = duration(env.SESSION_IDLE_TIMEOUT, '30m', 'SESSION_IDLE_TIMEOUT', problems)
  const sessionMaxAgeMs = duration(env.SESSION_MAX_AGE, '12h', 'SESSION_MAX_AGE', problems)
  const termsUrl = optionalUrl(env.TERMS_URL, 'TERMS_URL', problems)

  if (problems.length > 0 || !database || invitationTtlMs === undefined)
    throw new ConfigError(problems)
  return Object.freeze({
    port,
    host,
    database,
    publicUrl,
    invitationTtlMs,
    bootstrapToken,
    dataDir,
    mailDir: env.MAIL_DIR ?? `${dataDir}/mail`,
    smtpUrl,
    mailFrom: env.MAIL_FROM ?? `"${productName.replace(/["\\]/g, '')}" <noreply@accounts.local>`,
    secretKey,
    previousSecretKey,
    logLevel,
    logFormat: logFormat as Config['logFormat'],
    metricsPort,
    metricsHost: env.METRICS_HOST ?? host,
    metricsToken,
    shutdownTimeoutMs,
    listCache: listCache === 'on',
    rateLimit: rateLimit === 'on',
    failureDelayMs,
    trustProxy,
    sweepIntervalMs,
    mailPollIntervalMs,
    mailRetryWindowMs,
    mailClaimLeaseMs,
    invitationReminderMs,
    productName,
    supportUrl,
    logoFile: env.LOGO_FILE || null,
    templatesDir: env.TEMPLATES_DIR || null,
    webhookPollIntervalMs,
    webhookRetryWindowMs,
    webhookClaimLeaseMs,
    webhookTimeoutMs,
    webhookAllowNetworks: Object.freeze(webhookAllowNetworks),
    ssoDomains: Object.freeze(ssoDomains),
    bootstrapAdminEmail,
    sessionIdleMs,
    sessionMaxAgeMs,
    termsUrl,
  })
}

function optionalUrl(value: string | undefined, name: string, problems: string[]) {
  if (!value) return undefined
  if (!/^https?:\/\/[^\s"'<>]+$/.test(value))
    problems.push(`${name} must be an http(s) URL, got "${value}"`)
  return value
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false
  if (value === 'true') return true
  return /^\d+$/.test(value) ? Number(value) : value
}

export function parseDatabaseUrl(url: string): DatabaseTarget | undefined {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', connectionString: url }
  if (/^[a-z]+:\/\//i.test(url)) return undefined
  const filename = url.replace(/^sqlite:(\/\/)?/, '')
  return filename ? { dialect: 'sqlite', filename } : undefined
}

function duration(
  value: string | undefined,
  fallback: string,
  name: string,
  problems: string[],
): number {
  const text = value === undefined || value === '' ? fallback : value
  const ms = parseDurationMs(text)
  if (ms === undefined) {
    problems.push(`${name} must look like 24h, 30m or 30s, got "${text}"`)
    return 0
  }
  return ms
}

/** `10.0.0.0/8`, `127.0.0.1/32`, `::1/128`, `fd00::/8`. */
function isCidr(value: string): boolean {
  const [address, bits, extra] = value.split('/')
  if (!address || bits === undefined || extra !== undefined || !/^\d{1,3}$/.test(bits)) return false
  const family = isIP(address)
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128)
}

function positiveInt(
  value: string | undefined,
  fallback: number,
  name: string,
  problems: string[],
): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0)
    problems.push(`${name} must be a positive integer, got "${value}"`)
  return n
}

/** Settings for tests: in-memory SQLite, fixed key, quiet logs, failures answered at once. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({
    ...loadConfig({
      DATABASE_URL: ':memory:',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'http://portal.test',
      FAILURE_DELAY_MS: '0',
    }),
    secretKey: 'test-secret-key-test-secret-key-0123456789',
    ...overrides,
  })
}
