import type { OutgoingEmail } from '../email.js'
import { escapeHtml, formatUtcInstant, htmlDocument, oneLine, PLATFORM_NAME } from './format.js'

export interface ConfirmationEmailInput {
  to: string
  firstName: string
  accountName: string
  /** the one-time code: six digits */
  code: string
  expiresAt: Date
}

/**
 * The one-time code an invitee types to prove the mailbox when they opened a copied invitation
 * link (the emailed link needs none). The code stands on a line of its own.
 */
export function renderConfirmationEmail(input: ConfirmationEmailInput): OutgoingEmail {
  const { to, firstName, accountName, code } = input
  const expiry = formatUtcInstant(input.expiresAt)
  const subject = oneLine(`Your code to join ${accountName} on ${PLATFORM_NAME}`)
  const intro = `Someone is accepting your invitation to join ${accountName} on ${PLATFORM_NAME} with a copied invitation link. To confirm that it is you, enter this code:`
  const text = [
    `Hello ${firstName},`,
    '',
    intro,
    '',
    code,
    '',
    `The code works once, until ${expiry}.`,
    'If it was not you, do not share the code with anyone; you can ignore this email.',
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
      `<p style="font-size: 24px; letter-spacing: 4px"><strong>${e(code)}</strong></p>`,
      `<p>The code works once, until <strong>${e(expiry)}</strong>.</p>`,
      '<p>If it was not you, do not share the code with anyone; you can ignore this email.</p>',
      `<p>${e(PLATFORM_NAME)}</p>`,
    ].join('\n'),
  )
  return { kind: 'invitation-confirmation', to, subject, text, html }
}
