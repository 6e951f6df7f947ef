import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { formatCredential } from '../../src/api-tokens/api-token-credential.js'
import { randomId } from '../../src/lib/ids.js'
import { hashTokenSecret, randomSecret } from '../../src/lib/secrets.js'
import { MODULE_CATALOGUE } from '../../src/modules/module-catalogue.js'

const NOW = '2026-01-01T00:00:00.000Z'
let sequence = 0

export async function createAccount(
  db: Kysely<Database>,
  fields: {
    type?: 'Client' | 'Vendor' | 'Operations'
    name?: string
    status?: 'Enabled' | 'Active' | 'Disabled'
    /** the client organisation's CDG */
    externalId?: string | null
  } = {},
): Promise<string> {
  const id = randomId('account')
  sequence += 1
  await db
    .insertInto('accounts')
    .values({
      id,
      name: fields.name ?? `Account ${sequence}`,
      type: fields.type ?? 'Client',
      status: fields.status ?? 'Active',
      icon: null,
      external_id: fields.externalId ?? null,
      external_name: null,
      external_ids: null,
      service_level: 'Express',
      address: null,
      technical_support_email: null,
      website: null,
      description: null,
      eligibility: null,
      created_at: NOW,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  return id
}

export async function createUserGroup(
  db: Kysely<Database>,
  accountId: string,
  fields: { name?: string; modules?: string[]; buyers?: string[] | null; isDefault?: boolean } = {},
): Promise<string> {
  const id = randomId('userGroup')
  sequence += 1
  await db
    .insertInto('user_groups')
    .values({
      id,
      account_id: accountId,
      name: fields.name ?? `Group ${sequence}`,
      description: null,
      logo: null,
      is_default: fields.isDefault ? 1 : 0,
      all_buyers: fields.buyers ? 0 : 1,
      created_at: NOW,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  const modules = fields.modules ?? ['MOD-1756']
  if (modules.length > 0) {
    await db
      .insertInto('user_group_modules')
      .values(modules.map((m) => ({ user_group_id: id, module_id: m })))
      .execute()
  }
  if (fields.buyers && fields.buyers.length > 0) {
    await db
      .insertInto('user_group_buyers')
      .values(fields.buyers.map((b) => ({ user_group_id: id, buyer_id: b })))
      .execute()
  }
  return id
}

export async function createBuyer(
  db: Kysely<Database>,
  accountId: string,
  name = 'Buyer',
): Promise<string> {
  const id = randomId('buyer')
  await db
    .insertInto('buyers')
    .values({
      id,
      account_id: accountId,
      name,
      icon: null,
      status: 'Active',
      address: null,
      contact: null,
      external_ids: null,
      tax_id: null,
      created_at: NOW,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  return id
}

/**
 * An API token of `accountId`; returns its bearer credential. Its modules (its permissions) are
 * `modules`, or every catalogue module offered to the account's type.
 */
export async function createApiToken(
  db: Kysely<Database>,
  accountId: string,
  fields: { status?: 'Active' | 'Disabled' | 'Deleted'; name?: string; modules?: string[] } = {},
): Promise<{ id: string; credential: string }> {
  const id = randomId('apiToken')
  const secret = randomSecret(24).replace(/[+/=]/g, 'x')
  await db
    .insertInto('api_tokens')
    .values({
      id,
      account_id: accountId,
      name: fields.name ?? 'Test token',
      description: null,
      icon: null,
      status: fields.status ?? 'Active',
      secret_hash: hashTokenSecret(secret),
      last_access_at: null,
      created_at: NOW,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  const modules = fields.modules ?? (await offeredModules(db, accountId))
  if (modules.length > 0) {
    await db
      .insertInto('api_token_modules')
      .values(modules.map((moduleId) => ({ api_token_id: id, module_id: moduleId })))
      .execute()
  }
  return { id, credential: formatCredential(id, secret) }
}

/** The catalogue modules offered to the type of account `accountId`. */
async function offeredModules(db: Kysely<Database>, accountId: string): Promise<string[]> {
  const { type } = await db
    .selectFrom('accounts')
    .select('type')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow()
  return MODULE_CATALOGUE.filter((m) => m.accountTypes.includes(type)).map((m) => m.id)
}

/** An invitation body as the official SDK sends it. */
export function inviteBody(email: string, groupIds: string[], accountId?: string) {
  return {
    user: { email, firstName: 'Ada', lastName: 'Lovelace' },
    ...(accountId ? { account: { id: accountId } } : {}),
    groups: groupIds.map((id) => ({ id })),
    invitation: { status: 'Invited' },
  }
}

/** The `code` parameter of the invitation link in an email body (quoted-printable undone). */
export function invitationCodeFrom(body: string): string {
  const text = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  const match = /accept-invite\?code=([A-Za-z0-9_%=-]+)/.exec(text)
  if (!match) throw new Error('no invitation link in the email')
  return decodeURIComponent(match[1]!)
}

export async function createSeller(
  db: Kysely<Database>,
  fields: {
    name?: string
    externalId?: string | null
    status?: 'Active' | 'Offline' | 'Disabled' | 'Deleted'
  } = {},
): Promise<string> {
  const id = randomId('seller')
  sequence += 1
  await db
    .insertInto('sellers')
    .values({
      id,
      name: fields.name ?? `Seller ${sequence}`,
      external_id: fields.externalId ?? null,
      external_id_key: fields.externalId?.trim().toLowerCase() || null,
      icon: null,
      status: fields.status ?? 'Active',
      currencies: JSON.stringify([{ value: 'EUR', billingEnabled: true, isDefault: true }]),
      address: null,
      created_at: NOW,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  return id
}

/** The ERP link of a buyer–seller pair. */
export async function createErpLink(
  db: Kysely<Database>,
  buyerId: string,
  sellerId: string,
  fields: { status?: 'Active' | 'Blocked'; note?: string | null } = {},
): Promise<string> {
  const id = randomId('erpLink')
  await db
    .insertInto('erp_links')
    .values({
      id,
      buyer_id: buyerId,
      seller_id: sellerId,
      icon: null,
      status: fields.status ?? 'Active',
      external_ids: null,
      address: null,
      note: fields.note ?? null,
      created_at: NOW,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  return id
}

/** A licensee of the buyer's account at the seller (uses the buyer's address). */
export async function createLicensee(
  db: Kysely<Database>,
  buyerId: string,
  sellerId: string,
  fields: { name?: string; status?: 'Enabled' | 'Active' | 'Disabled' | 'Deleted' } = {},
): Promise<string> {
  const buyer = await db
    .selectFrom('buyers')
    .select('account_id')
    .where('id', '=', buyerId)
    .executeTakeFirstOrThrow()
  const id = randomId('licensee')
  sequence += 1
  await db
    .insertInto('licensees')
    .values({
      id,
      account_id: buyer.account_id,
      buyer_id: buyerId,
      seller_id: sellerId,
      name: fields.name ?? `Licensee ${sequence}`,
      external_id: null,
      icon: null,
      status: fields.status ?? 'Enabled',
      use_buyer_address: 1,
      address: null,
      description: null,
      contact: null,
      eligibility: JSON.stringify({ client: true, partner: false }),
      created_at: NOW,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  return id
}

export async function createCloudTenant(
  db: Kysely<Database>,
  accountId: string,
  fields: { name?: string; status?: 'Active' | 'Disabled' | 'Deleted' } = {},
): Promise<string> {
  const id = randomId('cloudTenant')
  sequence += 1
  await db
    .insertInto('cloud_tenants')
    .values({
      id,
      account_id: accountId,
      name: fields.name ?? `Tenant ${sequence}`,
      status: fields.status ?? 'Active',
      type: 'CspAzure',
      pyra_tenant_id: randomUUID(),
      cloud_consumption_id: randomUUID(),
      provider_id: null,
      created_at: NOW,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  return id
}

/** A webhook of `accountId` written directly (its secret is not a real sealed value: never sent). */
export async function createWebhook(
  db: Kysely<Database>,
  accountId: string,
  fields: { status?: 'Enabled' | 'Disabled'; url?: string } = {},
): Promise<string> {
  const id = randomId('webhook')
  await db
    .insertInto('webhooks')
    .values({
      id,
      account_id: accountId,
      url: fields.url ?? 'https://hooks.example.com/accounts',
      events: JSON.stringify(['account-user.*']),
      description: null,
      status: fields.status ?? 'Enabled',
      secret: 'v1.not.a.secret',
      disabled_reason: null,
      created_at: NOW,
      created_by: null,
      updated_at: null,
      updated_by: null,
    })
    .execute()
  return id
}

/** A delivered delivery of a webhook (for the log and redeliver); its wire id `WHD-<n>`. */
export async function createWebhookDelivery(
  db: Kysely<Database>,
  webhookId: string,
): Promise<string> {
  const row = await db
    .insertInto('webhook_deliveries')
    .values({
      webhook_id: webhookId,
      event_id: `msg_${randomUUID().replace(/-/g, '')}`,
      event_type: 'account-user.invited',
      ordering_key: 'AUSR-0000-0000-0000',
      payload: '{}',
      status: 'Delivered',
      attempts: 1,
      next_attempt_at: NOW,
      created_at: NOW,
      delivered_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return `WHD-${Number(row.id)}`
}
