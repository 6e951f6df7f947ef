import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { inviterNameOf } from '../account-users/invitation-email.js'
import { inviteUser } from '../../test/support/account-users.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

describe('branding: PRODUCT_NAME, SUPPORT_URL, LOGO_FILE (issue #15)', () => {
  let t: TestApp | undefined
  let dir: string | undefined
  afterEach(async () => {
    await t?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    t = dir = undefined
  })

  async function branded() {
    dir = mkdtempSync(join(tmpdir(), 'logo-'))
    const logoFile = join(dir, 'logo.png')
    writeFileSync(logoFile, PNG)
    t = await buildTestApp({
      productName: 'Contoso Portal',
      supportUrl: 'https://help.contoso.example/',
      logoFile,
    })
    return t
  }

  it('serves the logo at /assets/logo, public and cacheable', async () => {
    const app = await branded()
    const res = await app.request({ method: 'GET', url: '/assets/logo', token: null })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('image/png')
    expect(res.rawPayload.equals(PNG)).toBe(true)
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
  })

  it('has no logo route without LOGO_FILE', async () => {
    t = await buildTestApp()
    expect((await t.request({ method: 'GET', url: '/assets/logo' })).statusCode).toBe(404)
  })

  it('puts the product, the logo and the support link on the accept page and in the emails', async () => {
    const app = await branded()
    const invited = await inviteUser(app)
    const page = await app.app.inject({ method: 'GET', url: `/accept-invite?code=${invited.code}` })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('on Contoso Portal</h1>')
    expect(page.body).toContain('<img src="/assets/logo" alt="">')
    expect(page.body).toContain('<a href="https://help.contoso.example/">Contact support</a>')
    expect(page.headers['content-security-policy']).toContain("img-src 'self'")

    const [mail] = await app.deliverEmails()
    expect(mail!.subject).toContain('on Contoso Portal')
    expect(mail!.html).toContain('<img src="http://portal.test/assets/logo" alt="Contoso Portal"')
    expect(mail!.text).toContain('Help: https://help.contoso.example/')
    // A token invited: the email names the account, not the token.
    expect(mail!.text).toContain('Operations has invited you')
  })
})

describe('who the invitation names as inviting', () => {
  const account = { id: 'ACC-1111-2222', name: 'Contoso', icon: null }
  it('names the person when a person acted, the account when a token did', () => {
    expect(
      inviterNameOf(
        { id: 'USR-1234-5678', name: 'Grace Hopper', icon: null, of: account },
        'Contoso',
      ),
    ).toBe('Grace Hopper')
    expect(
      inviterNameOf({ id: 'TKN-1234-5678', name: 'CRM sync', icon: null, of: account }, 'Contoso'),
    ).toBe('Contoso')
    expect(inviterNameOf(null, 'Contoso')).toBe('Contoso')
  })
})
