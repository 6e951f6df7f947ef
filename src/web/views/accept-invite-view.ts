import type { InvitationPreview } from '../../account-users/invitation-preview.js'
import { escapeHtml as e, page } from './html.js'

/** What the invitee typed before an error, so a retry keeps it (passwords excepted). */
export interface EnteredFields {
  firstName?: string | undefined
  lastName?: string | undefined
}

export interface FormMessages {
  /** shown as an alert: what went wrong */
  error?: string | undefined
  /** shown as a status: e.g. "a code was emailed" */
  notice?: string | undefined
}

/**
 * The accept form. From the emailed link a new user registers and an existing one just accepts.
 * From a copied link (no mailbox proof) the invitee also proves who they are: a code emailed to
 * the invitation's address, or, for someone who already has a password, that password.
 */
export function acceptInviteForm(
  preview: InvitationPreview,
  code: string,
  messages: FormMessages = {},
  entered: EnteredFields = {},
): string {
  const confirm = preview.mailboxProven
    ? ''
    : `<fieldset><legend>Confirm it is you</legend>
<p class="muted">This link was not opened from the invitation email, so we need to check that you are ${e(preview.email)}.</p>
${
  preview.isNewUser
    ? ''
    : `<label for="current">Your password</label><input id="current" name="password" type="password" autocomplete="current-password">
<p class="muted">Or, instead of your password:</p>`
}
<label for="oneTimeCode">Code from the email</label><input id="oneTimeCode" name="oneTimeCode" inputmode="numeric" autocomplete="one-time-code" maxlength="6">
<p class="muted">No code yet? Use “Email me a code” below.</p>
</fieldset>`
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
${messages.error ? `<p class="error" role="alert">${e(messages.error)}</p>` : ''}
${messages.notice ? `<p class="ok" role="status">${e(messages.notice)}</p>` : ''}
<form method="post" action="/accept-invite">
<input type="hidden" name="code" value="${e(code)}">
${confirm}
${registration}
<button type="submit" name="action" value="accept">Accept invitation</button>
</form>
${
  preview.mailboxProven
    ? ''
    : `<form method="post" action="/accept-invite">
<input type="hidden" name="code" value="${e(code)}">
<button class="secondary" type="submit" name="action" value="send-code">Email me a code</button>
</form>`
}`,
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
