import { can } from '../../../access/permissions.js'
import {
  INVITATION_ACTIONS,
  type AccountUserView,
  type InvitationStatus,
} from '../../../account-users/account-user.js'
import { escapeHtml as e, formatDay, formatInstant, notice } from '../../views/html.js'
import { accountPath, consolePage, csrfField, type ConsoleView } from '../console-layout.js'
import {
  PAGE_SIZE,
  SORTS,
  STATUS_FILTERS,
  usersUrl,
  type SortKey,
  type UsersQuery,
} from './users-query.js'

/** What a row shows as its status: the account-context status (a blocked person reads Blocked). */
export function statusOf(view: AccountUserView): InvitationStatus | 'Blocked' {
  return view.user.status === 'Blocked' ? 'Blocked' : view.status
}

const BADGE: Record<string, string> = {
  Active: 's-active',
  Invited: 's-invited',
  InvitationExpired: 's-expired',
  Blocked: 's-blocked',
}

function badge(status: string): string {
  return `<span class="badge ${BADGE[status] ?? ''}">${e(status)}</span>`
}

function statusCell(view: AccountUserView): string {
  const status = statusOf(view)
  const at = view.invitationExpiresAt
  const when =
    view.status === 'Invited' && at
      ? `<span class="sub">Expires ${formatDay(at)}</span>`
      : view.status === 'InvitationExpired' && at
        ? `<span class="sub">Expired ${formatDay(at)}</span>`
        : ''
  return `${badge(status)}${when}`
}

export function userLabel(view: AccountUserView): string {
  return `${view.user.firstName} ${view.user.lastName}`.trim() || view.user.email
}

/**
 * The actions a row offers: only those the API would allow, by the same permission table and the
 * same table of invitation actions per status.
 */
function rowActions(view: ConsoleView, user: AccountUserView): string {
  const { context } = view
  const path = accountPath(context, `users/${encodeURIComponent(user.user.id)}`)
  const actions: string[] = []
  const allowed = INVITATION_ACTIONS[user.status]
  const post = (action: string, label: string, style = 'secondary') =>
    `<form method="post" action="${path}/${action}" hx-post="${path}/${action}" hx-target="closest tr" hx-swap="outerHTML">${csrfField(view)}<button class="${style} small" type="submit">${label}</button></form>`
  if (can(context.actor, 'accountUsers.invitation')) {
    if (user.invitationUrl)
      actions.push(
        `<button class="quiet small" type="button" data-copy="${e(user.invitationUrl)}">Copy invitation link</button>`,
      )
    if (allowed.includes('resend')) actions.push(post('resend', 'Resend invitation'))
    if (allowed.includes('sendNew')) actions.push(post('send-new', 'Send new invitation'))
  }
  if (can(context.actor, 'accountUsers.groups'))
    actions.push(`<a class="button quiet small" href="${path}">Edit groups</a>`)
  if (can(context.actor, 'accountUsers.delete') && user.user.id !== context.actor.id)
    actions.push(`<a class="button quiet small" href="${path}/remove">Remove</a>`)
  return actions.join('')
}

export function userRow(view: ConsoleView, user: AccountUserView): string {
  const groups = user.groups.map((g) => `<span class="chip">${e(g.name)}</span>`).join('')
  return `<tr id="row-${e(user.user.id)}">
<th scope="row"><a href="${accountPath(view.context, `users/${encodeURIComponent(user.user.id)}`)}">${e(userLabel(user))}</a><span class="sub">${e(user.user.email)}</span></th>
<td>${statusCell(user)}</td>
<td class="hide-narrow"><div class="chips">${groups}</div></td>
<td class="hide-narrow">${user.user.lastLoginAt ? formatInstant(user.user.lastLoginAt) : '<span class="muted">Never</span>'}</td>
<td class="actions-cell"><div class="row-actions">${rowActions(view, user)}</div></td>
</tr>`
}

export interface UsersPage {
  query: UsersQuery
  views: AccountUserView[]
  total: number
}

/** The table, its count and its pager: what an htmx filter change replaces. */
export function usersResults(view: ConsoleView, page: UsersPage): string {
  const base = accountPath(view.context, 'users')
  const { query, total } = page
  const first = total === 0 ? 0 : (query.page - 1) * PAGE_SIZE + 1
  const last = Math.min(total, query.page * PAGE_SIZE)
  const rows = page.views.map((u) => userRow(view, u)).join('\n')
  const table =
    total === 0
      ? `<p class="empty">${query.q || query.status !== 'all' ? 'No account user matches these filters.' : 'Nobody is in this account yet.'}</p>`
      : `<table><caption class="visually-hidden">Users of ${e(view.context.account.name)}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col" class="hide-narrow">Groups</th><th scope="col" class="hide-narrow">Last sign-in</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table>`
  const link = (label: string, pageNumber: number, enabled: boolean) =>
    enabled
      ? `<a class="button quiet small" href="${e(usersUrl(base, query, { page: pageNumber }))}" hx-get="${e(usersUrl(base, query, { page: pageNumber }))}" hx-target="#results" hx-swap="outerHTML" hx-push-url="true">${label}</a>`
      : ''
  return `<div id="results">
<div class="table-wrap">${table}</div>
<div class="pager"><p class="muted" role="status">${total === 0 ? '0 users' : `${first}–${last} of ${total.toLocaleString('en')} users`}</p>
<nav aria-label="Pages">${link('Previous', query.page - 1, query.page > 1)}${link('Next', query.page + 1, last < total)}</nav></div>
</div>`
}

function filters(view: ConsoleView, query: UsersQuery): string {
  const base = accountPath(view.context, 'users')
  const option = (value: string, label: string, selected: boolean) =>
    `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`
  return `<form class="filters" method="get" action="${base}" role="search" hx-get="${base}" hx-target="#results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, input changed delay:300ms from:#q, change from:select">
<div class="grow"><label for="q">Search</label><input id="q" name="q" type="search" value="${e(query.q)}" placeholder="Name or email" autocomplete="off"></div>
<div><label for="status">Status</label><select id="status" name="status">${STATUS_FILTERS.map((s) => option(s, s === 'all' ? 'All statuses' : s, s === query.status)).join('')}</select></div>
<div><label for="sort">Sort by</label><select id="sort" name="sort">${(Object.keys(SORTS) as SortKey[]).map((s) => option(s, SORTS[s].label, s === query.sort)).join('')}</select></div>
<div><button class="secondary" type="submit">Apply</button></div>
</form>`
}

export function usersPage(view: ConsoleView, page: UsersPage): string {
  const invite = can(view.context.actor, 'accountUsers.invite')
    ? `<a class="button" href="${accountPath(view.context, 'users/invite')}">Invite</a>`
    : ''
  return consolePage(view, {
    title: 'Users',
    tab: 'users',
    heading: 'Users',
    action: invite,
    body: `${filters(view, page.query)}${usersResults(view, page)}`,
  })
}

/** The message an htmx row action brings, swapped into #notices beside the row. */
export function outOfBandNotice(kind: 'ok' | 'error', message: string): string {
  return `<div id="notices" aria-live="polite" hx-swap-oob="true">${notice(kind, message)}</div>`
}

export function removePage(view: ConsoleView, user: AccountUserView): string {
  const path = accountPath(view.context, `users/${encodeURIComponent(user.user.id)}`)
  const pending = user.status !== 'Active'
  return consolePage(view, {
    title: 'Remove user',
    tab: 'users',
    heading: `Remove ${userLabel(user)}?`,
    body: `<div class="card">
<p><strong>${e(user.user.email)}</strong> will lose access to ${e(view.context.account.name)}${pending ? ', and their invitation link will stop working' : ''}. Their other accounts are not affected.</p>
<form method="post" action="${path}/remove">${csrfField(view)}
<div class="actions"><button class="danger" type="submit">Remove</button><a class="button quiet" href="${accountPath(view.context, 'users')}">Cancel</a></div>
</form></div>`,
  })
}
