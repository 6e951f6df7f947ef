import type { OutgoingEmail } from '../email.js'
import { escapeHtml, formatUtcInstant, htmlDocument, oneLine, PLATFORM_NAME } from './format.js'

const BUTTON_STYLE = [
  'display: inline-block',
  'padding: 10px 18px',
  'background: #472aff',
  'color: #ffffff',
  'text-decoration: none',
  'border-radius: 4px',
].join('; ')

export interface PasswordResetEmailInput {
  to: string
  firstName: string
  /** the single-use link to choose a new password; it carries the reset secret */
  url: string
  expiresAt: Date
}

/** The "forgot password" link: single use, short-lived; ignoring it changes nothing. */
export function renderPasswordResetEmail(input: PasswordResetEmailInput): OutgoingEmail {
  const { to, firstName, url } = input
  const expiry = formatUtcInstant(input.expiresAt)
  const subject = oneLine(`Reset your ${PLATFORM_NAME} password`)
  const intro = `Someone asked to reset the password of ${to} on ${PLATFORM_NAME}. To choose a new password, open this link:`
  const text = [
    `Hello ${firstName},`,
    '',
    intro,
    url,
    '',
    `The link works once, until ${expiry}. Choosing a new password signs you out everywhere.`,
    'If it was not you, ignore this email: your password stays as it is.',
    '',
    PLATFORM_NAME,
    '',
  ].join('\n')
  const e = escapeHtml
  const html = htmlDocument(
    subject,
    [
      `<p>Hello ${e(firstName)},</p>`,
      `<p>${e(intro)}</p>`,
      `<p><a href="${e(url)}" style="${BUTTON_STYLE}">Choose a new password</a></p>`,
      `<p>Or copy this link into your browser:<br><a href="${e(url)}">${e(url)}</a></p>`,
      `<p>The link works once, until <strong>${e(expiry)}</strong>. Choosing a new password signs you out everywhere.</p>`,
      '<p>If it was not you, ignore this email: your password stays as it is.</p>',
      `<p>${e(PLATFORM_NAME)}</p>`,
    ].join('\n'),
  )
  return { kind: 'password-reset', to, subject, text, html }
}
