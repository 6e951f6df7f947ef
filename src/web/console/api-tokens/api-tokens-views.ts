import { can } from '../../../access/permissions.js'
import { escapeHtml as e, formatInstant, notice } from '../../views/html.js'
import { accountPath, consolePage, csrfField, type ConsoleView } from '../console-layout.js'
import { moduleCheckboxes, type ModuleChoice } from '../module-choices.js'

/** An API token as the API presents it (the members the pages show). */
export interface TokenView {
  id: string
  name: string
  description: string | null
  status: string
  lastAccessAt: string | null
  modules: Array<{ id: string; name: string }>
}

const BADGE: Record<string, string> = { Active: 's-active', Disabled: 's-disabled' }

export function tokensPage(view: ConsoleView, tokens: TokenView[]): string {
  const { context } = view
  const rows = tokens
    .map((t) => {
      const path = accountPath(context, `api-tokens/${encodeURIComponent(t.id)}`)
      const named = `<span class="visually-hidden"> ${e(t.name)}</span>`
      const actions: string[] = []
      if (can(context.actor, 'apiTokens.changeStatus')) {
        const to = t.status === 'Active' ? 'disable' : 'enable'
        actions.push(
          `<form method="post" action="${path}/${to}">${csrfField(view)}<button class="secondary small" type="submit">${to === 'disable' ? 'Disable' : 'Enable'}${named}</button></form>`,
        )
      }
      if (can(context.actor, 'apiTokens.delete'))
        actions.push(`<a class="button quiet small" href="${path}/delete">Delete${named}</a>`)
      return `<tr><th scope="row">${e(t.name)}<span class="sub mono">${e(t.id)}</span>${t.description ? `<span class="sub">${e(t.description)}</span>` : ''}</th>
<td><span class="badge ${BADGE[t.status] ?? ''}">${e(t.status)}</span></td>
<td class="hide-narrow"><div class="chips">${t.modules.map((m) => `<span class="chip">${e(m.name)}</span>`).join('') || '<span class="muted">None</span>'}</div></td>
<td class="hide-narrow">${t.lastAccessAt ? formatInstant(new Date(t.lastAccessAt)) : '<span class="muted">Never</span>'}</td>
<td class="actions-cell"><div class="row-actions">${actions.join('')}</div></td></tr>`
    })
    .join('\n')
  const table =
    tokens.length === 0
      ? '<p class="empty">No API tokens yet.</p>'
      : `<table><caption class="visually-hidden">API tokens of ${e(context.account.name)}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col" class="hide-narrow">Modules</th><th scope="col" class="hide-narrow">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table>`
  return consolePage(view, {
    title: 'API tokens',
    tab: 'api-tokens',
    action: can(context.actor, 'apiTokens.create')
      ? `<a class="button" href="${accountPath(context, 'api-tokens/new')}">New API token</a>`
      : '',
    body: `<p class="muted">Programs call the API with a token: <code>Authorization: Bearer &lt;token&gt;</code>. A token may do what its modules allow.</p>
<div class="table-wrap">${table}</div>`,
  })
}

export interface TokenForm {
  name: string
  description: string
  moduleIds: ReadonlySet<string>
}

export function tokenFormPage(
  view: ConsoleView,
  options: { form: TokenForm; modules: ModuleChoice[]; errors?: Record<string, string[]> },
): string {
  const { form } = options
  const errors = options.errors ?? {}
  const problem = (name: string) =>
    errors[name] ? `<p class="field-error" id="${name}-error">${e(errors[name].join(' '))}</p>` : ''
  const invalid = (name: string) =>
    errors[name] ? ` aria-invalid="true" aria-describedby="${name}-error"` : ''
  const other = Object.entries(errors)
    .filter(([name]) => !['name', 'description', 'modules'].includes(name))
    .flatMap(([, m]) => m)
  return consolePage(view, {
    title: 'New API token',
    tab: 'api-tokens',
    body: `${other.length ? notice('error', other.join(' ')) : ''}
<form class="card" method="post" action="${accountPath(view.context, 'api-tokens')}">${csrfField(view)}
<label for="name">Name</label>
<input id="name" name="name" type="text" required maxlength="200" value="${e(form.name)}"${invalid('name')}>
${problem('name')}
<label for="description">Description</label><span class="hint">Optional: what uses it.</span>
<input id="description" name="description" type="text" maxlength="2000" value="${e(form.description)}"${invalid('description')}>
${problem('description')}
<fieldset${errors.modules ? ' aria-describedby="modules-error"' : ''}><legend>Modules</legend>
<p class="muted">What the token may do. None chosen: every module you hold.</p>
${problem('modules')}
${moduleCheckboxes(options.modules, form.moduleIds)}
</fieldset>
<div class="actions"><button type="submit">Create API token</button><a class="button quiet" href="${accountPath(view.context, 'api-tokens')}">Cancel</a></div>
</form>`,
  })
}

/** The new token's secret, shown this once (it is stored as a hash). */
export function tokenCreatedPage(view: ConsoleView, token: TokenView & { token: string }): string {
  return consolePage(view, {
    title: 'API token created',
    tab: 'api-tokens',
    heading: `API token ${token.name} created`,
    body: `<div class="card">
${notice('warn', 'Copy the token now: it is shown only this once, and cannot be shown again.')}
<label for="token-secret">Token</label>
<div class="secret"><input id="token-secret" type="text" readonly value="${e(token.token)}"><button type="button" data-copy-from="token-secret">Copy token</button></div>
<p class="muted">Send it as <code>Authorization: Bearer &lt;token&gt;</code>. Keep it secret; disable or delete it here when it is no longer needed.</p>
<div class="actions"><a class="button quiet" href="${accountPath(view.context, 'api-tokens')}">Done</a></div>
</div>`,
  })
}

export function deleteTokenPage(view: ConsoleView, token: TokenView): string {
  const path = accountPath(view.context, `api-tokens/${encodeURIComponent(token.id)}`)
  return consolePage(view, {
    title: `Delete ${token.name}`,
    tab: 'api-tokens',
    heading: `Delete ${token.name}?`,
    body: `<div class="card"><p>Programs using this token stop working at once. This cannot be undone.</p>
<form method="post" action="${path}/delete">${csrfField(view)}
<div class="actions"><button class="danger" type="submit">Delete API token</button><a class="button quiet" href="${accountPath(view.context, 'api-tokens')}">Cancel</a></div></form></div>`,
  })
}
