import type { AccountType } from '../../src/access/actor.js'
import { MODULE_CATALOGUE } from '../../src/modules/module-catalogue.js'
import { inviteAndAccept, inviteUser, uniqueEmail, type Invited } from '../support/account-users.js'
import { randomUUID } from 'node:crypto'
import {
  createAccount,
  createApiToken,
  createBuyer,
  createCloudTenant,
  createWebhook,
  createWebhookDelivery,
  createErpLink,
  createLicensee,
  createSeller,
  createUserGroup,
  inviteBody,
} from '../support/factories.js'
import { multipartBody, TINY_PNG } from '../support/multipart.js'
import type { TestApp } from '../support/test-app.js'

export const API = '/public/v1/accounts'

/** The catalogue modules offered to an account type: what a fully privileged token of it holds. */
export function offeredModules(type: AccountType): Set<string> {
  return new Set(MODULE_CATALOGUE.filter((m) => m.accountTypes.includes(type)).map((m) => m.id))
}
export const ADDRESS = {
  addressLine1: '1 Main St',
  postCode: '08001',
  city: 'Barcelona',
  state: 'Catalonia',
  country: 'ES',
}

/** One account of the fixture with an object of every kind it can own. */
export interface FixtureAccount {
  name: string
  id: string
  type: AccountType
  /** the bearer credential the account calls with */
  token: string
  tokenId: string
  /** a second API token, the one read and renamed by the matrix */
  otherTokenId: string
  groupId: string
  buyerId: string
  /** a seller its buyer is linked to (so a Client of the account sees it), and that link */
  sellerId: string
  erpLinkId: string
  /** a licensee of its buyer at that seller */
  licenseeId: string
  cloudTenantId: string
  /** an account user still in `Invited` */
  invited: Invited
  /** an account user who accepted: an `Active` user with a password */
  member: Invited
}

/** The Operations account of first start, seen as a fixture account (it owns no buyer). */
export interface Fixture {
  t: TestApp
  operations: { id: string; token: string; groupId: string }
  clientA: FixtureAccount
  clientB: FixtureAccount
  vendor: FixtureAccount
  /** the stored icon path of clientA's logo (`/public/v1/accounts/icons/<hex>`) */
  iconPath: string
}

export async function createFixtureAccount(
  t: TestApp,
  name: string,
  type: AccountType,
): Promise<FixtureAccount> {
  const id = await createAccount(t.db.db, { type, name })
  const token = await createApiToken(t.db.db, id, { name: `${name} token` })
  const otherTokenId = (await createApiToken(t.db.db, id, { name: `${name} spare token` })).id
  const groupId = await createUserGroup(t.db.db, id, { name: `${name} group` })
  const buyerId = await createBuyer(t.db.db, id, `${name} buyer`)
  const sellerId = await createSeller(t.db.db, { name: `${name} seller` })
  const erpLinkId = await createErpLink(t.db.db, buyerId, sellerId)
  const licenseeId = await createLicensee(t.db.db, buyerId, sellerId, { name: `${name} licensee` })
  const cloudTenantId = await createCloudTenant(t.db.db, id)
  const invited = await inviteUser(t, { accountId: id, groupIds: [groupId] })
  const member = await inviteAndAccept(t, { accountId: id, groupIds: [groupId] })
  return {
    name,
    id,
    type,
    token: token.credential,
    tokenId: token.id,
    otherTokenId,
    groupId,
    buyerId,
    sellerId,
    erpLinkId,
    licenseeId,
    cloudTenantId,
    invited,
    member,
  }
}

/** Operations (first start), a Vendor and two Clients, each with logos and icons set. */
export async function buildFixture(t: TestApp): Promise<Fixture> {
  const clientA = await createFixtureAccount(t, 'Client A', 'Client')
  const clientB = await createFixtureAccount(t, 'Client B', 'Client')
  const vendor = await createFixtureAccount(t, 'Vendor', 'Vendor')
  for (const account of [clientA, clientB, vendor]) await giveIcons(t, account)
  const logo = await t.request({ method: 'GET', url: `${API}/accounts/${clientA.id}` })
  const iconPath = String(logo.json().icon)
  return {
    t,
    operations: { ...t.operations, id: t.operations.accountId },
    clientA,
    clientB,
    vendor,
    iconPath,
  }
}

/** Account, buyer, seller and licensee logos and the member's user icon, uploaded as Operations. */
async function giveIcons(t: TestApp, account: FixtureAccount): Promise<void> {
  const uploads = [
    {
      url: `${API}/accounts/${account.id}`,
      part: 'account',
      value: { name: account.name },
      file: 'logo',
    },
    {
      url: `${API}/buyers/${account.buyerId}`,
      part: 'buyer',
      value: { name: `${account.name} buyer`, address: ADDRESS },
      file: 'logo',
    },
    {
      url: `${API}/sellers/${account.sellerId}`,
      part: 'seller',
      value: { name: `${account.name} seller`, currencies: ['EUR'] },
      file: 'logo',
    },
    {
      url: `${API}/licensees/${account.licenseeId}`,
      part: 'licensee',
      value: { name: `${account.name} licensee` },
      file: 'logo',
    },
    {
      url: `${API}/users/${account.member.userId}`,
      part: 'user',
      value: { firstName: 'Ada' },
      file: 'icon',
    },
  ]
  for (const upload of uploads) {
    const body = await multipartBody(upload.part, upload.value, {
      part: upload.file,
      data: TINY_PNG,
    })
    const res = await t.request({ method: 'PUT', url: upload.url, ...body })
    if (res.statusCode !== 200)
      throw new Error(`icon upload to ${upload.url} failed: ${res.statusCode} ${res.body}`)
  }
}

/** Fresh objects for rows that change or consume what they target. */
export function freshObjects(t: TestApp) {
  const db = t.db.db
  return {
    account: (status: 'Enabled' | 'Active' | 'Disabled') =>
      createAccount(db, { type: 'Client', status }),
    group: (accountId: string) => createUserGroup(db, accountId),
    token: async (accountId: string, status: 'Active' | 'Disabled' = 'Active') =>
      (await createApiToken(db, accountId, { status })).id,
    buyer: async (accountId: string, status = 'Active') => {
      const id = await createBuyer(db, accountId)
      if (status !== 'Active')
        await db.updateTable('buyers').set({ status }).where('id', '=', id).execute()
      return id
    },
    seller: (status: 'Active' | 'Offline' | 'Disabled' = 'Active') => createSeller(db, { status }),
    /** a link of a new buyer of `accountId` with the account's seller */
    erpLink: async (account: FixtureAccount, status: 'Active' | 'Blocked' = 'Active') =>
      createErpLink(db, await createBuyer(db, account.id), account.sellerId, { status }),
    licensee: (account: FixtureAccount, status: 'Enabled' | 'Disabled' = 'Enabled') =>
      createLicensee(db, account.buyerId, account.sellerId, { status }),
    cloudTenant: (accountId: string) => createCloudTenant(db, accountId),
    webhook: (accountId: string, status: 'Enabled' | 'Disabled' = 'Enabled') =>
      createWebhook(db, accountId, { status }),
    webhookDeliveryOf: (webhookId: string) => createWebhookDelivery(db, webhookId),
    /** an account below its webhook limit: the matrix creates many */
    withoutWebhooks: async (accountId: string) => {
      const ids = (
        await db.selectFrom('webhooks').select('id').where('account_id', '=', accountId).execute()
      ).map((r) => r.id)
      if (ids.length === 0) return
      await db.deleteFrom('webhook_deliveries').where('webhook_id', 'in', ids).execute()
      await db.deleteFrom('webhooks').where('id', 'in', ids).execute()
    },
    cloudTenantBody: (accountId: string) => ({
      name: 'New tenant',
      externalIds: { pyraTenantId: randomUUID(), cloudConsumptionId: randomUUID() },
      account: { id: accountId },
    }),
    /** a new Client account of the same organisation (CDG) as `accountId`, for a transfer */
    transferTarget: async (accountId: string) => {
      const cdg = `CDG-${accountId}`
      await db
        .updateTable('accounts')
        .set({ external_id: cdg })
        .where('id', '=', accountId)
        .execute()
      return createAccount(db, { type: 'Client', externalId: cdg })
    },
    /** a pending invitation into `accountId`, in a new group (and `extraGroups` more) */
    invitation: async (accountId: string, extraGroups = 0) => {
      const groupIds = [await createUserGroup(db, accountId)]
      for (let i = 0; i < extraGroups; i++) groupIds.push(await createUserGroup(db, accountId))
      return { ...(await inviteUser(t, { accountId, groupIds })), groupIds }
    },
    /** an Active user of `accountId`, optionally blocked by Operations */
    user: async (accountId: string, blocked = false) => {
      const member = await inviteAndAccept(t, {
        accountId,
        groupIds: [await createUserGroup(db, accountId)],
      })
      if (blocked) {
        const res = await t.request({
          method: 'POST',
          url: `${API}/users/${member.userId}/block`,
          payload: {},
        })
        if (res.statusCode !== 200) throw new Error(`block failed: ${res.statusCode} ${res.body}`)
      }
      return member.userId
    },
    inviteBody: (groupId: string, accountId?: string) =>
      inviteBody(uniqueEmail('matrix'), [groupId], accountId),
  }
}
