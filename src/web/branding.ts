import type { Config } from '../config.js'

/**
 * What the pages (and, with issue #15, the emails) show of the product: its name, where people
 * get help, and its logo. Shared contract with the email templates: keep the members as they are.
 */
export interface Branding {
  productName: string
  supportUrl: string | null
  /** the path the logo is served at (`/assets/logo`), or null when LOGO_FILE is not set */
  logoUrl: string | null
}

export const LOGO_PATH = '/assets/logo'

export function brandingOf(
  config: Pick<Config, 'productName' | 'supportUrl' | 'logoFile'>,
): Branding {
  return {
    productName: config.productName,
    supportUrl: config.supportUrl ?? null,
    logoUrl: config.logoFile ? LOGO_PATH : null,
  }
}
