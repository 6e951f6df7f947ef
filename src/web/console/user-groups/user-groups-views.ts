import { can } from '../../../access/permissions.js'
import { escapeHtml as e, notice } from '../../views/html.js'
import { accountPath, consolePage, csrfField, type ConsoleView } from '../console-layout.js'
import { moduleCheckboxes, type ModuleChoice } from '../module-choices.js'

/** A user group as the API presents it (the members the pages show). */
export interface GroupView {
  id: string
  name: string
  description: string | null
  isDefault: boolean
  modules: Array<{ id: string; name: string }>
  buyers: Array<{ id: string; name: string }> | null
}

export function groupsPage(view: ConsoleView, groups: GroupView[]): string {
  const { context } = view
  const mayCreate = can(context.actor, 'userGroups.create')
  const rows = groups
    .map((g) => {
      const path = accountPath(context, `user-groups/${encodeURIComponent(g.id)}`)
      const actions = [
        can(context.actor, 'userGroups.update')
          ? `<a class="button quiet small" href="${path}">Edit<span class="visually-hidden"> ${e(g.name)}</span></a>`
          : '',
        can(context.actor, 'userGroups.delete') && !g.isDefault
          ? `<a class="button quiet small" href="${path}/delete">Delete<span class="visually-hidden"> ${e(g.name)}</span></a>`
          : '',
      ].join('')
      return `<tr><th scope="row">${e(g.name)}${g.isDefault ? ' <span class="badge s-invited">Default</span>' : ''}${g.description ? `<span class="sub">${e(g.description)}</span>` : ''}</th>
<td><div class="chips">${g.modules.map((m) => `<span class="chip">${e(m.name)}</span>`).join('')}</div></td>
<td class="hide-narrow">${g.buyers === null ? 'All buyers' : `${g.buyers.length} buyer${g.buyers.length === 1 ? '' : 's'}`}</td>
<td class="actions-cell"><div class="row-actions">${actions}</div></td></tr>`
    })
    .join('\n')
  return consolePage(view, {
    title: 'User groups',
    tab: 'user-groups',
    action: mayCreate
      ? `<a class="button" href="${accountPath(context, 'user-groups/new')}">New user group</a>`
      : '',
    body: `<p class="muted">A user group grants its members modules (what they may do) and buyers (for whom).</p>
<div class="table-wrap"><table><caption class="visually-hidden">User groups of ${e(context.account.name)}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Modules</th><th scope="col" class="hide-narrow">Buyers</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`,
  })
}

export interface GroupForm {
  name: string
  description: string
  isDefault: boolean
  moduleIds: ReadonlySet<string>
  /** null: every buyer */
  buyerIds: ReadonlySet<string> | null
}

export function groupFormPage(
  view: ConsoleView,
  options: {
    group?: GroupView
    form: GroupForm
    modules: ModuleChoice[]
    /** the account's buyers, when the person may list them */
    buyers: Array<{ id: string; name: string }> | undefined
    errors?: Record<string, string[]>
  },
): string {
  const { context } = view
  const { form, group } = options
  const errors = options.errors ?? {}
  const problem = (name: string) =>
    errors[name] ? `<p class="field-error" id="${name}-error">${e(errors[name].join(' '))}</p>` : ''
  const invalid = (name: string) =>
    errors[name] ? ` aria-invalid="true" aria-describedby="${name}-error"` : ''
  const action = group
    ? accountPath(context, `user-groups/${encodeURIComponent(group.id)}`)
    : accountPath(context, 'user-groups')
  const buyers = options.buyers
    ? `<fieldset><legend>Buyers</legend>
${problem('buyers')}
<label class="check" for="buyers-all"><input type="radio" id="buyers-all" name="buyerScope" value="all"${form.buyerIds === null ? ' checked' : ''}><span>All buyers of the account, including future ones</span></label>
<label class="check" for="buyers-some"><input type="radio" id="buyers-some" name="buyerScope" value="some"${form.buyerIds !== null ? ' checked' : ''}><span>Only the buyers chosen here (needs the Marketplace module)</span></label>
${options.buyers.map((b) => `<label class="check" for="buyer-${e(b.id)}"><input type="checkbox" id="buyer-${e(b.id)}" name="buyerIds" value="${e(b.id)}"${form.buyerIds?.has(b.id) ? ' checked' : ''}><span>${e(b.name)} <span class="muted">${e(b.id)}</span></span></label>`).join('\n') || '<p class="muted">The account has no buyers yet.</p>'}
</fieldset>`
    : ''
  const otherErrors = Object.entries(errors)
    .filter(([name]) => !['name', 'description', 'modules', 'buyers'].includes(name))
    .flatMap(([, messages]) => messages)
  return consolePage(view, {
    title: group ? `Edit ${group.name}` : 'New user group',
    tab: 'user-groups',
    body: `${otherErrors.length ? notice('error', otherErrors.join(' ')) : ''}
<form class="card" method="post" action="${action}">${csrfField(view)}
<label for="name">Name</label>
<input id="name" name="name" type="text" required maxlength="200" value="${e(form.name)}"${invalid('name')}>
${problem('name')}
<label for="description">Description</label><span class="hint">Optional.</span>
<input id="description" name="description" type="text" maxlength="2000" value="${e(form.description)}"${invalid('description')}>
${problem('description')}
<div class="check"><input type="checkbox" id="isDefault" name="isDefault" value="true"${form.isDefault ? ' checked' : ''} aria-describedby="isDefault-hint"><div><label for="isDefault">Default group</label><span class="hint" id="isDefault-hint">Preselected when inviting people; one per account.</span></div></div>
<fieldset${errors.modules ? ' aria-describedby="modules-error"' : ''}><legend>Modules</legend>
${problem('modules')}
${moduleCheckboxes(options.modules, form.moduleIds)}
</fieldset>
${buyers}
<div class="actions"><button type="submit">${group ? 'Save user group' : 'Create user group'}</button><a class="button quiet" href="${accountPath(context, 'user-groups')}">Cancel</a></div>
</form>`,
  })
}

export function deleteGroupPage(view: ConsoleView, group: GroupView): string {
  const path = accountPath(view.context, `user-groups/${encodeURIComponent(group.id)}`)
  return consolePage(view, {
    title: `Delete ${group.name}`,
    tab: 'user-groups',
    heading: `Delete ${group.name}?`,
    body: `<div class="card"><p>The group is deleted for good. A group that still has members cannot be deleted: move them to another group first.</p>
<form method="post" action="${path}/delete">${csrfField(view)}
<div class="actions"><button class="danger" type="submit">Delete user group</button><a class="button quiet" href="${accountPath(view.context, 'user-groups')}">Cancel</a></div></form></div>`,
  })
}
