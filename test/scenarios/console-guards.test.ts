import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  hasBrowser,
  launchBrowser,
  seriousAccessibilityViolations,
  watchCspViolations,
} from '../support/browser.js'
import { inviteUser } from '../support/account-users.js'
import { registeredMember, type Member } from '../support/console.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

const PORT = 18420

/**
 * Issue #14 in Chromium, beside the story: forgot-password from the sign-in page, the lockout
 * after repeated failures, and a Client administrator who cannot see another account's users.
 */
describe.skipIf(!hasBrowser)('console guards in Chromium (issue #14)', () => {
  let t: TestApp
  let browser: Browser
  let ada: Member
  let other: Member
  const base = `http://127.0.0.1:${PORT}`

  beforeAll(async () => {
    t = await buildTestApp({ publicUrl: base })
    await t.app.listen({ port: PORT, host: '127.0.0.1' })
    ada = await registeredMember(t, { email: 'ada.admin@example.com' })
    other = await registeredMember(t, { email: 'olga.other@example.com' })
    await inviteUser(t, { accountId: other.accountId, email: 'secret.person@example.com' })
    await t.deliverEmails()
    browser = await launchBrowser()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  async function signIn(page: Page, email: string, password: string) {
    await page.goto(`${base}/`)
    await page.getByLabel('Email', { exact: true }).fill(email)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  }

  it('resets a forgotten password from the sign-in page', async () => {
    const page = await (await browser.newContext()).newPage()
    const csp = watchCspViolations(page)
    await page.goto(`${base}/`)
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    expect(await seriousAccessibilityViolations(page)).toEqual([])
    await page.getByLabel('Email', { exact: true }).fill(ada.email)
    await page.getByRole('button', { name: 'Email me a link' }).click()
    await see(page.getByRole('status'), 'we have emailed it a link')
    const mail = (await t.deliverEmails()).find((m) => m.kind === 'password-reset')!
    const link = /https?:\/\/\S+\/set-password\?token=\S+/.exec(mail.text)![0]
    await page.goto(link)
    await page.getByLabel('New password', { exact: true }).fill('Reset#Passw0rd')
    await page.getByLabel('Confirm new password', { exact: true }).fill('Reset#Passw0rd')
    await page.getByRole('button', { name: 'Set password' }).click()
    await page.getByRole('link', { name: 'Sign in', exact: true }).click()
    await page.getByLabel('Password', { exact: true }).fill('Reset#Passw0rd')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByRole('heading', { name: 'Users' }).waitFor()
    // The link worked once.
    await page.goto(link)
    await see(page.getByRole('alert'), 'was used already')
    ada.password = 'Reset#Passw0rd'
    expect(csp).toEqual([])
  })

  it('locks the address after repeated failures and says so', async () => {
    const page = await (await browser.newContext()).newPage()
    for (let i = 1; i <= 4; i++) {
      await signIn(page, other.email, `Wrong#Passw0rd${i}`)
      await see(page.getByRole('alert'), 'The email address or the password is wrong.')
    }
    await signIn(page, other.email, 'Wrong#Passw0rd5')
    await see(
      page.getByRole('alert'),
      'Too many failed sign-ins for this email address: it is locked for 15 more minutes',
    )
    expect(await seriousAccessibilityViolations(page)).toEqual([])
    await signIn(page, other.email, other.password)
    await see(page.getByRole('alert'), 'locked')
    await expect(page.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe(other.email)
  })

  it("does not show a Client administrator another account's users", async () => {
    const page = await (await browser.newContext()).newPage()
    await signIn(page, ada.email, ada.password)
    await page.getByRole('heading', { name: 'Users' }).waitFor()
    await expect(page.getByText('olga.other@example.com').count()).resolves.toBe(0)
    const response = await page.goto(`${base}/console/accounts/${other.accountId}/users`)
    expect(response!.status()).toBe(404)
    await expect(page.getByRole('heading', { name: 'Not found' }).count()).resolves.toBe(1)
    expect(await page.content()).not.toContain('secret.person@example.com')
    expect(await seriousAccessibilityViolations(page)).toEqual([])
    // The account switcher lists only her own account.
    await page.goto(`${base}/console`)
    await page.locator('.switcher summary').click()
    await expect(page.locator('.switcher li').count()).resolves.toBe(1)
  })
})

/** Waits (Playwright's own bounded wait) until one of the elements reads `text`. */
async function see(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor()
}
