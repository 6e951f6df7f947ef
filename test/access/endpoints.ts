import type { Operation } from '../../src/access/permissions.js'
import { nextClientAddress, STRONG_PASSWORD } from '../support/account-users.js'
import { ADDRESS, type Fixture, type FixtureAccount, type freshObjects } from './access-fixture.js'

export interface RowContext {
  fx: Fixture
  /** the account whose object the request targets */
  owner: FixtureAccount
  fresh: ReturnType<typeof freshObjects>
  callerIsOperations: boolean
}

/** What the request fills in: the path's `{placeholders}`, the body, extra headers. */
export interface Call {
  params?: Record<string, string>
  payload?: unknown
  headers?: Record<string, string>
  /** the client address (each invitee accepts from their own device; the default is 127.0.0.1) */
  remoteAddress?: string
}

export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** relative to `prefix` (default `/public/v1/accounts`); `{name}` is filled from `Call.params` */
  path: string
  prefix?: string
  /** undefined only for routes without an operation (public pages, icons, health) */
  operation?: Operation
  /** `public`: no token needed, and one sent is not read */
  auth?: 'public'
  /** only the user themself may do it (issue #12): every API token is refused with 403 */
  selfOnly?: boolean
  success: number
  /** names an object of one account (in the path or the body), so another account's can be tried */
  targetsObject: boolean
  /** the answer for another account's object when it is not 404 (body references are 400) */
  foreignStatus?: number
  call(ctx: RowContext): Promise<Call> | Call
}

const own = (ctx: RowContext) => ctx.owner
const SEND_NEW_AFTER_EXPIRY_MS = 8 * 24 * 3600 * 1000

/** The three account-user path families of §5.2 (decision 1). */
function accountUserEndpoints(family: 'sdk' | 'v4' | 'legacy'): Endpoint[] {
  const base =
    family === 'sdk'
      ? '/accounts/{accountId}/users'
      : family === 'v4'
        ? '/{accountId}/users'
        : '/account-users'
  const item = family === 'legacy' ? `${base}/{id}` : `${base}/{userId}`
  const scoped = family !== 'legacy'
  const key = (invited: {
    accountId: string
    userId: string
    accountUserId: string
  }): Record<string, string> =>
    scoped
      ? { accountId: invited.accountId, userId: invited.userId }
      : { id: invited.accountUserId }
  const fresh = async (ctx: RowContext, extraGroups = 0) =>
    ctx.fresh.invitation(own(ctx).id, extraGroups)
  const endpoints: Endpoint[] = [
    {
      method: 'GET',
      path: base,
      operation: 'accountUsers.list',
      success: 200,
      targetsObject: scoped,
      call: (ctx) => ({ params: { accountId: own(ctx).id } }),
    },
    {
      method: 'POST',
      path: base,
      operation: 'accountUsers.invite',
      success: 201,
      targetsObject: true,
      call: (ctx) => ({
        params: { accountId: own(ctx).id },
        payload: ctx.fresh.inviteBody(own(ctx).groupId, scoped ? undefined : own(ctx).id),
      }),
    },
    {
      method: 'GET',
      path: item,
      operation: 'accountUsers.get',
      success: 200,
      targetsObject: true,
      call: (ctx) => ({ params: key(own(ctx).invited) }),
    },
    {
      method: 'DELETE',
      path: item,
      operation: 'accountUsers.delete',
      success: 204,
      targetsObject: true,
      call: async (ctx) => ({ params: key(await fresh(ctx)) }),
    },
    {
      method: 'GET',
      path: `${item}/groups`,
      operation: 'accountUsers.get',
      success: 200,
      targetsObject: true,
      call: (ctx) => ({ params: key(own(ctx).invited) }),
    },
    {
      method: 'GET',
      path: `${item}/groups/{groupId}`,
      operation: 'accountUsers.get',
      success: 200,
      targetsObject: true,
      call: (ctx) => ({ params: { ...key(own(ctx).invited), groupId: own(ctx).groupId } }),
    },
    {
      method: 'POST',
      path: `${item}/groups`,
      operation: 'accountUsers.groups',
      success: 200,
      targetsObject: true,
      call: async (ctx) => ({
        params: key(await fresh(ctx)),
        payload: { id: await ctx.fresh.group(own(ctx).id) },
      }),
    },
    {
      method: 'PUT',
      path: `${item}/groups`,
      operation: 'accountUsers.groups',
      success: 200,
      targetsObject: true,
      call: async (ctx) => ({
        params: key(await fresh(ctx)),
        payload: [{ id: await ctx.fresh.group(own(ctx).id) }],
      }),
    },
    {
      method: 'GET',
      path: `${item}/groups/{groupId}`,
      operation: 'accountUsers.get',
      success: 200,
      targetsObject: true,
      call: (ctx) => ({ params: { ...key(own(ctx).invited), groupId: own(ctx).groupId } }),
    },
    {
      method: 'DELETE',
      path: `${item}/groups/{groupId}`,
      operation: 'accountUsers.groups',
      success: 204,
      targetsObject: true,
      call: async (ctx) => {
        const invited = await fresh(ctx, 1)
        return { params: { ...key(invited), groupId: invited.groupIds[1]! } }
      },
    },
    {
      method: 'POST',
      path: `${item}/resend-invite`,
      operation: 'accountUsers.invitation',
      success: 200,
      targetsObject: true,
      call: async (ctx) => ({ params: key(await fresh(ctx)), payload: {} }),
    },
    {
      method: 'POST',
      path: `${item}/send-new-invite`,
      operation: 'accountUsers.invitation',
      success: 200,
      targetsObject: true,
      call: async (ctx) => {
        const invited = await fresh(ctx)
        ctx.fx.t.clock.advance(SEND_NEW_AFTER_EXPIRY_MS)
        return { params: key(invited), payload: {} }
      },
    },
    // The invitee's own call: public, a token sent along is ignored (issue #12), so every caller
    // holding the emailed link succeeds, whatever its account.
    {
      method: 'POST',
      path: `${item}/accept-invite`,
      auth: 'public',
      success: 200,
      targetsObject: true,
      call: async (ctx) => {
        const invited = await fresh(ctx)
        return {
          params: key(invited),
          payload: { code: invited.code, password: STRONG_PASSWORD },
          remoteAddress: nextClientAddress(),
        }
      },
    },
  ]
  if (scoped) {
    endpoints.push({
      method: 'PUT',
      path: item,
      operation: 'accountUsers.update',
      success: 200,
      targetsObject: true,
      call: (ctx) => ({ params: key(own(ctx).invited), payload: { user: { firstName: 'Grace' } } }),
    })
  }
  return endpoints
}

/** Account status actions change the account, so Operations acts on a fresh one. */
function accountAction(
  action: string,
  status: 'Enabled' | 'Active' | 'Disabled',
  payload: object = {},
): Endpoint {
  return {
    method: 'POST',
    path: `/accounts/{id}/${action}`,
    operation: 'accounts.changeStatus',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({
      params: { id: ctx.callerIsOperations ? await ctx.fresh.account(status) : own(ctx).id },
      payload,
    }),
  }
}

function buyerAction(
  action: string,
  status: string,
  operation: Operation,
  payload?: (ctx: RowContext) => object,
): Endpoint {
  return {
    method: 'POST',
    path: `/buyers/{id}/${action}`,
    operation,
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({
      params: { id: await ctx.fresh.buyer(own(ctx).id, status) },
      payload: payload?.(ctx) ?? {},
    }),
  }
}

function userAction(
  action: string,
  blocked: boolean,
  method: 'POST' | 'DELETE' = 'POST',
): Endpoint {
  return {
    method,
    path: action ? `/users/{id}/${action}` : '/users/{id}',
    operation: action ? 'users.block' : 'users.delete',
    success: method === 'DELETE' ? 204 : 200,
    targetsObject: true,
    call: async (ctx) => ({
      params: { id: await ctx.fresh.user(own(ctx).id, blocked) },
      ...(method === 'POST' ? { payload: {} } : {}),
    }),
  }
}

/** Seller status actions change the seller, so each acts on a fresh one in the right status. */
function sellerAction(action: string, status: 'Active' | 'Offline'): Endpoint {
  return {
    method: 'POST',
    path: `/sellers/{id}/${action}`,
    operation: 'sellers.changeStatus',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.seller(status) }, payload: {} }),
  }
}

function licenseeAction(action: string, status: 'Enabled' | 'Disabled'): Endpoint {
  return {
    method: 'POST',
    path: `/licensees/{id}/${action}`,
    operation: 'licensees.changeStatus',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({
      params: { id: await ctx.fresh.licensee(own(ctx), status) },
      payload: {},
    }),
  }
}

function erpLinkAction(action: string, status: 'Active' | 'Blocked'): Endpoint {
  return {
    method: 'POST',
    path: `/erp-links/{id}/${action}`,
    operation: 'erpLinks.block',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({
      params: { id: await ctx.fresh.erpLink(own(ctx), status) },
      payload: { note: 'matrix' },
    }),
  }
}

/** Issue #13: sellers, licensees, ERP links, cloud tenants and the remaining buyer actions. */
const REST_OF_THE_API: Endpoint[] = [
  {
    method: 'POST',
    path: '/sellers',
    operation: 'sellers.create',
    success: 201,
    targetsObject: false,
    call: () => ({ payload: { name: 'New seller', currencies: ['EUR'] } }),
  },
  {
    method: 'GET',
    path: '/sellers',
    operation: 'sellers.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/sellers/{id}',
    operation: 'sellers.get',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).sellerId } }),
  },
  {
    method: 'PUT',
    path: '/sellers/{id}',
    operation: 'sellers.update',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({
      params: { id: own(ctx).sellerId },
      payload: { name: `${own(ctx).name} seller`, currencies: ['EUR'] },
    }),
  },
  {
    method: 'DELETE',
    path: '/sellers/{id}',
    operation: 'sellers.delete',
    success: 204,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.seller() } }),
  },
  sellerAction('activate', 'Offline'),
  sellerAction('deactivate', 'Active'),
  sellerAction('disable', 'Active'),
  {
    method: 'GET',
    path: '/sellers/{id}/icon',
    auth: 'public',
    success: 307,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).sellerId } }),
  },

  {
    method: 'POST',
    path: '/licensees',
    operation: 'licensees.create',
    success: 201,
    targetsObject: true,
    foreignStatus: 400,
    call: (ctx) => ({
      payload: {
        buyer: { id: own(ctx).buyerId },
        seller: { id: own(ctx).sellerId },
        useBuyerAddress: true,
      },
    }),
  },
  {
    method: 'GET',
    path: '/licensees',
    operation: 'licensees.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/licensees/{id}',
    operation: 'licensees.get',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).licenseeId } }),
  },
  {
    method: 'PUT',
    path: '/licensees/{id}',
    operation: 'licensees.update',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).licenseeId }, payload: { name: 'Renamed licensee' } }),
  },
  {
    method: 'DELETE',
    path: '/licensees/{id}',
    operation: 'licensees.delete',
    success: 204,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.licensee(own(ctx)) } }),
  },
  licenseeAction('enable', 'Disabled'),
  licenseeAction('disable', 'Enabled'),
  {
    method: 'GET',
    path: '/licensees/{id}/icon',
    auth: 'public',
    success: 307,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).licenseeId } }),
  },

  {
    method: 'POST',
    path: '/erp-links',
    operation: 'erpLinks.create',
    success: 201,
    targetsObject: false,
    call: async (ctx) => ({
      payload: {
        buyer: { id: await ctx.fresh.buyer(own(ctx).id) },
        seller: { id: own(ctx).sellerId },
      },
    }),
  },
  {
    method: 'GET',
    path: '/erp-links',
    operation: 'erpLinks.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/erp-links/{id}',
    operation: 'erpLinks.get',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).erpLinkId } }),
  },
  {
    method: 'PUT',
    path: '/erp-links/{id}',
    operation: 'erpLinks.update',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).erpLinkId }, payload: { note: 'matrix' } }),
  },
  erpLinkAction('block', 'Active'),
  erpLinkAction('unblock', 'Blocked'),

  {
    method: 'POST',
    path: '/cloud-tenants',
    operation: 'cloudTenants.create',
    success: 201,
    targetsObject: false,
    call: (ctx) => ({ payload: ctx.fresh.cloudTenantBody(own(ctx).id) }),
  },
  {
    method: 'GET',
    path: '/cloud-tenants',
    operation: 'cloudTenants.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/cloud-tenants/{id}',
    operation: 'cloudTenants.get',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).cloudTenantId } }),
  },
  {
    method: 'PUT',
    path: '/cloud-tenants/{id}',
    operation: 'cloudTenants.update',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).cloudTenantId }, payload: { name: 'Renamed' } }),
  },
  {
    method: 'DELETE',
    path: '/cloud-tenants/{id}',
    operation: 'cloudTenants.delete',
    success: 204,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.cloudTenant(own(ctx).id) } }),
  },

  {
    method: 'POST',
    path: '/buyers/{id}/validate',
    operation: 'buyers.validate',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({
      params: { id: own(ctx).buyerId },
      payload: { account: { id: own(ctx).id } },
    }),
  },
  {
    method: 'GET',
    path: '/buyers/{id}/transfer',
    operation: 'buyers.transferDetails',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).buyerId } }),
  },
  {
    method: 'POST',
    path: '/buyers/{id}/transfer',
    operation: 'buyers.transfer',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({
      params: { id: await ctx.fresh.buyer(own(ctx).id) },
      payload: { account: { id: await ctx.fresh.transferTarget(own(ctx).id) } },
    }),
  },
  {
    method: 'POST',
    path: '/buyers/{id}/synchronize',
    operation: 'buyers.synchronize',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).buyerId } }),
  },
  {
    method: 'POST',
    path: '/users/{id}/sso',
    operation: 'users.sso',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).member.userId }, payload: {} }),
  },
]

const acceptForm = (code: string) =>
  new URLSearchParams({
    code,
    firstName: 'Ada',
    lastName: 'Lovelace',
    password: STRONG_PASSWORD,
    confirm: STRONG_PASSWORD,
  }).toString()

export const ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/healthz',
    prefix: '',
    auth: 'public',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/accept-invite?code={code}',
    prefix: '',
    auth: 'public',
    success: 200,
    targetsObject: false,
    call: async (ctx) => ({
      params: { code: encodeURIComponent((await ctx.fresh.invitation(own(ctx).id)).code) },
    }),
  },
  {
    method: 'POST',
    path: '/accept-invite',
    prefix: '',
    auth: 'public',
    success: 200,
    targetsObject: false,
    call: async (ctx) => ({
      payload: acceptForm((await ctx.fresh.invitation(own(ctx).id)).code),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: nextClientAddress(),
    }),
  },
  {
    method: 'GET',
    path: '/icons/{iconId}',
    auth: 'public',
    success: 200,
    targetsObject: false,
    call: (ctx) => ({ params: { iconId: ctx.fx.iconPath.split('/').pop()! } }),
  },

  {
    method: 'POST',
    path: '/accounts',
    operation: 'accounts.create',
    success: 201,
    targetsObject: false,
    call: () => ({ payload: { name: 'New client', type: 'Client', serviceLevel: 'Express' } }),
  },
  {
    method: 'GET',
    path: '/accounts',
    operation: 'accounts.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/accounts/{id}',
    operation: 'accounts.get',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).id } }),
  },
  {
    method: 'PUT',
    path: '/accounts/{id}',
    operation: 'accounts.update',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).id }, payload: { name: own(ctx).name } }),
  },
  accountAction('enable', 'Disabled'),
  accountAction('disable', 'Active'),
  accountAction('activate', 'Enabled', { externalId: 'CDG-0001', name: 'Activated client' }),
  accountAction('deactivate', 'Active'),
  accountAction('validate', 'Active'),
  {
    method: 'GET',
    path: '/accounts/{id}/icon',
    auth: 'public',
    success: 307,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).id } }),
  },

  ...accountUserEndpoints('sdk'),
  ...accountUserEndpoints('v4'),
  ...accountUserEndpoints('legacy'),

  {
    method: 'POST',
    path: '/api-tokens',
    operation: 'apiTokens.create',
    success: 201,
    targetsObject: true,
    foreignStatus: 400,
    call: (ctx) => ({ payload: { name: 'New token', account: { id: own(ctx).id } } }),
  },
  {
    method: 'GET',
    path: '/api-tokens',
    operation: 'apiTokens.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/api-tokens/{id}',
    operation: 'apiTokens.get',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).otherTokenId } }),
  },
  {
    method: 'PUT',
    path: '/api-tokens/{id}',
    operation: 'apiTokens.update',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).otherTokenId }, payload: { name: 'Renamed token' } }),
  },
  {
    method: 'DELETE',
    path: '/api-tokens/{id}',
    operation: 'apiTokens.delete',
    success: 204,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.token(own(ctx).id) } }),
  },
  {
    method: 'POST',
    path: '/api-tokens/{id}/enable',
    operation: 'apiTokens.changeStatus',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({
      params: { id: await ctx.fresh.token(own(ctx).id, 'Disabled') },
      payload: {},
    }),
  },
  {
    method: 'POST',
    path: '/api-tokens/{id}/disable',
    operation: 'apiTokens.changeStatus',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.token(own(ctx).id) }, payload: {} }),
  },

  {
    method: 'POST',
    path: '/buyers',
    operation: 'buyers.create',
    success: 201,
    targetsObject: true,
    foreignStatus: 400,
    call: (ctx) => ({
      payload: { name: 'New buyer', address: ADDRESS, account: { id: own(ctx).id } },
    }),
  },
  {
    method: 'GET',
    path: '/buyers',
    operation: 'buyers.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/buyers/{id}',
    operation: 'buyers.get',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).buyerId } }),
  },
  {
    method: 'PUT',
    path: '/buyers/{id}',
    operation: 'buyers.update',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({
      params: { id: own(ctx).buyerId },
      payload: { name: `${own(ctx).name} buyer`, address: ADDRESS },
    }),
  },
  {
    method: 'DELETE',
    path: '/buyers/{id}',
    operation: 'buyers.manage',
    success: 204,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.buyer(own(ctx).id) } }),
  },
  buyerAction('enable', 'Disabled', 'buyers.manage'),
  buyerAction('disable', 'Active', 'buyers.disable'),
  buyerAction('deactivate', 'Active', 'buyers.manage'),
  buyerAction('activate', 'Enabled', 'buyers.manage', (ctx) => ({
    account: { id: own(ctx).id },
    externalIds: { erpCustomer: 'ERP-1' },
  })),
  {
    method: 'GET',
    path: '/buyers/{id}/icon',
    auth: 'public',
    success: 307,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).buyerId } }),
  },

  {
    method: 'GET',
    path: '/modules',
    operation: 'modules.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/modules/{id}',
    operation: 'modules.get',
    success: 200,
    targetsObject: false,
    call: () => ({ params: { id: 'MOD-1756' } }),
  },

  {
    method: 'GET',
    path: '/users',
    operation: 'users.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/users/{id}',
    operation: 'users.get',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).member.userId } }),
  },
  {
    method: 'PUT',
    path: '/users/{id}',
    operation: 'users.update',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).member.userId }, payload: { firstName: 'Ada' } }),
  },
  userAction('', true, 'DELETE'),
  userAction('block', false),
  userAction('unblock', true),
  {
    method: 'POST',
    path: '/users/{id}/set-password',
    operation: 'users.setPassword',
    selfOnly: true,
    success: 200,
    targetsObject: true,
    call: (ctx) => ({
      params: { id: own(ctx).member.userId },
      payload: { password: STRONG_PASSWORD },
    }),
  },
  {
    method: 'GET',
    path: '/users/{id}/sso-check',
    operation: 'users.ssoCheck',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).member.userId } }),
  },
  {
    method: 'POST',
    path: '/users/{id}/sso-check',
    operation: 'users.ssoCheck',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).member.userId }, payload: {} }),
  },
  {
    method: 'GET',
    path: '/users/{id}/icon',
    auth: 'public',
    success: 307,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).member.userId } }),
  },

  {
    method: 'POST',
    path: '/user-groups',
    operation: 'userGroups.create',
    success: 201,
    targetsObject: true,
    foreignStatus: 400,
    call: (ctx) => ({
      payload: { name: 'New group', modules: [{ id: 'MOD-1756' }], account: { id: own(ctx).id } },
    }),
  },
  {
    method: 'GET',
    path: '/user-groups',
    operation: 'userGroups.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/user-groups/{id}',
    operation: 'userGroups.get',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({ params: { id: own(ctx).groupId } }),
  },
  {
    method: 'PUT',
    path: '/user-groups/{id}',
    operation: 'userGroups.update',
    success: 200,
    targetsObject: true,
    call: (ctx) => ({
      params: { id: own(ctx).groupId },
      payload: { name: `${own(ctx).name} group` },
    }),
  },
  {
    method: 'DELETE',
    path: '/user-groups/{id}',
    operation: 'userGroups.delete',
    success: 204,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.group(own(ctx).id) } }),
  },

  ...REST_OF_THE_API,
  // Webhooks (our extension, issue #15): an account's administrators, or Operations for any.
  {
    method: 'POST',
    path: '/webhooks',
    prefix: '/public/v1/notifications',
    operation: 'webhooks.create',
    success: 201,
    targetsObject: true,
    call: async (ctx) => {
      await ctx.fresh.withoutWebhooks(own(ctx).id)
      return {
        payload: {
          url: 'https://hooks.example.com/accounts',
          events: ['account-user.*'],
          account: { id: own(ctx).id },
        },
      }
    },
  },
  {
    method: 'GET',
    path: '/webhooks',
    prefix: '/public/v1/notifications',
    operation: 'webhooks.list',
    success: 200,
    targetsObject: false,
    call: () => ({}),
  },
  {
    method: 'GET',
    path: '/webhooks/{id}',
    prefix: '/public/v1/notifications',
    operation: 'webhooks.get',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.webhook(own(ctx).id) } }),
  },
  {
    method: 'PUT',
    path: '/webhooks/{id}',
    prefix: '/public/v1/notifications',
    operation: 'webhooks.update',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({
      params: { id: await ctx.fresh.webhook(own(ctx).id) },
      payload: { description: 'renamed' },
    }),
  },
  {
    method: 'DELETE',
    path: '/webhooks/{id}',
    prefix: '/public/v1/notifications',
    operation: 'webhooks.delete',
    success: 204,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.webhook(own(ctx).id) } }),
  },
  {
    method: 'POST',
    path: '/webhooks/{id}/disable',
    prefix: '/public/v1/notifications',
    operation: 'webhooks.changeStatus',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.webhook(own(ctx).id) }, payload: {} }),
  },
  {
    method: 'POST',
    path: '/webhooks/{id}/enable',
    prefix: '/public/v1/notifications',
    operation: 'webhooks.changeStatus',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({
      params: { id: await ctx.fresh.webhook(own(ctx).id, 'Disabled') },
      payload: {},
    }),
  },
  {
    method: 'GET',
    path: '/webhooks/{id}/deliveries',
    prefix: '/public/v1/notifications',
    operation: 'webhooks.deliveries',
    success: 200,
    targetsObject: true,
    call: async (ctx) => ({ params: { id: await ctx.fresh.webhook(own(ctx).id) } }),
  },
  {
    method: 'POST',
    path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    prefix: '/public/v1/notifications',
    operation: 'webhooks.redeliver',
    success: 202,
    targetsObject: true,
    call: async (ctx) => {
      const webhookId = await ctx.fresh.webhook(own(ctx).id)
      const deliveryId = await ctx.fresh.webhookDeliveryOf(webhookId)
      return { params: { id: webhookId, deliveryId }, payload: {} }
    },
  },
]
