import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasBrowser, launchBrowser } from '../support/browser.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

const PORT = 18610

/** An integrator opens the API reference, authorizes with a token and tries a call. */
describe.skipIf(!hasBrowser)('the API reference page (/docs) in Chromium', () => {
  let t: TestApp
  let browser: Browser
  const base = `http://127.0.0.1:${PORT}`

  beforeAll(async () => {
    t = await buildTestApp()
    await t.app.listen({ port: PORT, host: '127.0.0.1' })
    browser = await launchBrowser()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('runs "try it" against the running service with the bearer token, loading nothing from elsewhere', async () => {
    const page = await browser.newPage()
    const elsewhere: string[] = []
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:'))
        elsewhere.push(request.url())
    })
    await page.goto(`${base}/docs`)
    await page.locator('.info .title').filter({ hasText: 'Accounts API' }).waitFor()

    await page.click('.auth-wrapper .authorize')
    await page.fill('.auth-container input', t.operations.token)
    await page.click('.auth-btn-wrapper .authorize')
    await page.click('.auth-btn-wrapper .btn-done')

    const operation = page.locator('#operations-user-groups-getAccountsUserGroups')
    await operation.locator('.opblock-summary').click()
    await operation.locator('.try-out__btn').click()
    await operation.locator('.execute').click()
    const status = operation.locator('.live-responses-table .response .response-col_status')
    await expect(status.first().textContent()).resolves.toContain('200')
    const body = await operation.locator('.live-responses-table .microlight').first().textContent()
    const list = JSON.parse(body ?? '{}') as { data: Array<{ name: string }> }
    expect(list.data.map((g) => g.name)).toContain('Administrators')
    await page.screenshot({ path: 'test-results/api-docs-try-it.png' }).catch(() => undefined)
    expect(elsewhere).toEqual([])
  }, 90_000)

  it('shows the problem a call without a token gets', async () => {
    const page = await browser.newPage()
    await page.goto(`${base}/docs`)
    const operation = page.locator('#operations-modules-getAccountsModules')
    await operation.locator('.opblock-summary').click()
    await operation.locator('.try-out__btn').click()
    await operation.locator('.execute').click()
    const status = operation.locator('.live-responses-table .response .response-col_status')
    await expect(status.first().textContent()).resolves.toContain('401')
  }, 90_000)
})
