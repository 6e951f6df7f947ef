import type { ModuleService } from '../../modules/module-service.js'
import { escapeHtml as e } from '../views/html.js'
import type { ConsoleContext } from '../../sessions/session-service.js'

export interface ModuleChoice {
  id: string
  name: string
  description: string
}

/**
 * The catalogue modules a form offers: those of the account's type that the person holds (the
 * service refuses any other with MODULE_NOT_AVAILABLE or MODULE_NOT_HELD; offering them would
 * only lead there).
 */
export async function moduleChoices(
  modules: ModuleService,
  context: ConsoleContext,
): Promise<ModuleChoice[]> {
  const list = (await modules.list({ rawQuery: 'order=name&limit=100' })) as unknown as {
    data: Array<ModuleChoice & { accountTypes: string[] }>
  }
  return list.data
    .filter((m) => m.accountTypes.includes(context.account.type) && context.actor.modules.has(m.id))
    .map(({ id, name, description }) => ({ id, name, description }))
}

/** Checkboxes named `moduleIds`, the chosen ones ticked. */
export function moduleCheckboxes(choices: ModuleChoice[], chosen: ReadonlySet<string>): string {
  return choices
    .map(
      (m) =>
        `<div class="check"><input type="checkbox" id="module-${e(m.id)}" name="moduleIds" value="${e(m.id)}"${chosen.has(m.id) ? ' checked' : ''} aria-describedby="module-${e(m.id)}-hint"><div><label for="module-${e(m.id)}">${e(m.name)}</label><span class="hint" id="module-${e(m.id)}-hint">${e(m.description)}</span></div></div>`,
    )
    .join('\n')
}
