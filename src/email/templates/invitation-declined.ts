import type { OutgoingEmail } from '../email.js'
import { escapeHtml, htmlDocument, oneLine, PLATFORM_NAME } from './format.js'

export interface DeclinedEmailInput {
  /** the inviter (or, when a token invited, the account's technical support address) */
  to: string
  inviteeName: string
  inviteeEmail: string
  accountName: string
}

/** Tells whoever sent an invitation that the invitee declined it; their membership is gone. */
export function renderDeclinedEmail(input: DeclinedEmailInput): OutgoingEmail {
  const { to, inviteeName, inviteeEmail, accountName } = input
  const who = `${inviteeName} (${inviteeEmail})`
  const subject = oneLine(`${inviteeEmail} declined the invitation to ${accountName}`)
  const body = `${who} declined the invitation to join ${accountName} on ${PLATFORM_NAME}. The pending invitation was removed; you can invite them again if it was a mistake.`
  const text = ['Hello,', '', body, '', PLATFORM_NAME, ''].join('\n')
  const e = escapeHtml
  const html = htmlDocument(
    subject,
    ['<p>Hello,</p>', `<p>${e(body)}</p>`, `<p>${e(PLATFORM_NAME)}</p>`].join('\n'),
  )
  return { kind: 'invitation-declined', to, subject, text, html }
}
