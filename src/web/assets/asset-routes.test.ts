import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.js'
import { ASSETS } from './asset-routes.js'

describe('the pages’ assets and branding (issue #14)', () => {
  let t: TestApp
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accounts-logo-'))
    const logo = join(dir, 'logo.svg')
    writeFileSync(logo, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    t = await buildTestApp({
      productName: 'Acme Accounts',
      supportUrl: 'https://help.example.com/',
      logoFile: logo,
    })
  })
  afterAll(async () => {
    await t.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves the stylesheet, the script and htmx from this service, immutable under their hash', async () => {
    for (const asset of Object.values(ASSETS)) {
      const res = await t.app.inject({ method: 'GET', url: asset.path })
      expect(res.statusCode, asset.path).toBe(200)
      expect(res.headers['content-type']).toBe(asset.type)
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    }
    expect(ASSETS.htmx.body.toString()).toContain('htmx')
  })

  it('shows the product name, logo and support link on the pages, the logo sandboxed', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' })
    expect(page.body).toContain('<title>Sign in · Acme Accounts</title>')
    expect(page.body).toContain('<img src="/assets/logo" alt="">')
    expect(page.body).toContain('href="https://help.example.com/"')
    const logo = await t.app.inject({ method: 'GET', url: '/assets/logo' })
    expect(logo.headers['content-type']).toBe('image/svg+xml')
    expect(logo.headers['content-security-policy']).toContain('sandbox')
  })

  it('sends every page with a CSP that allows no inline script or style', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' })
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(page.body).not.toMatch(/<script>|<style|style="/)
  })
})
