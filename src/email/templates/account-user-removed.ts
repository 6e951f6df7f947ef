import type { OutgoingEmail } from '../email.js'
import { escapeHtml, htmlDocument, oneLine, PLATFORM_NAME } from './format.js'

export interface RemovalEmailInput {
  to: string
  firstName: string
  accountName: string
  /** the user groups the membership had; they went with it */
  groupNames: string[]
}

/** Tells a user their access to one account ended; their other accounts are unaffected. */
export function renderRemovalEmail(input: RemovalEmailInput): OutgoingEmail {
  const { to, firstName, accountName, groupNames } = input
  const subject = oneLine(`You have been removed from ${accountName} on ${PLATFORM_NAME}`)
  const intro = `You no longer have access to ${accountName} on ${PLATFORM_NAME}.`
  const groupsIntro = 'You were removed from these user groups:'
  const others = 'Your access to any other account is unchanged.'
  const text = [
    `Hello ${firstName},`,
    '',
    intro,
    ...(groupNames.length > 0 ? ['', groupsIntro, ...groupNames.map((name) => `- ${name}`)] : []),
    '',
    others,
    'If you think this is a mistake, contact an administrator of the account.',
    '',
    PLATFORM_NAME,
    '',
  ].join('\n')
  const e = escapeHtml
  const groupList =
    groupNames.length > 0
      ? [
          `<p>${e(groupsIntro)}</p>`,
          '<ul>',
          ...groupNames.map((name) => `<li>${e(name)}</li>`),
          '</ul>',
        ]
      : []
  const html = htmlDocument(
    subject,
    [
      `<p>Hello ${e(firstName)},</p>`,
      `<p>${e(intro)}</p>`,
      ...groupList,
      `<p>${e(others)}</p>`,
      '<p>If you think this is a mistake, contact an administrator of the account.</p>',
      `<p>${e(PLATFORM_NAME)}</p>`,
    ].join('\n'),
  )
  return { kind: 'account-user-removed', to, subject, text, html }
}
