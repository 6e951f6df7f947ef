import { can, type Operation } from '../../access/permissions.js'
import type { ConsoleContext } from '../../sessions/session-service.js'
import type { SignedIn } from '../../sessions/session.js'
import type { Branding } from '../branding.js'
import { brandMark, escapeHtml as e, htmlDocument, notice, supportLine } from '../views/html.js'

export type ConsoleTab = 'users' | 'user-groups' | 'api-tokens' | 'profile' | 'accounts'

export interface ConsoleView {
  branding: Branding
  signedIn: SignedIn
  context: ConsoleContext
  csrfToken: string
  /** a message carried over a redirect (flash) */
  flash?: { kind: 'ok' | 'error'; message: string } | undefined
}

const TABS: Array<{ tab: ConsoleTab; label: string; path: string; operation: Operation }> = [
  { tab: 'users', label: 'Users', path: 'users', operation: 'accountUsers.list' },
  { tab: 'user-groups', label: 'User groups', path: 'user-groups', operation: 'userGroups.list' },
  { tab: 'api-tokens', label: 'API tokens', path: 'api-tokens', operation: 'apiTokens.list' },
]

export function accountPath(context: ConsoleContext, rest = ''): string {
  return `/console/accounts/${encodeURIComponent(context.account.id)}${rest ? `/${rest}` : ''}`
}

/** The account's tabs the actor may open: the same `can()` the API asks. */
export function visibleTabs(context: ConsoleContext) {
  return TABS.filter((t) => can(context.actor, t.operation))
}

/** A hidden form field with the session's anti-forgery token. */
export function csrfField(view: Pick<ConsoleView, 'csrfToken'>): string {
  return `<input type="hidden" name="_csrf" value="${e(view.csrfToken)}">`
}

function switcher(view: ConsoleView): string {
  const { context } = view
  const own = context.memberships
    .map(
      (m) =>
        `<li><a href="/console/accounts/${e(m.accountId)}"${m.accountId === context.account.id ? ' aria-current="true"' : ''}>${e(m.accountName)}<span class="type">${e(m.accountType)}</span></a></li>`,
    )
    .join('')
  const all =
    context.actor.accountType === 'Operations'
      ? '<li><a href="/console/accounts">All accounts…</a></li>'
      : ''
  return `<details class="switcher"><summary aria-label="Account: ${e(context.account.name)}. Switch account">${e(context.account.name)} ▾</summary>
<ul>${own}${all}</ul></details>`
}

/** Every signed-in page: the top bar (account switcher, profile, sign out), tabs, messages. */
export function consolePage(
  view: ConsoleView,
  page: {
    title: string
    tab: ConsoleTab
    /** the heading and what sits beside it (a primary action) */
    heading?: string
    action?: string
    body: string
  },
): string {
  const { branding, signedIn, context } = view
  const tabs =
    page.tab === 'profile' || page.tab === 'accounts'
      ? ''
      : `<nav aria-label="Account sections"><ul class="tabs">${visibleTabs(context)
          .map(
            (t) =>
              `<li><a href="${accountPath(context, t.path)}"${t.tab === page.tab ? ' aria-current="page"' : ''}>${t.label}</a></li>`,
          )
          .join('')}</ul></nav>`
  const crumbs =
    page.tab === 'profile' || page.tab === 'accounts'
      ? ''
      : `<p class="crumbs">${e(context.account.name)} · ${e(context.account.type)} account</p>`
  const flash = view.flash ? notice(view.flash.kind, view.flash.message) : ''
  return htmlDocument({
    title: `${page.title} · ${context.account.name}`,
    branding,
    csrfToken: view.csrfToken,
    body: `<header class="topbar"><div class="topbar-inner">
${brandMark(branding, '/console')}
<span class="spacer"></span>
${switcher(view)}
<a href="/console/profile" class="who">${e(signedIn.user.firstName)} ${e(signedIn.user.lastName)}</a>
<form method="post" action="/sign-out">${csrfField(view)}<button class="quiet small" type="submit">Sign out</button></form>
</div></header>
<main id="main" class="page">
<div class="page-head"><div>${crumbs}<h1>${e(page.heading ?? page.title)}</h1></div>${page.action ?? ''}</div>
${tabs}
<div id="notices" aria-live="polite">${flash}</div>
<p id="copy-status" class="visually-hidden" aria-live="polite"></p>
${page.body}
</main>
${supportLine(branding)}`,
  })
}
