import type { Kysely, Updateable } from 'kysely'
import { actorRef, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { AccountTable, Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import {
  ACCOUNT_ACTIONS,
  enabledStatusOf,
  type AccountAction,
  type AccountStatus,
} from './account.js'
import { presentAccount } from './account-presenter.js'
import { updateAccountColumns, type AccountRecord } from './account-repository.js'
import type { GetAccount } from './account-service.js'

const PAST: Record<AccountAction, string> = {
  enable: 'enabled',
  disable: 'disabled',
  activate: 'activated',
  deactivate: 'deactivated',
}

/** enable, disable, activate (assign the CDG), deactivate (unassign it): §5.1, decision 21. */
export function createAccountStatusUseCases(deps: {
  db: Kysely<Database>
  clock: Clock
  getAccount: GetAccount
  /** called after a status change: a disabled account's tokens must stop working at once */
  onStatusChanged?: (() => void) | undefined
}) {
  const { db, clock, getAccount } = deps

  function targetOf(action: AccountAction, account: AccountRecord): AccountStatus {
    switch (action) {
      case 'enable':
        return enabledStatusOf(account.type, account.externalId)
      case 'disable':
        return 'Disabled'
      case 'activate':
        return 'Active'
      case 'deactivate':
        return 'Enabled'
    }
  }

  function refuseUnless(action: AccountAction, account: AccountRecord, actor: Actor): void {
    if ((action === 'activate' || action === 'deactivate') && account.type !== 'Client') {
      throw ruleError(
        'ACCOUNT_STATUS_INVALID',
        `Only Client accounts can be ${PAST[action]}; this is a ${account.type} account.`,
        ['type'],
        { type: account.type },
      )
    }
    if (!ACCOUNT_ACTIONS[action].from.includes(account.status)) {
      throw ruleError(
        'ACCOUNT_STATUS_INVALID',
        `The account is ${account.status}; it cannot be ${PAST[action]}.`,
        ['status'],
        { status: account.status },
      )
    }
    if (action === 'disable' && account.id === actor.accountId) {
      throw ruleError('ACCOUNT_DISABLE_SELF', 'You cannot disable your own account.', ['id'])
    }
  }

  async function transition(
    actor: Actor,
    id: string,
    action: AccountAction,
    extra: Updateable<AccountTable> = {},
  ) {
    const account = await db.transaction().execute(async (trx) => {
      const current = await getAccount(trx, actor, id)
      refuseUnless(action, current, actor)
      const now = clock.now()
      const by = actorRef(actor)
      const changed = await updateAccountColumns(
        trx,
        id,
        {
          ...extra,
          status: targetOf(action, current),
          updated_at: now.toISOString(),
          updated_by: JSON.stringify(by),
        },
        current.status,
      )
      if (!changed) throw new AppError('CONCURRENT_UPDATE')
      await recordAuditEvents(trx, [
        {
          objectType: 'account',
          objectId: id,
          accountId: id,
          event: ACCOUNT_ACTIONS[action].event,
          at: now,
          by,
        },
      ])
      return presentAccount(await getAccount(trx, undefined, id))
    })
    deps.onStatusChanged?.()
    return account
  }

  return {
    enable: (input: { actor: Actor; id: string }) => transition(input.actor, input.id, 'enable'),
    disable: (input: { actor: Actor; id: string }) => transition(input.actor, input.id, 'disable'),
    /** Assigns the Customer Discount Group: `externalId` is its number; `name` renames the account. */
    activate: (input: {
      actor: Actor
      id: string
      externalId: string
      name: string
      externalName?: string | null | undefined
    }) => {
      const name = input.name.trim()
      const externalId = input.externalId.trim()
      if (!externalId) throw validationError({ externalId: ['Must not be empty.'] })
      if (!name) throw validationError({ name: ['Must not be empty.'] })
      return transition(input.actor, input.id, 'activate', {
        external_id: externalId,
        name,
        ...(input.externalName !== undefined ? { external_name: input.externalName } : {}),
      })
    },
    /** Unassigns the Customer Discount Group: the Client account waits for a new one. */
    deactivate: (input: { actor: Actor; id: string }) =>
      transition(input.actor, input.id, 'deactivate', { external_id: null, external_name: null }),
  }
}
