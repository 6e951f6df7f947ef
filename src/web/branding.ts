import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'

/**
 * What every email and page shows of the product (shared with the console, issue #14):
 * PRODUCT_NAME, SUPPORT_URL and the logo of LOGO_FILE, served at `/assets/logo`.
 */
export interface Branding {
  productName: string
  supportUrl: string | null
  /** `/assets/logo` when LOGO_FILE is set (emails make it absolute with PUBLIC_URL); else null */
  logoUrl: string | null
}

export const LOGO_PATH = '/assets/logo'

export function brandingOf(
  config: Pick<Config, 'productName' | 'supportUrl' | 'logoFile'>,
): Branding {
  return {
    productName: config.productName,
    supportUrl: config.supportUrl,
    logoUrl: config.logoFile ? LOGO_PATH : null,
  }
}

const LOGO_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
}

/** The logo file's bytes and type, read once at start; throws on a missing or unknown file. */
export function readLogo(file: string): { data: Buffer; contentType: string } {
  const contentType = LOGO_TYPES[extname(file).toLowerCase()]
  if (!contentType)
    throw new Error(`LOGO_FILE must be a ${Object.keys(LOGO_TYPES).join(', ')} file, got ${file}`)
  const data = readFileSync(file)
  if (data.length > 1024 * 1024) throw new Error(`LOGO_FILE must be at most 1 MB, got ${file}`)
  return { data, contentType }
}

/**
 * `GET /assets/logo`: public, cacheable for an hour; an SVG logo cannot run script (its own
 * Content-Security-Policy forbids everything and sandboxes it), whether opened directly or shown in a page.
 */
export async function logoRoute(
  app: FastifyInstance,
  config: Pick<Config, 'logoFile'>,
): Promise<void> {
  if (!config.logoFile) return
  const logo = readLogo(config.logoFile)
  app.get(
    LOGO_PATH,
    {
      config: { auth: 'public' },
      schema: {
        summary: 'The product logo (LOGO_FILE)',
        response: {
          200: {
            description: 'The image',
            content: { [logo.contentType]: { schema: { type: 'string', format: 'binary' } } },
          },
        },
      },
    },
    async (_request, reply) =>
      reply
        .type(logo.contentType)
        .header('cache-control', 'public, max-age=3600')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .send(logo.data),
  )
}
