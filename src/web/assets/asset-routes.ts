import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { FastifyInstance } from 'fastify'
import { CONSOLE_SCRIPT } from './console-script.js'
import { STYLESHEET } from './stylesheet.js'

interface Asset {
  path: string
  type: string
  body: Buffer
}

const fingerprint = (body: Buffer | string) =>
  createHash('sha256').update(body).digest('hex').slice(0, 12)

function asset(name: string, extension: string, type: string, body: Buffer): Asset {
  return { path: `/assets/${name}-${fingerprint(body)}.${extension}`, type, body }
}

// htmx comes from its npm package (pinned), never from a CDN.
const HTMX = readFileSync(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'))

/** The files every page links, each under a URL that changes with its content. */
export const ASSETS = {
  stylesheet: asset('app', 'css', 'text/css; charset=utf-8', Buffer.from(STYLESHEET)),
  script: asset('app', 'js', 'text/javascript; charset=utf-8', Buffer.from(CONSOLE_SCRIPT)),
  htmx: asset('htmx', 'js', 'text/javascript; charset=utf-8', HTMX),
  icon: asset(
    'icon',
    'svg',
    'image/svg+xml',
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3b21d9"/><path d="M9 24l7-16 7 16h-4l-3-7-3 7z" fill="#fff"/></svg>',
    ),
  ),
} as const

/**
 * Serves the assets (public, immutable: their URLs carry their hash). The logo (LOGO_FILE) is
 * served by `logoRoute` (branding.ts), for the emails and the pages alike.
 */
export async function assetRoutes(app: FastifyInstance): Promise<void> {
  const file = { description: 'A stylesheet, script or image.', type: 'string' }
  const serve = (a: Asset, cacheControl: string) =>
    app.get(
      a.path,
      { config: { auth: 'public' }, schema: { hide: true, response: { 200: file } } },
      async (_request, reply) =>
        reply.type(a.type).header('cache-control', cacheControl).send(a.body),
    )
  for (const a of Object.values(ASSETS)) serve(a, 'public, max-age=31536000, immutable')
  // Opened on its own, an SVG could run script in this origin: the images are sandboxed.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url === ASSETS.icon.path)
      reply.header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      )
    return payload
  })
}
