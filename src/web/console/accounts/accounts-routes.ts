import type { FastifyInstance } from 'fastify'
import type { AccountService } from '../../../accounts/account-service.js'
import { sendHtml, seeOther } from '../../page-kit.js'
import { escapeHtml as e } from '../../views/html.js'
import { accountPath, consolePage, visibleTabs } from '../console-layout.js'
import { consoleOf, viewOf, type ConsoleDeps } from '../console-plugin.js'
import { AccountParams, consoleRoute } from '../console-route.js'

export interface AccountPageDeps extends ConsoleDeps {
  accounts: AccountService
}

/** Percent-encoded RQL glob for a search text (quotes escaped, stars literal). */
function containing(text: string): string {
  return encodeURIComponent(
    `'*${text.replace(/\\/g, '').replace(/'/g, "\\'").replace(/\*/g, '\\*')}*'`,
  )
}

/**
 * The console's entry (/console: the account the session last opened), an account's landing
 * (its first section the person may open), and the account switcher's full list: the person's
 * own accounts, and for an Operations user any account, searched through the accounts list.
 */
export async function accountRoutes(web: FastifyInstance, deps: AccountPageDeps): Promise<void> {
  web.get('/console', consoleRoute('accounts.get', { statuses: [303] }), async (request, reply) =>
    seeOther(reply, accountPath(consoleOf(request).context)),
  )

  web.get(
    '/console/accounts/:accountId',
    consoleRoute('accounts.get', {
      statuses: [200, 303],
      params: AccountParams,
      notFound: 'ACCOUNT_NOT_FOUND',
    }),
    async (request, reply) => {
      const { context } = consoleOf(request)
      const first = visibleTabs(context)[0]
      if (first) return seeOther(reply, accountPath(context, first.path))
      const modules = [...context.actor.modules].join(', ') || 'none'
      return sendHtml(
        reply,
        200,
        consolePage(viewOf(request, reply, deps), {
          title: context.account.name,
          tab: 'accounts',
          body: `<div class="card"><p>You are a member of ${e(context.account.name)}, but your user groups here grant no module the console manages (you hold: ${e(modules)}).</p>
<p class="muted">Managing users, user groups and API tokens needs the Access Management module: ask an administrator of the account.</p></div>`,
        }),
      )
    },
  )

  web.get('/console/accounts', consoleRoute('accounts.list'), async (request, reply) => {
    const { context } = consoleOf(request)
    const q = String((request.query as { q?: unknown }).q ?? '')
      .trim()
      .slice(0, 100)
    const own = context.memberships.map(
      (m) =>
        `<tr><th scope="row"><a href="/console/accounts/${e(m.accountId)}">${e(m.accountName)}</a></th><td>${e(m.accountType)}</td><td class="mono">${e(m.accountId)}</td></tr>`,
    )
    let others = ''
    if (context.actor.accountType === 'Operations') {
      const filter = q
        ? `or(ilike(name,${containing(q)}),eq(id,${encodeURIComponent(`'${q.replace(/'/g, "\\'")}'`)}))&`
        : ''
      const list = (await deps.accounts.list({
        actor: context.actor,
        rawQuery: `${filter}order=name&limit=50&select=-*,id,name,type,status`,
      })) as unknown as {
        data: Array<{ id: string; name: string; type: string; status: string }>
        $meta: { pagination: { total: number } }
      }
      others = `<h2>All accounts</h2>
<form class="filters" method="get" action="/console/accounts" role="search"><div class="grow"><label for="q">Search accounts</label><input id="q" name="q" type="search" value="${e(q)}" placeholder="Name or ACC- id"></div><div><button class="secondary" type="submit">Search</button></div></form>
<div class="table-wrap"><table><caption class="visually-hidden">Accounts</caption><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Id</th></tr></thead><tbody>
${list.data.map((a) => `<tr><th scope="row"><a href="/console/accounts/${e(a.id)}">${e(a.name)}</a></th><td>${e(a.type)}</td><td>${e(a.status)}</td><td class="mono">${e(a.id)}</td></tr>`).join('')}
</tbody></table></div><p class="muted">${list.data.length} of ${list.$meta.pagination.total} accounts shown.</p>`
    }
    return sendHtml(
      reply,
      200,
      consolePage(viewOf(request, reply, deps), {
        title: 'Accounts',
        tab: 'accounts',
        heading: 'Your accounts',
        body: `<div class="table-wrap"><table><caption class="visually-hidden">Your accounts</caption><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Id</th></tr></thead><tbody>${own.join('')}</tbody></table></div>${others}`,
      }),
    )
  })
}
