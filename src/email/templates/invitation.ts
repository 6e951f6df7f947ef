import type { OutgoingEmail } from '../email.js'
import { escapeHtml, formatUtcInstant, htmlDocument, oneLine, PLATFORM_NAME } from './format.js'

export { renderRemovalEmail, type RemovalEmailInput } from './account-user-removed.js'

const BUTTON_STYLE = [
  'display: inline-block',
  'padding: 10px 18px',
  'background: #472aff',
  'color: #ffffff',
  'text-decoration: none',
  'border-radius: 4px',
].join('; ')

export interface InvitationEmailInput {
  to: string
  firstName: string
  accountName: string
  inviterName: string
  /** the accept-invite link; it carries the invitation secret */
  url: string
  expiresAt: Date
  /** true when an admin resent the invitation or sent a new one: earlier links stop working */
  isNewLink?: boolean
}

export function renderInvitationEmail(input: InvitationEmailInput): OutgoingEmail {
  const { to, firstName, accountName, inviterName, url, isNewLink = false } = input
  const expiry = formatUtcInstant(input.expiresAt)
  const subject = oneLine(
    isNewLink
      ? `Your new invitation to join ${accountName} on ${PLATFORM_NAME}`
      : `You are invited to join ${accountName} on ${PLATFORM_NAME}`,
  )
  const intro = isNewLink
    ? `${inviterName} has sent you a new invitation to join ${accountName} on ${PLATFORM_NAME}.`
    : `${inviterName} has invited you to join ${accountName} on ${PLATFORM_NAME}.`
  const replaced = 'Links from earlier invitation emails no longer work.'
  const text = [
    `Hello ${firstName},`,
    '',
    intro,
    ...(isNewLink ? [replaced] : []),
    '',
    'To accept the invitation, open this link:',
    url,
    '',
    `This personal invitation expires on ${expiry}.`,
    'If you were not expecting it, you can ignore this email.',
    '',
    PLATFORM_NAME,
    '',
  ].join('\n')
  const e = escapeHtml
  const html = htmlDocument(
    subject,
    [
      `<p>Hello ${e(firstName)},</p>`,
      `<p>${e(intro)}${isNewLink ? ` ${e(replaced)}` : ''}</p>`,
      `<p><a href="${e(url)}" style="${BUTTON_STYLE}">Accept invitation</a></p>`,
      `<p>Or copy this link into your browser:<br><a href="${e(url)}">${e(url)}</a></p>`,
      `<p>This personal invitation expires on <strong>${e(expiry)}</strong>.</p>`,
      '<p>If you were not expecting it, you can ignore this email.</p>',
      `<p>${e(PLATFORM_NAME)}</p>`,
    ].join('\n'),
  )
  return { kind: 'invitation', to, subject, text, html }
}
