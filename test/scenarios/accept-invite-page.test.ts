import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasBrowser, launchBrowser } from '../support/browser.js'
import { oneTimeCodeFor } from '../support/account-users.js'
import { inviteBody, invitationCodeFrom } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

/** A person opens the emailed link in a real browser, registers and joins the account. */
describe.skipIf(!hasBrowser)('accept-invite page in Chromium', () => {
  let t: TestApp
  let browser: Browser
  let base: string

  beforeAll(async () => {
    t = await buildTestApp()
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    browser = await launchBrowser()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  async function invite(email: string) {
    const { accountId, groupId } = t.operations
    const res = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${accountId}/users`,
      payload: inviteBody(email, [groupId]),
    })
    const mail = (await t.deliverEmails()).find((m) => m.to === email && m.kind === 'invitation')
    return { id: res.json().id as string, code: invitationCodeFrom(mail!.text) }
  }

  it('registers a new user from the emailed link and makes them Active', async () => {
    const { id, code } = await invite('browser@example.com')
    const page = await browser.newPage()
    await page.goto(`${base}/accept-invite?code=${code}`)
    await expect(page.locator('h1').textContent()).resolves.toContain('Operations')
    await page.fill('#firstName', 'Grace')
    await page.fill('#lastName', 'Hopper')
    await page.fill('#password', 'weak')
    await page.fill('#confirm', 'weak')
    await page.click('button[type=submit]')
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain(
      'at least 8 characters',
    )
    await page.fill('#password', 'Cobol#1959x')
    await page.fill('#confirm', 'Cobol#1959x')
    await page.click('button[type=submit]')
    await expect(page.locator('[role=status]').textContent()).resolves.toContain(
      'You have joined Operations',
    )
    await page.screenshot({ path: 'test-results/accept-invite-done.png' }).catch(() => undefined)
    const member = (
      await t.request({
        method: 'GET',
        url: `/public/v1/accounts/${t.operations.accountId}/users/${id}`,
      })
    ).json()
    expect(member.status).toBe('Active')
    expect(member.firstName).toBe('Grace')
    await page.close()
  })

  it('asks for a code emailed to the address when the link was copied, then registers (issue #12)', async () => {
    const { accountId, groupId } = t.operations
    const res = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${accountId}/users`,
      payload: inviteBody('copied@example.com', [groupId]),
    })
    const copied = new URL(res.json().invitation.url).searchParams.get('code')!
    const page = await browser.newPage()
    await page.goto(`${base}/accept-invite?code=${copied}`)
    await expect(page.locator('legend').first().textContent()).resolves.toContain(
      'Confirm it is you',
    )
    // Registering without the code mails one and asks for it; nothing is accepted.
    await page.fill('#password', 'Cobol#1959x')
    await page.fill('#confirm', 'Cobol#1959x')
    await page.click('button[value=accept]')
    await expect(page.locator('[role=status]').textContent()).resolves.toContain(
      'emailed you a code',
    )
    const oneTimeCode = await oneTimeCodeFor(t, 'copied@example.com')
    await page.fill('#oneTimeCode', oneTimeCode)
    await page.fill('#password', 'Cobol#1959x')
    await page.fill('#confirm', 'Cobol#1959x')
    await page.click('button[value=accept]')
    await expect(page.locator('[role=status]').textContent()).resolves.toContain(
      'You have joined Operations',
    )
    const member = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/${accountId}/users/${res.json().id}`,
    })
    expect(member.json().status).toBe('Active')
    await page.close()
  })

  it('tells the invitee when the link has expired or was replaced', async () => {
    const { id, code } = await invite('late@example.com')
    t.clock.advance(t.config.invitationTtlMs)
    const page = await browser.newPage()
    await page.goto(`${base}/accept-invite?code=${code}`)
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('expired')
    await t.request({
      method: 'POST',
      url: `/public/v1/accounts/${t.operations.accountId}/users/${id}/send-new-invite`,
    })
    await page.goto(`${base}/accept-invite?code=${code}`)
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('replaced')
    await page.close()
  })
})
