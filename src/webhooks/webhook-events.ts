import type { Kysely } from 'kysely'
import { presentLegacy } from '../account-users/account-user-presenter.js'
import {
  findAccountUserRows,
  hydrateAccountUsers,
} from '../account-users/account-user-repository.js'
import { presentAccount } from '../accounts/account-presenter.js'
import { ACCOUNT_COLUMNS, accountBase, hydrateAccounts } from '../accounts/account-repository.js'
import { presentApiToken } from '../api-tokens/api-token-presenter.js'
import {
  API_TOKEN_COLUMNS,
  apiTokenBase,
  hydrateApiTokens,
} from '../api-tokens/api-token-repository.js'
import type { AuditEventInput, AuditListener } from '../db/audit.js'
import type { Database } from '../db/schema.js'
import { presentUserGroup } from '../user-groups/user-group-presenter.js'
import {
  hydrateUserGroups,
  USER_GROUP_COLUMNS,
  userGroupBase,
} from '../user-groups/user-group-repository.js'
import { isSubscribed } from './webhook.js'
import { findEnabledWebhooks, insertDeliveries, type NewDelivery } from './webhook-repository.js'
import { newWebhookMessageId } from './webhook-signer.js'

/** The webhook event type of an account user's audit event, by the audit event's name. */
const ACCOUNT_USER_EVENTS: Record<string, string> = {
  created: 'account-user.invited',
  'invitation-resent': 'account-user.invitation-resent',
  'invitation-expired': 'account-user.invitation-expired',
  'invitation-renewed': 'account-user.invitation-renewed',
  'invitation-accepted': 'account-user.accepted',
  'invitation-declined': 'account-user.declined',
  deleted: 'account-user.removed',
  updated: 'account-user.groups-changed',
}
const FAMILY_EVENTS: Record<string, readonly string[]> = {
  'user-group': ['created', 'updated', 'deleted'],
  'api-token': ['created', 'updated', 'enabled', 'disabled', 'deleted'],
  account: ['created', 'updated', 'enabled', 'disabled', 'activated', 'deactivated'],
}

/** One event for the endpoints of one account. */
interface Announcement {
  type: string
  objectType: string
  objectId: string
  accountId: string
  at: Date
  object: Record<string, unknown> | undefined
}

/**
 * The audit listener that queues webhook deliveries (issue #15): it maps the audited changes to
 * webhook event types, and for each event that an Enabled endpoint of its account subscribes to,
 * writes one delivery per endpoint, in the transaction of the change, with the object as the API
 * returns it then (ids, never secrets or links). With no endpoint subscribed it costs one indexed
 * read per audited change (two for a user blocked or unblocked: their memberships).
 */
export const queueWebhookDeliveries: AuditListener = async (db, events) => {
  const announced = await announcementsOf(db, events)
  if (announced.length === 0) return
  const webhooks = await findEnabledWebhooks(
    db,
    announced.map((a) => a.accountId),
  )
  if (webhooks.length === 0) return
  const deliveries: NewDelivery[] = []
  const objects = new Map<string, Record<string, unknown>>()
  for (const event of announced) {
    const subscribers = webhooks.filter(
      (w) => w.accountId === event.accountId && isSubscribed(w.events, event.type),
    )
    if (subscribers.length === 0) continue
    const key = `${event.objectType}:${event.objectId}`
    let data = objects.get(key)
    if (!data) {
      data = await payloadOf(db, event)
      objects.set(key, data)
    }
    const payload = JSON.stringify({ type: event.type, timestamp: event.at.toISOString(), data })
    const eventId = newWebhookMessageId()
    for (const webhook of subscribers) {
      deliveries.push({
        webhookId: webhook.id,
        eventId,
        eventType: event.type,
        orderingKey: event.objectId,
        payload,
        at: event.at,
      })
    }
  }
  await insertDeliveries(db, deliveries)
}

async function announcementsOf(
  db: Kysely<Database>,
  events: AuditEventInput[],
): Promise<Announcement[]> {
  const announced: Announcement[] = []
  for (const e of events) {
    const base = { objectType: e.objectType, objectId: e.objectId, at: e.at, object: e.object }
    if (e.objectType === 'account-user' && e.accountId) {
      const type = ACCOUNT_USER_EVENTS[e.event]
      if (type) announced.push({ ...base, type, accountId: e.accountId })
    } else if (e.objectType === 'user' && (e.event === 'blocked' || e.event === 'unblocked')) {
      // A person is blocked platform-wide: each account they belong to hears of its member.
      const memberships = await db
        .selectFrom('account_users')
        .select(['id', 'account_id'])
        .where('user_id', '=', e.objectId)
        .execute()
      for (const m of memberships) {
        announced.push({
          type: `account-user.${e.event}`,
          objectType: 'account-user',
          objectId: m.id,
          accountId: m.account_id,
          at: e.at,
          object: undefined,
        })
      }
    } else if (e.accountId && FAMILY_EVENTS[e.objectType]?.includes(e.event)) {
      announced.push({ ...base, type: `${e.objectType}.${e.event}`, accountId: e.accountId })
    }
  }
  return announced
}

/**
 * The object as the API's default read returns it (no `audit`): what the service passed along
 * (as the change left it, or as it was when the change removed it), else read in the change's
 * transaction, else its ids.
 */
async function payloadOf(
  db: Kysely<Database>,
  event: Announcement,
): Promise<Record<string, unknown>> {
  const object = event.object ??
    (await readObject(db, event)) ?? { id: event.objectId, account: { id: event.accountId } }
  const { audit: _audit, $meta: _meta, ...rest } = object
  const invitation = rest.invitation as { status?: unknown } | undefined
  // Never a link: an account user's invitation is announced by its status only.
  return invitation ? { ...rest, invitation: { status: invitation.status } } : rest
}

async function readObject(
  db: Kysely<Database>,
  event: Announcement,
): Promise<Record<string, unknown> | undefined> {
  switch (event.objectType) {
    case 'account-user': {
      const rows = await findAccountUserRows(db, { id: event.objectId })
      const [accountUser] = await hydrateAccountUsers(db, rows, event.at)
      if (!accountUser) return undefined
      return presentLegacy({ ...accountUser, invitationUrl: null })
    }
    case 'user-group': {
      const rows = await userGroupBase(db, undefined)
        .select(USER_GROUP_COLUMNS)
        .where('g.id', '=', event.objectId)
        .execute()
      const [group] = await hydrateUserGroups(db, rows)
      return group ? presentUserGroup(group) : undefined
    }
    case 'api-token': {
      const rows = await apiTokenBase(db)
        .select(API_TOKEN_COLUMNS)
        .where('t.id', '=', event.objectId)
        .execute()
      const [token] = await hydrateApiTokens(db, rows)
      return token ? presentApiToken(token) : undefined
    }
    case 'account': {
      const rows = await accountBase(db)
        .select(ACCOUNT_COLUMNS)
        .where('a.id', '=', event.objectId)
        .execute()
      const [account] = await hydrateAccounts(db, rows)
      return account ? presentAccount(account) : undefined
    }
    default:
      return undefined
  }
}
