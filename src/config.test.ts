import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

describe('loadConfig', () => {
  it('fills the embedded defaults', () => {
    const config = loadConfig({})
    expect(config.port).toBe(8080)
    expect(config.database).toEqual({ dialect: 'sqlite', filename: 'data/accounts.db' })
    expect(config.invitationTtlMs).toBe(7 * 24 * 3600 * 1000)
    expect(config.mailDir).toBe('data/mail')
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads PostgreSQL URLs and short TTLs', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@h/db', INVITATION_TTL: '3s' })
    expect(config.database).toEqual({
      dialect: 'postgres',
      connectionString: 'postgres://u:p@h/db',
    })
    expect(config.invitationTtlMs).toBe(3000)
  })

  it('reads the SSO email domains, lower-cased; none by default', () => {
    expect(loadConfig({}).ssoDomains).toEqual([])
    expect(loadConfig({ SSO_DOMAINS: ' Contoso.com, fabrikam.example ' }).ssoDomains).toEqual([
      'contoso.com',
      'fabrikam.example',
    ])
    expect(() => loadConfig({ SSO_DOMAINS: 'contoso' })).toThrow(/SSO_DOMAINS/)
  })

  it('reports every problem at once', () => {
    try {
      loadConfig({
        PORT: 'x',
        INVITATION_TTL: 'soon',
        BOOTSTRAP_TOKEN: 'abc',
        DATABASE_URL: 'mysql://x',
      })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).problems).toHaveLength(4)
    }
  })

  it('reads the operations settings and refuses bad ones', () => {
    const config = loadConfig({
      LOG_FORMAT: 'json',
      METRICS_PORT: '9464',
      METRICS_TOKEN: 'metrics-token-0123456789',
      SHUTDOWN_TIMEOUT_MS: '3000',
      SECRET_KEY_PREVIOUS: 'the-previous-key-0123456789abcdefghij',
    })
    expect(config).toMatchObject({
      logFormat: 'json',
      metricsPort: 9464,
      metricsHost: '0.0.0.0',
      metricsToken: 'metrics-token-0123456789',
      shutdownTimeoutMs: 3000,
      previousSecretKey: 'the-previous-key-0123456789abcdefghij',
    })
    expect(loadConfig({})).toMatchObject({
      logFormat: 'auto',
      metricsPort: undefined,
      metricsToken: undefined,
      shutdownTimeoutMs: 8000,
    })
    try {
      loadConfig({
        LOG_FORMAT: 'xml',
        METRICS_PORT: '70000',
        METRICS_TOKEN: 'short',
        SHUTDOWN_TIMEOUT_MS: '0',
        SECRET_KEY_PREVIOUS: 'short',
      })
      expect.unreachable()
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(5)
    }
  })

  it('reads the console settings (issue #14) and refuses bad ones', () => {
    expect(loadConfig({})).toMatchObject({
      bootstrapAdminEmail: 'admin@localhost',
      sessionIdleMs: 30 * 60_000,
      sessionMaxAgeMs: 12 * 3_600_000,
      termsUrl: undefined,
      productName: 'Accounts',
      supportUrl: undefined,
      logoFile: undefined,
    })
    expect(
      loadConfig({
        BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com',
        SESSION_IDLE_TIMEOUT: '15m',
        SESSION_MAX_AGE: '8h',
        TERMS_URL: 'https://example.com/terms',
        PRODUCT_NAME: 'Acme Accounts',
        SUPPORT_URL: 'https://example.com/help',
        LOGO_FILE: '/etc/accounts/logo.svg',
      }),
    ).toMatchObject({
      bootstrapAdminEmail: 'ops@example.com',
      sessionIdleMs: 15 * 60_000,
      sessionMaxAgeMs: 8 * 3_600_000,
      termsUrl: 'https://example.com/terms',
      productName: 'Acme Accounts',
      supportUrl: 'https://example.com/help',
      logoFile: '/etc/accounts/logo.svg',
    })
    try {
      loadConfig({
        BOOTSTRAP_ADMIN_EMAIL: 'nobody',
        SESSION_IDLE_TIMEOUT: 'soon',
        SESSION_MAX_AGE: '0h',
        TERMS_URL: 'javascript:alert(1)',
        PRODUCT_NAME: ' ',
        SUPPORT_URL: 'ftp://example.com',
        LOGO_FILE: 'logo.gif',
      })
      expect.unreachable()
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(' ')[0])).toEqual([
        'BOOTSTRAP_ADMIN_EMAIL',
        'SESSION_IDLE_TIMEOUT',
        'SESSION_MAX_AGE',
        'TERMS_URL',
        'SUPPORT_URL',
        'PRODUCT_NAME',
        'LOGO_FILE',
      ])
    }
  })
})
