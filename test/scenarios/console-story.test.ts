import { join } from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  hasBrowser,
  launchBrowser,
  seriousAccessibilityViolations,
  watchCspViolations,
} from '../support/browser.js'
import { createAccount, createUserGroup } from '../support/factories.js'
import { linkIn, waitForMail } from '../support/mailbox.js'
import {
  BOOTSTRAP_TOKEN,
  createServerDatabase,
  startServer,
  type ServerDatabase,
  type SpawnedServer,
} from '../support/spawned-server.js'

const PORT = 18410
const SHORT_TTL_PORT = 18411
const PASSWORD = 'Adm1n#Console'
/** Set SCREENSHOTS_DIR=docs/screenshots to refresh the README's pictures from this story. */
const SHOTS = process.env.SCREENSHOTS_DIR

/**
 * Issue #14, the whole story in Chromium against the real service (src/main.ts, its dev mailbox
 * and its jobs), on SQLite or PostgreSQL: the first-start setup link → a password → sign in →
 * invite two people (one new, one already in another account) → their emails' links → one
 * registers, one declines → the administrator sees Active and the declined row gone → with
 * INVITATION_TTL=3s an invitation lapses, reads InvitationExpired, "Send new invitation" mails a
 * link that works while the old one is refused → groups edited → an API token shown once → sign
 * out. axe-core checks every page; the pages' CSP must refuse nothing they need.
 */
describe.skipIf(!hasBrowser)('the console story in Chromium (issue #14)', () => {
  let database: ServerDatabase
  let server: SpawnedServer
  let shortTtl: Promise<SpawnedServer> | undefined
  let browser: Browser
  let admin: BrowserContext
  let page: Page
  let csp: string[]
  const base = `http://127.0.0.1:${PORT}`
  const mail = () => join(database.dataDir, 'mail')

  beforeAll(async () => {
    database = await createServerDatabase()
    const env = {
      PUBLIC_URL: base,
      FAILURE_DELAY_MS: '0',
      TERMS_URL: `${base}/terms`,
      PRODUCT_NAME: 'Acme Accounts',
      MAIL_POLL_INTERVAL_MS: '200',
    }
    server = await startServer(database, PORT, env)
    // The same database served with 3-second invitations, for the lapse; started meanwhile.
    shortTtl = startServer(database, SHORT_TTL_PORT, { ...env, INVITATION_TTL: '3s' })
    browser = await launchBrowser()
    admin = await browser.newContext()
    page = await admin.newPage()
    csp = watchCspViolations(page)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    const other = await shortTtl?.catch(() => undefined)
    for (const s of [server, other]) {
      s?.child.kill('SIGTERM')
      await s?.exited
    }
    await database?.drop()
  }, 60_000)

  /** The page passes axe (no serious or critical violation); optionally a screenshot for the README. */
  async function check(p: Page, shot?: string) {
    expect(await seriousAccessibilityViolations(p)).toEqual([])
    if (SHOTS && shot) await p.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true })
  }

  it('runs from the first-start link to sign-out', async () => {
    // First start: the setup link is printed once, with the banner.
    const setup = /(\/set-password\?token=[A-Za-z0-9_-]+)/.exec(server.output())![1]!
    await page.goto(`${base}${setup}`)
    await check(page, 'set-password')
    await page.getByLabel('New password', { exact: true }).fill(PASSWORD)
    await page.getByLabel('Confirm new password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Set password' }).click()
    await see(page.getByRole('status'), 'You can now sign in')
    await page.getByRole('link', { name: 'Sign in', exact: true }).click()
    await check(page, 'sign-in')
    await expect(page.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe(
      'admin@localhost',
    )
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByRole('heading', { name: 'Users' }).waitFor()
    await check(page)

    // Eve already belongs to another account (Globex), with a password of her own.
    const db = database.open()
    const globex = await createAccount(db.db, { name: 'Globex', type: 'Client' })
    const globexGroup = await createUserGroup(db.db, globex)
    await db.close()
    const api = (path: string, body: unknown) =>
      fetch(`${base}/public/v1/accounts${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const eve = await api(`/accounts/${globex}/users`, {
      user: { email: 'eve@example.com', firstName: 'Eve', lastName: 'Existing' },
      groups: [{ id: globexGroup }],
    })
    expect(eve.status).toBe(201)
    const [globexMail] = await waitForMail(mail(), (m) => m.to === 'eve@example.com')
    const globexCode = new URL(`${base}${linkIn(globexMail!, '/accept-invite?')}`).searchParams.get(
      'code',
    )!
    const accepted = await fetch(
      `${base}/public/v1/accounts/accounts/${globex}/users/${((await eve.json()) as { id: string }).id}/accept-invite`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: globexCode, password: 'Eve#Passw0rd' }),
      },
    )
    expect(accepted.status).toBe(200)

    // Invite two people: Nina (new) and Eve (in Globex already).
    await page.getByRole('link', { name: 'Invite', exact: true }).click()
    await check(page)
    await page
      .getByLabel('Email addresses')
      .fill('Nina New <nina@example.com>\neve@example.com, Eve, Existing')
    await page.getByRole('button', { name: 'Invite', exact: true }).click()
    await see(page.getByRole('status').first(), '2 of 2 invited.')
    await check(page, 'invite-results')

    // Their emails, as .eml files in the dev mailbox.
    const [ninaMail] = await waitForMail(mail(), (m) => m.to === 'nina@example.com')
    const eveMails = await waitForMail(mail(), (m) => m.to === 'eve@example.com', { count: 2 })
    const ninaLink = linkIn(ninaMail!, '/accept-invite?')
    const eveLink = linkIn(
      eveMails.find((m) => m.subject.includes('Operations'))!,
      '/accept-invite?',
    )

    // Nina registers: names, phone, password, the terms of use.
    const nina = await (await browser.newContext()).newPage()
    await nina.goto(`${base}${ninaLink}`)
    await check(nina, 'accept-invitation')
    await nina.getByLabel('First name').fill('Nina')
    await nina.getByLabel('Last name').fill('New')
    await nina.getByLabel('Country code').fill('+44')
    await nina.getByLabel('Phone number').fill('2079460000')
    await nina.getByLabel('Password', { exact: true }).fill('Nina#Passw0rd')
    await nina.getByLabel('Confirm password').fill('Nina#Passw0rd')
    await nina.getByLabel('I accept the terms of use').check()
    await nina.getByRole('button', { name: 'Accept invitation' }).click()
    await see(nina.getByRole('status'), 'You have joined Operations')
    await check(nina)

    // Eve declines.
    const evePage = await (await browser.newContext()).newPage()
    await evePage.goto(`${base}${eveLink}`)
    await evePage.getByRole('button', { name: 'Decline', exact: true }).click()
    await see(evePage.getByRole('status'), 'You declined the invitation')
    await check(evePage)
    await waitForMail(mail(), (m) => m.to === 'admin@localhost' && m.subject.includes('declined'))

    // The administrator sees Nina Active, and Eve's row gone.
    await page.goto(`${base}/console`)
    const ninaRow = page.getByRole('row', { name: /Nina New/ })
    await expect(ninaRow.getByText('Active', { exact: true }).count()).resolves.toBe(1)
    await expect(page.getByRole('row', { name: /eve@example\.com/ }).count()).resolves.toBe(0)

    // INVITATION_TTL=3s (the second node): an invitation lapses.
    await shortTtl
    const short = `http://127.0.0.1:${SHORT_TTL_PORT}`
    await page.goto(`${short}/console`)
    await page.getByRole('link', { name: 'Invite', exact: true }).click()
    await page.getByLabel('Email addresses').fill('lapse.later@example.com')
    await page.getByRole('button', { name: 'Invite', exact: true }).click()
    await see(page.getByRole('status').first(), '1 of 1 invited.')
    const [first] = await waitForMail(mail(), (m) => m.to === 'lapse.later@example.com')
    const oldLink = linkIn(first!, '/accept-invite?')
    await new Promise((resolve) => setTimeout(resolve, 3_200))
    await page.goto(`${short}/console`)
    await page.getByLabel('Status').selectOption('InvitationExpired')
    const lapsed = page.getByRole('row', { name: /lapse\.later@example\.com/ })
    await lapsed.getByText('InvitationExpired').waitFor()
    await check(page, 'users')
    await lapsed.getByRole('button', { name: 'Send new invitation' }).click()
    await see(page.locator('#notices'), 'A new invitation was sent')
    const renewed = await waitForMail(mail(), (m) => m.to === 'lapse.later@example.com', {
      count: 2,
    })
    const newLink = linkIn(renewed[1]!, '/accept-invite?')
    expect(newLink).not.toBe(oldLink)
    const invitee = await (await browser.newContext()).newPage()
    await invitee.goto(`${short}${oldLink}`)
    await see(invitee.getByRole('alert'), /replaced|expired/)
    await invitee.goto(`${short}${newLink}`)
    await expect(invitee.getByRole('button', { name: 'Accept invitation' }).count()).resolves.toBe(
      1,
    )

    // A new user group, and Nina's groups edited.
    await page.goto(`${base}/console`)
    await page.getByRole('link', { name: 'User groups' }).click()
    await page.getByRole('link', { name: 'New user group' }).click()
    await page.getByLabel('Name', { exact: true }).fill('Support')
    await page.getByLabel('Access Management', { exact: true }).check()
    await check(page, 'user-group-form')
    await page.getByRole('button', { name: 'Create user group' }).click()
    await see(page.getByRole('status').first(), 'User group Support created.')
    await check(page, 'user-groups')
    await page.getByRole('link', { name: 'Users', exact: true }).click()
    await page
      .getByRole('row', { name: /Nina New/ })
      .getByRole('link', { name: 'Edit groups' })
      .click()
    await page.getByLabel('Support', { exact: true }).check()
    await check(page, 'user')
    await page.getByRole('button', { name: 'Save groups' }).click()
    await see(page.getByRole('status').first(), 'Groups of Nina New saved.')

    // An API token, shown once.
    await page.getByRole('link', { name: 'API tokens' }).click()
    await page.getByRole('link', { name: 'New API token' }).click()
    await page.getByLabel('Name', { exact: true }).fill('CI pipeline')
    await page.getByRole('button', { name: 'Create API token' }).click()
    const secret = await page.getByLabel('Token', { exact: true }).inputValue()
    expect(secret).toMatch(/^idt:TKN-\d{4}-\d{4}:/)
    await expect(page.getByRole('button', { name: 'Copy token' }).count()).resolves.toBe(1)
    await check(page, 'api-token-created')
    const works = await fetch(`${base}/public/v1/accounts/user-groups`, {
      headers: { authorization: `Bearer ${secret}` },
    })
    expect(works.status).toBe(200)
    await page.getByRole('link', { name: 'Done' }).click()
    await check(page, 'api-tokens')
    expect(await page.content()).not.toContain(secret.split(':')[2])
    await page.goto(`${base}/console/profile`)
    await check(page, 'profile')

    // Sign out: the console is closed again.
    await page.getByRole('button', { name: 'Sign out' }).first().click()
    await see(page.getByRole('status'), 'You have signed out.')
    await page.goto(`${base}/console`)
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    expect(csp).toEqual([])
  }, 180_000)
})

/** Waits (Playwright's own bounded wait) until one of the elements reads `text`. */
async function see(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor()
}
