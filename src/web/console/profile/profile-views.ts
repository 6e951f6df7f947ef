import type { Session } from '../../../sessions/session.js'
import { escapeHtml as e, formatInstant, notice } from '../../views/html.js'
import { consolePage, csrfField, type ConsoleView } from '../console-layout.js'

/** A browser's self-description, shortened to what a person recognises. */
export function describeBrowser(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser'
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /curl\//.test(userAgent)
            ? 'curl'
            : 'Browser'
  const system = /Windows/.test(userAgent)
    ? 'Windows'
    : /Mac OS X|Macintosh/.test(userAgent)
      ? 'macOS'
      : /Android/.test(userAgent)
        ? 'Android'
        : /iPhone|iPad/.test(userAgent)
          ? 'iOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : ''
  return system ? `${browser} on ${system}` : browser
}

export function profilePage(
  view: ConsoleView,
  sessions: Session[],
  state: { errors?: Record<string, string[]> } = {},
): string {
  const { signedIn } = view
  const current = signedIn.session.id
  const errors = state.errors ?? {}
  const problem = (name: string) =>
    errors[name] ? `<p class="field-error" id="${name}-error">${e(errors[name].join(' '))}</p>` : ''
  const invalid = (name: string) =>
    errors[name] ? ` aria-invalid="true" aria-describedby="${name}-error"` : ''
  const rows = sessions
    .map(
      (
        s,
      ) => `<tr><th scope="row">${e(describeBrowser(s.userAgent))}${s.id === current ? ' <span class="badge s-active">This browser</span>' : ''}<span class="sub">${e(s.clientAddress ?? '')}</span></th>
<td>${formatInstant(s.createdAt)}</td><td class="hide-narrow">${formatInstant(s.lastSeenAt)}</td>
<td class="actions-cell"><div class="row-actions">${s.id === current ? '' : `<form method="post" action="/console/sessions/${encodeURIComponent(s.id)}/revoke">${csrfField(view)}<button class="quiet small" type="submit">Sign out<span class="visually-hidden"> ${e(describeBrowser(s.userAgent))}, signed in ${formatInstant(s.createdAt)}</span></button></form>`}</div></td></tr>`,
    )
    .join('\n')
  return consolePage(view, {
    title: 'Your profile',
    tab: 'profile',
    heading: `${signedIn.user.firstName} ${signedIn.user.lastName}`,
    body: `<div class="card"><dl class="facts"><dt>Email</dt><dd>${e(signedIn.user.email)}</dd>
<dt>Accounts</dt><dd>${view.context.memberships.map((m) => e(m.accountName)).join(', ')}</dd></dl></div>
<div class="card"><h2>Change your password</h2>
${errors.form ? notice('error', errors.form.join(' ')) : ''}
<form method="post" action="/console/profile/password">${csrfField(view)}
<input type="text" name="username" value="${e(signedIn.user.email)}" autocomplete="username" hidden>
<label for="currentPassword">Current password</label>
<input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password" required${invalid('currentPassword')}>
${problem('currentPassword')}
<label for="password">New password</label><span class="hint" id="password-hint">At least 8 characters, with an uppercase and a lowercase letter, a digit and a special character.</span>
<input id="password" name="password" type="password" autocomplete="new-password" required${invalid('password') || ' aria-describedby="password-hint"'}>
${problem('password')}
<label for="confirm">Confirm new password</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required${invalid('confirm')}>
${problem('confirm')}
<p class="muted">Changing your password signs you out of every other browser.</p>
<button type="submit">Change password</button></form></div>
<div class="card"><h2>Where you are signed in</h2>
<p class="muted">Sessions end after a while without use, and at the latest some hours after signing in.</p>
<div class="table-wrap"><table><caption class="visually-hidden">Your sessions</caption>
<thead><tr><th scope="col">Browser</th><th scope="col">Signed in</th><th scope="col" class="hide-narrow">Last active</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>
${sessions.length > 1 ? `<form method="post" action="/console/sessions/revoke-others">${csrfField(view)}<div class="actions"><button class="secondary" type="submit">Sign out everywhere else</button></div></form>` : ''}
</div>`,
  })
}
