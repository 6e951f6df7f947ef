import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Debian's Chromium is installed by .ci/run; locally a browser test is skipped without it (never under CI). */
export const hasBrowser = existsSync(CHROMIUM) || process.env.CI === 'true'

/**
 * Headless Debian Chromium with the flags this closed network needs (no background connections);
 * playwright gives each launch a fresh temporary profile.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
