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

  it('reads the delivery, reminder, branding and webhook settings (issue #15)', () => {
    const defaults = loadConfig({})
    expect(defaults).toMatchObject({
      mailRetryWindowMs: 24 * 3600_000,
      mailClaimLeaseMs: 30_000,
      invitationReminderMs: 24 * 3600_000,
      productName: 'Accounts',
      mailFrom: '"Accounts" <noreply@accounts.local>',
      supportUrl: null,
      logoFile: null,
      templatesDir: null,
      webhookRetryWindowMs: 24 * 3600_000,
      webhookClaimLeaseMs: 30_000,
      webhookAllowNetworks: [],
    })
    const set = loadConfig({
      INVITATION_REMINDER: 'off',
      MAIL_RETRY_WINDOW: '2h',
      MAIL_CLAIM_LEASE: '5s',
      PRODUCT_NAME: 'Contoso Portal',
      SUPPORT_URL: 'mailto:help@contoso.example',
      WEBHOOK_ALLOW_NETWORKS: '127.0.0.0/8, ::1/128',
    })
    expect(set).toMatchObject({
      invitationReminderMs: null,
      mailRetryWindowMs: 2 * 3600_000,
      mailClaimLeaseMs: 5000,
      productName: 'Contoso Portal',
      mailFrom: '"Contoso Portal" <noreply@accounts.local>',
      supportUrl: 'mailto:help@contoso.example',
      webhookAllowNetworks: ['127.0.0.0/8', '::1/128'],
    })
    for (const [name, value] of [
      ['INVITATION_REMINDER', 'soon'],
      ['MAIL_RETRY_WINDOW', '0s'],
      ['SUPPORT_URL', 'javascript:alert(1)'],
      ['WEBHOOK_ALLOW_NETWORKS', '10.0.0.0'],
      ['WEBHOOK_ALLOW_NETWORKS', '10.0.0.0/33'],
      ['PRODUCT_NAME', ' '],
    ]) {
      expect(() => loadConfig({ [name!]: value }), `${name}=${value}`).toThrow(name)
    }
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
      supportUrl: null,
      logoFile: null,
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
      })
      expect.unreachable()
    } catch (error) {
      // LOGO_FILE is checked when the service starts (its type and size: branding.test.ts)
      expect((error as ConfigError).problems.map((p) => p.split(' ')[0]).sort()).toEqual([
        'BOOTSTRAP_ADMIN_EMAIL',
        'PRODUCT_NAME',
        'SESSION_IDLE_TIMEOUT',
        'SESSION_MAX_AGE',
        'SUPPORT_URL',
        'TERMS_URL',
      ])
    }
  })
})
