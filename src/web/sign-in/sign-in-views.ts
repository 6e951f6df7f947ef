import type { Branding } from '../branding.js'
import { cardPage, escapeHtml as e, notice } from '../views/html.js'

export interface SignInForm {
  email?: string
  next?: string | undefined
  /** the form's anti-forgery token (double-submit: it must match the sign-in cookie) */
  csrfToken: string
  error?: string | undefined
  info?: string | undefined
}

/** The sign-in page at PUBLIC_URL/: email and password; works without JavaScript. */
export function signInPage(branding: Branding, form: SignInForm): string {
  return cardPage({
    title: 'Sign in',
    branding,
    body: `<h1>Sign in</h1>
<p class="muted">Manage the people, user groups and API tokens of your accounts.</p>
${form.error ? notice('error', form.error) : ''}${form.info ? notice('ok', form.info) : ''}
<form method="post" action="/sign-in" novalidate>
<input type="hidden" name="_csrf" value="${e(form.csrfToken)}">
${form.next ? `<input type="hidden" name="next" value="${e(form.next)}">` : ''}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${e(form.email ?? '')}" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="wide" type="submit">Sign in</button>
</form>
<p class="muted"><a href="/forgot-password">Forgot your password?</a></p>`,
  })
}

export function forgotPasswordPage(
  branding: Branding,
  state: { email?: string; sent?: boolean; error?: string },
): string {
  const body = state.sent
    ? `<h1>Check your email</h1>
${notice('ok', 'If an account uses that address, we have emailed it a link to choose a new password. The link works once, for 30 minutes.')}
<p><a href="/">Back to sign in</a></p>`
    : `<h1>Reset your password</h1>
<p class="muted">Enter the email address you sign in with. We will email you a link to choose a new password.</p>
${state.error ? notice('error', state.error) : ''}
<form method="post" action="/forgot-password" novalidate>
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${e(state.email ?? '')}" autofocus>
<button class="wide" type="submit">Email me a link</button>
</form>
<p class="muted"><a href="/">Back to sign in</a></p>`
  return cardPage({ title: 'Reset your password', branding, body })
}

export function setPasswordPage(
  branding: Branding,
  state: {
    token: string
    email: string
    purpose: 'reset' | 'setup'
    errors?: Record<string, string[]>
  },
): string {
  const heading = state.purpose === 'setup' ? 'Choose your password' : 'Choose a new password'
  const errors = state.errors ?? {}
  const problem = (name: string) =>
    errors[name] ? `<p class="field-error" id="${name}-error">${e(errors[name].join(' '))}</p>` : ''
  const invalid = (name: string) =>
    errors[name] ? ` aria-invalid="true" aria-describedby="${name}-error"` : ''
  return cardPage({
    title: heading,
    branding,
    body: `<h1>${heading}</h1>
<p class="muted">For <strong>${e(state.email)}</strong>. ${state.purpose === 'setup' ? 'You are the first administrator of the Operations account.' : 'Choosing a new password signs you out everywhere.'}</p>
${errors.form ? notice('error', errors.form.join(' ')) : ''}
<form method="post" action="/set-password" novalidate>
<input type="hidden" name="token" value="${e(state.token)}">
<input type="text" name="username" value="${e(state.email)}" autocomplete="username" hidden>
<label for="password">New password</label><span class="hint" id="password-hint">At least 8 characters, with an uppercase and a lowercase letter, a digit and a special character.</span>
<input id="password" name="password" type="password" autocomplete="new-password" required${invalid('password') || ' aria-describedby="password-hint"'}>
${problem('password')}
<label for="confirm">Confirm new password</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required${invalid('confirm')}>
${problem('confirm')}
<button class="wide" type="submit">Set password</button>
</form>`,
  })
}

export function passwordSetPage(branding: Branding, email: string): string {
  return cardPage({
    title: 'Password set',
    branding,
    body: `<h1>Your password is set</h1>
${notice('ok', `You can now sign in as ${email}.`)}
<p><a class="button" href="/?email=${encodeURIComponent(email)}">Sign in</a></p>`,
  })
}

export function linkUnusablePage(branding: Branding, message: string): string {
  return cardPage({
    title: 'Link not valid',
    branding,
    body: `<h1>This link cannot be used</h1>
${notice('error', message)}
<p>Links to choose a password work once and only for a short time. <a href="/forgot-password">Ask for a new link</a>.</p>`,
  })
}

/** A refusal with a way back (a stale sign-out form). */
export function refusedPage(branding: Branding, heading: string, message: string): string {
  return cardPage({
    title: heading,
    branding,
    body: `<h1>${e(heading)}</h1>
${notice('error', message)}
<p><a href="/console">Back to the console</a></p>`,
  })
}
