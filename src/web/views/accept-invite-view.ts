import type { InvitationPreview } from '../../account-users/invitation-preview.js'
import type { Branding } from '../branding.js'
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
  branding: Branding,
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
    `<h1>You have been invited to join ${e(preview.accountName)} on ${e(branding.productName)}</h1>
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
    branding,
  )
}

export function acceptInviteDone(branding: Branding, accountName: string): string {
  return page(
    'Invitation accepted',
    `<h1>Welcome</h1><p class="ok" role="status">You have joined ${e(accountName)}. You can now sign in.</p>`,
    branding,
  )
}

export function acceptInviteProblem(branding: Branding, message: string): string {
  return page(
    'Invitation',
    `<h1>This invitation cannot be used</h1><p class="error" role="alert">${e(message)}</p>
<p class="muted">Ask the administrator who invited you to send a new invitation.</p>`,
    branding,
  )
}

/**
 * The expired-link page: the invitee may ask for a new link with the code they hold. Nothing on
 * it names an address; what happens next depends on the account (issue #15).
 */
export function acceptInviteExpired(branding: Branding, accountName: string, code: string): string {
  return page(
    'Invitation expired',
    `<h1>This invitation has expired</h1>
<p class="error" role="alert">The invitation to join ${e(accountName)} has expired.</p>
<form method="post" action="/accept-invite">
<input type="hidden" name="code" value="${e(code)}">
<button type="submit" name="action" value="ask-new-link">Ask for a new link</button>
</form>
<p class="muted">The account's administrators will be asked to send you a new invitation.</p>`,
    branding,
  )
}

/** After "Ask for a new link": said without naming the address the invitation went to. */
export function newLinkRequested(branding: Branding, renewed: boolean): string {
  const message = renewed
    ? 'A new invitation is on its way to the address this invitation was sent to. Use the link in that email.'
    : "We have asked the account's administrators to send you a new invitation. It will come by email."
  return page(
    'New link requested',
    `<h1>Thank you</h1><p class="ok" role="status">${e(message)}</p>`,
    branding,
  )
}
