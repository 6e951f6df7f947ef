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
})
