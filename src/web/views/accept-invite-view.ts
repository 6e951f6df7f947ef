import type { InvitationPreview } from '../../account-users/invitation-preview.js'
import type { Branding } from '../branding.js'
import { cardPage, escapeHtml as e, notice } from './html.js'

/** What the invitee typed before an error, so a retry keeps it (passwords excepted). */
export interface EnteredFields {
  firstName?: string | undefined
  lastName?: string | undefined
  phonePrefix?: string | undefined
  phoneNumber?: string | undefined
}

export interface FormMessages {
  /** shown as an alert: what went wrong */
  error?: string | undefined
  /** shown as a status: e.g. "a code was emailed" */
  notice?: string | undefined
}

/** The page's setting and who is signed in on this browser, if anyone. */
export interface AcceptPageContext {
  branding: Branding
  /** TERMS_URL: a new user ticks that they accept them */
  termsUrl?: string | undefined
  /** a console session on this browser: its person, and its anti-forgery token */
  signedIn?: { email: string; isInvitee: boolean; csrfToken: string } | undefined
}

/**
 * The accept form. From the emailed link a new user registers and an existing one just accepts.
 * From a copied link (no mailbox proof) the invitee also proves who they are: a code emailed to
 * the invitation's address, or, for someone who already has a password, that password. Signed in
 * to the console as the invited person, accepting is one click. Decline is offered beside it.
 */
export function acceptInviteForm(
  preview: InvitationPreview,
  code: string,
  context: AcceptPageContext,
  messages: FormMessages = {},
  entered: EnteredFields = {},
): string {
  const signedInInvitee = context.signedIn?.isInvitee === true
  const proven = preview.mailboxProven || signedInInvitee
  const confirm = proven
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
  const terms =
    preview.isNewUser && context.termsUrl
      ? `<label class="check" for="terms"><input id="terms" name="terms" type="checkbox" value="accepted" required><span>I accept the <a href="${e(context.termsUrl)}" target="_blank" rel="noopener">terms of use</a></span></label>`
      : ''
  const registration = preview.isNewUser
    ? `<label for="firstName">First name</label><input id="firstName" name="firstName" value="${e(entered.firstName ?? preview.firstName)}" autocomplete="given-name" required>
<label for="lastName">Last name</label><input id="lastName" name="lastName" value="${e(entered.lastName ?? preview.lastName)}" autocomplete="family-name" required>
<fieldset><legend>Phone <span class="hint">Optional.</span></legend>
<div class="row"><div><label for="phonePrefix">Country code</label><input id="phonePrefix" name="phonePrefix" type="tel" inputmode="tel" placeholder="+44" maxlength="6" value="${e(entered.phonePrefix ?? '')}" autocomplete="tel-country-code"></div>
<div><label for="phoneNumber">Phone number</label><input id="phoneNumber" name="phoneNumber" type="tel" inputmode="tel" maxlength="20" value="${e(entered.phoneNumber ?? '')}" autocomplete="tel-national"></div></div>
</fieldset>
<label for="password">Password</label><span class="hint" id="password-hint">At least 8 characters, with an uppercase and a lowercase letter, a digit and a special character.</span><input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="password-hint" required>
<label for="confirm">Confirm password</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
${terms}`
    : signedInInvitee
      ? `<p>You are signed in as <strong>${e(context.signedIn!.email)}</strong>: accepting adds ${e(preview.accountName)} to your accounts.</p>`
      : '<p>You already have an account: accepting adds this account to it.</p>'
  const other =
    context.signedIn && !signedInInvitee
      ? notice(
          'info',
          `You are signed in as ${context.signedIn.email}, but this invitation is for ${preview.email}.`,
        )
      : ''
  const csrf = signedInInvitee
    ? `<input type="hidden" name="_csrf" value="${e(context.signedIn!.csrfToken)}">`
    : ''
  return cardPage({
    title: `Invitation to ${preview.accountName}`,
    branding: context.branding,
    body: `<h1>You have been invited to join ${e(preview.accountName)} on ${e(context.branding.productName)}</h1>
<p>Invitation for <strong>${e(preview.email)}</strong>${preview.expiresAt ? `, valid until ${e(preview.expiresAt.toISOString().replace('T', ' ').slice(0, 16))} UTC` : ''}.</p>
${other}
${messages.error ? notice('error', messages.error) : ''}
${messages.notice ? notice('ok', messages.notice) : ''}
<form method="post" action="/accept-invite">
<input type="hidden" name="code" value="${e(code)}">${csrf}
${confirm}
${registration}
<div class="actions"><button type="submit" name="action" value="accept">Accept invitation</button>
<button class="quiet" type="submit" name="action" value="decline" formnovalidate>Decline</button></div>
</form>
${
  proven
    ? ''
    : `<form method="post" action="/accept-invite">
<input type="hidden" name="code" value="${e(code)}">
<button class="secondary" type="submit" name="action" value="send-code">Email me a code</button>
</form>`
}`,
  })
}

export function acceptInviteDone(
  context: AcceptPageContext,
  accountName: string,
  signedIn: boolean,
): string {
  return cardPage({
    title: 'Invitation accepted',
    branding: context.branding,
    body: `<h1>Welcome</h1>${notice('ok', `You have joined ${accountName}. You can now sign in.`)}
<p><a class="button" href="${signedIn ? '/console' : '/'}">${signedIn ? 'Open the console' : 'Sign in'}</a></p>`,
  })
}

export function declineDone(context: AcceptPageContext, accountName: string): string {
  return cardPage({
    title: 'Invitation declined',
    branding: context.branding,
    body: `<h1>Invitation declined</h1>${notice('ok', `You declined the invitation to join ${accountName}. We have let them know.`)}
<p class="muted">If this was a mistake, ask them to invite you again.</p>`,
  })
}

export function acceptInviteProblem(context: AcceptPageContext, message: string): string {
  return cardPage({
    title: 'Invitation',
    branding: context.branding,
    body: `<h1>This invitation cannot be used</h1>${notice('error', message)}
<p class="muted">Ask the administrator who invited you to send a new invitation.</p>`,
  })
}

/**
 * The expired-link page: the invitee may ask for a new link with the code they hold. Nothing on
 * it names an address; what happens next depends on the account (issue #15).
 */
export function acceptInviteExpired(
  context: Pick<AcceptPageContext, 'branding'>,
  accountName: string,
  code: string,
): string {
  return cardPage({
    title: 'Invitation expired',
    branding: context.branding,
    body: `<h1>This invitation has expired</h1>${notice('error', `The invitation to join ${accountName} has expired.`)}
<form method="post" action="/accept-invite">
<input type="hidden" name="code" value="${e(code)}">
<div class="actions"><button type="submit" name="action" value="ask-new-link">Ask for a new link</button></div>
</form>
<p class="muted">The account's administrators will be asked to send you a new invitation.</p>`,
  })
}

/** After "Ask for a new link": said without naming the address the invitation went to. */
export function newLinkRequested(
  context: Pick<AcceptPageContext, 'branding'>,
  renewed: boolean,
): string {
  const message = renewed
    ? 'A new invitation is on its way to the address this invitation was sent to. Use the link in that email.'
    : "We have asked the account's administrators to send you a new invitation. It will come by email."
  return cardPage({
    title: 'New link requested',
    branding: context.branding,
    body: `<h1>Thank you</h1>${notice('ok', message)}`,
  })
}
