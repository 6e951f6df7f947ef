import { ASSETS } from '../assets/asset-routes.js'
import type { Branding } from '../branding.js'

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

/** htmx as the CSP allows it: no eval, no inline styles of its own, no scripts in swapped HTML. */
const HTMX_CONFIG = escapeHtml(
  JSON.stringify({
    includeIndicatorStyles: false,
    allowEval: false,
    allowScriptTags: false,
    historyCacheSize: 0,
    selfRequestsOnly: true,
    // Refusals carry a message (retargeted to #notices by the server): swap them too.
    responseHandling: [
      { code: '204', swap: false },
      { code: '[23]..', swap: true },
      { code: '[45]..', swap: true, error: true },
    ],
  }),
)

export interface DocumentOptions {
  title: string
  branding: Branding
  body: string
  /** the session's anti-forgery token: every htmx request sends it as X-CSRF-Token */
  csrfToken?: string | undefined
}

/** A complete page: the stylesheet, htmx and the console script from /assets, nothing inline. */
export function htmlDocument(options: DocumentOptions): string {
  const { title, branding, body, csrfToken } = options
  const headers = csrfToken
    ? ` hx-headers="${escapeHtml(JSON.stringify({ 'X-CSRF-Token': csrfToken }))}"`
    : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(branding.productName)}</title>
<meta name="htmx-config" content="${HTMX_CONFIG}">
<link rel="icon" href="${ASSETS.icon.path}" type="image/svg+xml">
<link rel="stylesheet" href="${ASSETS.stylesheet.path}">
<script src="${ASSETS.htmx.path}" defer></script>
<script src="${ASSETS.script.path}" defer></script>
</head><body${headers}>
<a class="skip" href="#main">Skip to content</a>
${body}
</body></html>`
}

/** The product's name and logo (or a monogram), linking home. */
export function brandMark(branding: Branding, href: string): string {
  const mark = branding.logoUrl
    ? `<img src="${escapeHtml(branding.logoUrl)}" alt="">`
    : `<span class="brand-mark" aria-hidden="true">${escapeHtml(branding.productName.charAt(0).toUpperCase())}</span>`
  return `<a class="brand" href="${escapeHtml(href)}">${mark}<span>${escapeHtml(branding.productName)}</span></a>`
}

function supportLine(branding: Branding): string {
  return branding.supportUrl
    ? `<p class="footer">Need help? <a href="${escapeHtml(branding.supportUrl)}">Contact support</a>.</p>`
    : ''
}

/**
 * A page of one card in the middle (sign-in, passwords, the invitation page): the product on
 * top, the card, the support link below.
 */
export function cardPage(options: {
  title: string
  branding: Branding
  body: string
  csrfToken?: string
}): string {
  const { branding } = options
  return htmlDocument({
    ...options,
    body: `<main id="main" class="narrow">
<div class="center-brand">${brandMark(branding, '/')}</div>
<div class="card">${options.body}</div>
${supportLine(branding)}
</main>`,
  })
}

/** A message box: `error` is an alert (read out at once), the others a status. */
export function notice(kind: 'ok' | 'error' | 'info' | 'warn', message: string): string {
  const role = kind === 'error' ? 'alert' : 'status'
  return `<p class="notice ${kind}" role="${role}">${escapeHtml(message)}</p>`
}

/** `12 Jan 2026, 09:00 UTC`: no reader mistakes day for month. */
export function formatInstant(at: Date | null | undefined): string {
  if (!at) return '—'
  return `${formatDay(at)}, ${at.toISOString().slice(11, 16)} UTC`
}

/** `12 Jan 2026` */
export function formatDay(at: Date): string {
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')
  return `${at.getUTCDate()} ${months[at.getUTCMonth()]} ${at.getUTCFullYear()}`
}

export { supportLine }
