import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { resolveSecretKey } from '../../src/secret-key-file.js'

/**
 * Issue #12: "the default secret.key sits in ./data even when DATABASE_URL points elsewhere, so
 * every instance started from one folder shares it". The key lives beside the database it
 * protects.
 */
describe('issue #12: the default secret key file lives beside its SQLite database', () => {
  const dirs: string[] = []
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('writes the key beside DATABASE_URL, not into DATA_DIR', () => {
    const dataDir = tempDir()
    const dbDir = tempDir()
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: join(dbDir, 'one.db') })
    const key = resolveSecretKey(config)
    expect(existsSync(join(dataDir, 'secret.key'))).toBe(false)
    const file = join(dbDir, 'one.db.key')
    expect(readFileSync(file, 'utf8').trim()).toBe(key)
    expect(statSync(file).mode & 0o077).toBe(0)
  })

  it('gives two databases started from one folder two different keys', () => {
    const dataDir = tempDir()
    const first = resolveSecretKey(
      loadConfig({ DATA_DIR: dataDir, DATABASE_URL: join(tempDir(), 'a.db') }),
    )
    const second = resolveSecretKey(
      loadConfig({ DATA_DIR: dataDir, DATABASE_URL: join(tempDir(), 'b.db') }),
    )
    expect(first).not.toBe(second)
  })

  it('reads the same key again on the next start', () => {
    const config = loadConfig({ DATABASE_URL: join(tempDir(), 'again.db') })
    expect(resolveSecretKey(config)).toBe(resolveSecretKey(config))
  })

  it('keeps using the secret.key an existing database already sits beside', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'accounts.db'), '')
    writeFileSync(join(dir, 'secret.key'), 'legacy-key-legacy-key-legacy-key-0123\n')
    const config = loadConfig({ DATA_DIR: dir })
    expect(resolveSecretKey(config)).toBe('legacy-key-legacy-key-legacy-key-0123')
  })

  it('refuses to guess when an existing database elsewhere may be sealed with DATA_DIR/secret.key', () => {
    const dataDir = tempDir()
    writeFileSync(join(dataDir, 'secret.key'), 'old-shared-key-old-shared-key-0123456\n')
    const dbDir = tempDir()
    writeFileSync(join(dbDir, 'moved.db'), '')
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: join(dbDir, 'moved.db') })
    expect(() => resolveSecretKey(config)).toThrow(/move it to .*moved\.db\.key/)
  })

  it('still requires SECRET_KEY with PostgreSQL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://x@localhost/db', DATA_DIR: tempDir() })
    expect(() => resolveSecretKey(config)).toThrow(/SECRET_KEY is required/)
  })

  it('keeps an in-memory database’s key in memory', () => {
    const dataDir = tempDir()
    const key = resolveSecretKey(loadConfig({ DATABASE_URL: ':memory:', DATA_DIR: dataDir }))
    expect(key.length).toBeGreaterThanOrEqual(32)
    expect(existsSync(join(dataDir, 'secret.key'))).toBe(false)
  })
})
