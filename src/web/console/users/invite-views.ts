import { escapeHtml as e, notice } from '../../views/html.js'
import { accountPath, consolePage, csrfField, type ConsoleView } from '../console-layout.js'
import { groupCheckboxes, type GroupChoice } from './user-detail-views.js'
import { MAX_INVITES } from './invite-list.js'

export type InviteOutcome = 'invited' | 'member' | 'invalid'

export interface InviteResult {
  source: string
  email: string
  outcome: InviteOutcome
  message: string
}

const OUTCOME: Record<InviteOutcome, { label: string; badge: string }> = {
  invited: { label: 'Invited', badge: 's-active' },
  member: { label: 'Already a member', badge: 's-invited' },
  invalid: { label: 'Invalid', badge: 's-blocked' },
}

function results(rows: InviteResult[]): string {
  if (rows.length === 0) return ''
  const invited = rows.filter((r) => r.outcome === 'invited').length
  const summary = `${invited} of ${rows.length} invited.`
  return `<h2 id="results-heading">Results</h2>
${notice(invited === rows.length ? 'ok' : 'warn', summary)}
<div class="table-wrap"><table class="results" aria-labelledby="results-heading">
<thead><tr><th scope="col">Address</th><th scope="col">Result</th><th scope="col">Details</th></tr></thead>
<tbody>${rows
    .map(
      (r) =>
        `<tr><td>${e(r.email || r.source)}</td><td><span class="badge ${OUTCOME[r.outcome].badge}">${OUTCOME[r.outcome].label}</span></td><td>${e(r.message)}</td></tr>`,
    )
    .join('')}</tbody></table></div>`
}

export interface InviteForm {
  addresses?: string
  chosenGroups: ReadonlySet<string>
  errors?: Record<string, string[]>
}

export function invitePage(
  view: ConsoleView,
  groups: GroupChoice[],
  form: InviteForm,
  outcome: InviteResult[] = [],
): string {
  const errors = form.errors ?? {}
  const problem = (name: string) =>
    errors[name] ? `<p class="field-error" id="${name}-error">${e(errors[name].join(' '))}</p>` : ''
  const action = accountPath(view.context, 'users/invite')
  return consolePage(view, {
    title: 'Invite users',
    tab: 'users',
    heading: `Invite people to ${view.context.account.name}`,
    body: `${results(outcome)}
${errors.form ? notice('error', errors.form.join(' ')) : ''}
<form class="card" method="post" action="${action}" enctype="multipart/form-data">
${csrfField(view)}
<label for="addresses">Email addresses</label><span class="hint" id="addresses-hint">One person per line: <code>ada@example.com, Ada, Lovelace</code> or <code>Ada Lovelace &lt;ada@example.com&gt;</code>. At most ${MAX_INVITES} at once.</span>
<textarea id="addresses" name="addresses" rows="6" aria-describedby="addresses-hint${errors.addresses ? ' addresses-error' : ''}"${errors.addresses ? ' aria-invalid="true"' : ''}>${e(form.addresses ?? '')}</textarea>
${problem('addresses')}
<label for="csv">Or upload a CSV file</label><span class="hint" id="csv-hint">Columns email, first name, last name (a first row naming them is fine).</span>
<input id="csv" name="csv" type="file" accept=".csv,text/csv" aria-describedby="csv-hint">
<fieldset${errors.groups ? ' aria-describedby="groups-error"' : ''}><legend>User groups</legend>
${problem('groups')}
${groupCheckboxes(groups, form.chosenGroups)}
</fieldset>
<p class="muted">Each person gets an email with a personal link, valid for a limited time.</p>
<div class="actions"><button type="submit">Invite</button><a class="button quiet" href="${accountPath(view.context, 'users')}">Back to users</a></div>
</form>`,
  })
}
