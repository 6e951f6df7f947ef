import { can } from '../../../access/permissions.js'
import { INVITATION_ACTIONS, type AccountUserView } from '../../../account-users/account-user.js'
import { escapeHtml as e, formatInstant, notice } from '../../views/html.js'
import { accountPath, consolePage, csrfField, type ConsoleView } from '../console-layout.js'
import { statusOf, userLabel } from './users-views.js'

export interface GroupChoice {
  id: string
  name: string
  description: string | null
  isDefault: boolean
}

/** Checkboxes of the account's user groups (`groupIds`), with the chosen ones ticked. */
export function groupCheckboxes(groups: GroupChoice[], chosen: ReadonlySet<string>): string {
  if (groups.length === 0) return '<p class="muted">This account has no user groups yet.</p>'
  return groups
    .map(
      (g) =>
        `<div class="check"><input type="checkbox" id="group-${e(g.id)}" name="groupIds" value="${e(g.id)}"${chosen.has(g.id) ? ' checked' : ''}${g.description ? ` aria-describedby="group-${e(g.id)}-hint"` : ''}><div><label for="group-${e(g.id)}">${e(g.name)}</label>${g.isDefault ? ' <span class="muted">(default group)</span>' : ''}${g.description ? `<span class="hint" id="group-${e(g.id)}-hint">${e(g.description)}</span>` : ''}</div></div>`,
    )
    .join('\n')
}

/** One account user: who they are, their invitation, their groups (editable), the actions. */
export function userDetailPage(
  view: ConsoleView,
  user: AccountUserView,
  groups: GroupChoice[],
  state: { errors?: Record<string, string[]> } = {},
): string {
  const { context } = view
  const path = accountPath(context, `users/${encodeURIComponent(user.user.id)}`)
  const allowed = INVITATION_ACTIONS[user.status]
  const mayInvite = can(context.actor, 'accountUsers.invitation')
  const link =
    user.invitationUrl && mayInvite
      ? `<h2>Invitation link</h2>
<p class="muted">Anyone with this link still has to prove they are ${e(user.user.email)} (a code mailed to them, or their password).</p>
<div class="secret"><input id="invitation-link" type="text" readonly value="${e(user.invitationUrl)}" aria-label="Invitation link"><button class="quiet" type="button" data-copy-from="invitation-link">Copy invitation link</button></div>`
      : ''
  const invitationActions = [
    mayInvite && allowed.includes('resend')
      ? `<form method="post" action="${path}/resend">${csrfField(view)}<button class="secondary" type="submit">Resend invitation</button></form>`
      : '',
    mayInvite && allowed.includes('sendNew')
      ? `<form method="post" action="${path}/send-new">${csrfField(view)}<button class="secondary" type="submit">Send new invitation</button></form>`
      : '',
    can(context.actor, 'accountUsers.delete') && user.user.id !== context.actor.id
      ? `<a class="button quiet" href="${path}/remove">Remove</a>`
      : '',
  ].join('')
  const errors = state.errors ?? {}
  const groupsForm = can(context.actor, 'accountUsers.groups')
    ? `<form method="post" action="${path}/groups">${csrfField(view)}
<fieldset${errors.groups ? ' aria-describedby="groups-error"' : ''}><legend>User groups</legend>
${errors.groups ? `<p class="field-error" id="groups-error">${e(errors.groups.join(' '))}</p>` : ''}
${groupCheckboxes(groups, new Set(user.groups.map((g) => g.id)))}
</fieldset>
<button type="submit">Save groups</button></form>`
    : `<p>${user.groups.map((g) => e(g.name)).join(', ')}</p>`
  return consolePage(view, {
    title: userLabel(user),
    tab: 'users',
    heading: userLabel(user),
    body: `${errors.form ? notice('error', errors.form.join(' ')) : ''}
<div class="card">
<dl class="facts">
<dt>Email</dt><dd>${e(user.user.email)}</dd>
<dt>Status</dt><dd>${e(statusOf(user))}${user.invitationExpiresAt && user.status !== 'Active' ? ` <span class="muted">(${user.status === 'Invited' ? 'expires' : 'expired'} ${formatInstant(user.invitationExpiresAt)})</span>` : ''}</dd>
<dt>Joined</dt><dd>${formatInstant(user.joinedAt)}</dd>
<dt>Last sign-in</dt><dd>${user.user.lastLoginAt ? formatInstant(user.user.lastLoginAt) : 'Never'}</dd>
<dt>Modules</dt><dd>${user.modules.map((m) => e(m.name)).join(', ') || '—'}</dd>
</dl>
${invitationActions ? `<div class="actions">${invitationActions}</div>` : ''}
${link}
</div>
<div class="card">${groupsForm}</div>`,
  })
}
