import { createHash } from 'node:crypto'
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

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d1d1f;margin:0}
main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}
h1{font-size:1.35rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #bbb;border-radius:4px;font-size:1rem}
button{margin-top:1.2rem;width:100%;padding:.7rem;border:0;border-radius:4px;background:#472aff;color:#fff;font-size:1rem;cursor:pointer}
button.secondary{background:#fff;color:#472aff;border:1px solid #472aff}
fieldset{border:1px solid #ddd;border-radius:4px;margin:1rem 0;padding:.2rem 1rem 1rem}
.error{background:#fde8e8;color:#8a1c1c;padding:.7rem;border-radius:4px}.ok{background:#e6f6ea;color:#14532d;padding:.7rem;border-radius:4px}
.muted{color:#666;font-size:.9rem}
.logo img{max-height:48px}footer{max-width:28rem;margin:0 auto 2rem;text-align:center}
`

/** The pages' one inline stylesheet, allowed by its hash in their Content-Security-Policy. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`

/**
 * A complete page: no external assets but the logo (/assets/logo), no script. The product's name
 * ends the title, its logo heads the page and its support link ends it (PRODUCT_NAME, LOGO_FILE,
 * SUPPORT_URL).
 */
export function page(title: string, body: string, branding: Branding): string {
  const logo = branding.logoUrl
    ? `<p class="logo"><img src="${escapeHtml(branding.logoUrl)}" alt="${escapeHtml(branding.productName)}"></p>`
    : ''
  const support = branding.supportUrl
    ? ` · <a href="${escapeHtml(branding.supportUrl)}">Help</a>`
    : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(branding.productName)}</title>
<style>${STYLE}</style></head><body><main>${logo}${body}</main><footer class="muted">${escapeHtml(branding.productName)}${support}</footer></body></html>`
}
