import type { InvitationPreview } from '../../account-users/invitation-preview.js'
import { escapeHtml as e, page } from './html.js'

/** `entered`: what the invitee typed before an error, so a retry keeps it (passwords excepted). */
export function acceptInviteForm(
  preview: InvitationPreview,
  code: string,
  error?: string,
  entered: { firstName?: string | undefined; lastName?: string | undefined } = {},
): string {
  const registration = preview.isNewUser
    ? `<label for="firstName">First name</label><input id="firstName" name="firstName" value="${e(entered.firstName ?? preview.firstName)}" required>
<label for="lastName">Last name</label><input id="lastName" name="lastName" value="${e(entered.lastName ?? preview.lastName)}" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required>
<label for="confirm">Confirm password</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<p class="muted">At least 8 characters, with an uppercase and a lowercase letter, a digit and a special character.</p>`
    : '<p>You already have an account: accepting adds this account to it.</p>'
  return page(
    `Invitation to ${preview.accountName}`,
    `<h1>You have been invited to join ${e(preview.accountName)}</h1>
<p>Invitation for <strong>${e(preview.email)}</strong>${preview.expiresAt ? `, valid until ${e(preview.expiresAt.toISOString().replace('T', ' ').slice(0, 16))} UTC` : ''}.</p>
${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}
<form method="post" action="/accept-invite">
<input type="hidden" name="code" value="${e(code)}">
${registration}
<button type="submit">Accept invitation</button>
</form>`,
  )
}

export function acceptInviteDone(accountName: string): string {
  return page(
    'Invitation accepted',
    `<h1>Welcome</h1><p class="ok" role="status">You have joined ${e(accountName)}. You can now sign in.</p>`,
  )
}

export function acceptInviteProblem(message: string): string {
  return page(
    'Invitation',
    `<h1>This invitation cannot be used</h1><p class="error" role="alert">${e(message)}</p>
<p class="muted">Ask the administrator who invited you to send a new invitation.</p>`,
  )
}
