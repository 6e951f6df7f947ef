import type { Operation } from '../../src/access/permissions.js'
import { API } from './access-fixture.js'
import type { Snapshot } from './ownership.js'

/** mulberry32: a small seeded PRNG, so a failing run can be replayed from its seed. */
export function seededRandom(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    chance: (p: number) => next() < p,
    int: (n: number) => Math.floor(next() * n),
    pick<T>(items: readonly T[]): T | undefined {
      return items.length === 0 ? undefined : items[Math.floor(next() * items.length)]
    },
  }
}

export type Random = ReturnType<typeof seededRandom>

export interface RandomRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  url: string
  payload?: object
  operation: Operation
  /** the path names an object of another account: 404 (or 403 by type), never anything else */
  foreign: boolean
  /** the body names another account's object: refused with 400 or 404 */
  bodyForeign: boolean
}

export interface Scene {
  snapshot: Snapshot
  caller: string
  accounts: string[]
  /** the accounts calling in this phase: their users may be invited by each other (decision 10) */
  callers: string[]
  /** tokens the accounts call with: never disabled or deleted by their own account */
  callingTokens: Set<string>
  sequence: number
}

const rowsOf = (
  scene: Scene,
  table: 'account_users' | 'user_groups' | 'buyers' | 'api_tokens' | 'licensees',
  accountId: string,
) => [...scene.snapshot[table].values()].filter((r) => r.account_id === accountId)

/** An account's ERP links: those of its buyers. */
const linksOf = (scene: Scene, accountId: string) =>
  [...scene.snapshot.erp_links.values()].filter(
    (l) => scene.snapshot.buyers.get(String(l.buyer_id))?.account_id === accountId,
  )

/** Whether `accountId` may see the seller (§11.9): from its live buyers' links or live licensees. */
const seesSeller = (scene: Scene, accountId: string, sellerId: unknown) =>
  scene.snapshot.sellers.get(String(sellerId))?.status !== 'Deleted' &&
  (linksOf(scene, accountId).some(
    (l) =>
      l.seller_id === sellerId &&
      scene.snapshot.buyers.get(String(l.buyer_id))?.status !== 'Deleted',
  ) ||
    rowsOf(scene, 'licensees', accountId).some(
      (l) => l.seller_id === sellerId && l.status !== 'Deleted',
    ))

const LIST_PATHS: Array<[string, Operation]> = [
  ['/accounts', 'accounts.list'],
  ['/users', 'users.list'],
  ['/user-groups', 'userGroups.list'],
  ['/buyers', 'buyers.list'],
  ['/api-tokens', 'apiTokens.list'],
  ['/account-users', 'accountUsers.list'],
  ['/sellers', 'sellers.list'],
  ['/licensees', 'licensees.list'],
  ['/erp-links', 'erpLinks.list'],
  ['/cloud-tenants', 'cloudTenants.list'],
]

/** A random RQL query string: filters on ids of any account, names, status, order, paging, select. */
function randomRql(random: Random, scene: Scene, anyId: () => string): string {
  const filters = [
    () => `eq(id,${anyId()})`,
    () => `eq(account.id,"${random.pick(scene.accounts)}")`,
    () => `in(id,(${anyId()},${anyId()}))`,
    () => `ilike(name,*${random.pick(['a', 'e', 'Client', 'Group', 'o'])}*)`,
    () => `ne(status,Disabled)`,
    () => `any(groups,eq(id,${anyId()}))`,
    () => `or(eq(id,${anyId()}),eq(account.id,${random.pick(scene.accounts)}))`,
  ]
  const parts: string[] = []
  if (random.chance(0.7)) parts.push(random.pick(filters)!())
  if (random.chance(0.3)) parts.push(`order=${random.pick(['name', '-id', '-audit.created.at'])}`)
  if (random.chance(0.3)) parts.push(`limit=${random.int(50)}&offset=${random.int(5)}`)
  if (random.chance(0.3))
    parts.push(`select=${random.pick(['audit', '+audit', '-*,id', 'account,audit'])}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

/** One random request by `scene.caller`, on its own account or (often) on another's. */
export function randomRequest(random: Random, scene: Scene): RandomRequest | undefined {
  const { caller } = scene
  const foreign = random.chance(0.4)
  const target = foreign ? random.pick(scene.accounts.filter((a) => a !== caller))! : caller
  const other = random.pick(scene.accounts.filter((a) => a !== caller))!
  const allIds = [
    ...scene.snapshot.accounts.keys(),
    ...scene.snapshot.account_users.keys(),
    ...scene.snapshot.user_groups.keys(),
    ...scene.snapshot.buyers.keys(),
    ...scene.snapshot.api_tokens.keys(),
    ...scene.snapshot.users.keys(),
    ...scene.snapshot.sellers.keys(),
    ...scene.snapshot.licensees.keys(),
    ...scene.snapshot.erp_links.keys(),
  ]
  const anyId = () => random.pick(allIds)!
  const members = rowsOf(scene, 'account_users', target)
  const groups = rowsOf(scene, 'user_groups', target)
  const buyers = rowsOf(scene, 'buyers', target)
  const tokens = rowsOf(scene, 'api_tokens', target).filter(
    (t) => foreign || !scene.callingTokens.has(String(t.id)),
  )
  const member = random.pick(members)
  const group = random.pick(groups)
  const buyer = random.pick(buyers)
  const token = random.pick(tokens)
  const foreignGroup = random.pick(rowsOf(scene, 'user_groups', other))
  const plain = { foreign, bodyForeign: false }
  /** A user the caller's account shares (invited there too) is the caller's as well. */
  const sharedWithCaller = (userId: unknown) =>
    rowsOf(scene, 'account_users', caller).some((m) => m.user_id === userId)
  const userForeign = member !== undefined && foreign && !sharedWithCaller(member.user_id)
  let memberForeign = foreign
  const memberPath = (m: Record<string, unknown>) => {
    const byUserId = random.chance(0.5)
    const id = byUserId ? String(m.user_id) : String(m.id)
    // The path's account may be the caller's own while the user is another account's.
    const pathAccount = random.chance(0.8) ? target : caller
    const family = random.int(3)
    memberForeign =
      foreign && !(family < 2 && byUserId && pathAccount === caller && sharedWithCaller(m.user_id))
    return [
      `${API}/accounts/${pathAccount}/users/${id}`,
      `${API}/${pathAccount}/users/${id}`,
      `${API}/account-users/${String(m.id)}`,
    ][family]!
  }
  scene.sequence += 1
  // Now and then the email of another calling account's user: the user becomes shared, and
  // what the other account did to it (its audit) must still not show.
  const peer = random.pick(scene.callers.filter((a) => a !== caller))
  const peerUserId =
    random.chance(0.15) && peer
      ? random.pick(rowsOf(scene, 'account_users', peer))?.user_id
      : undefined
  const email = peerUserId
    ? String(scene.snapshot.users.get(String(peerUserId))?.email)
    : `iso-${scene.sequence}@${caller.toLowerCase()}.example.com`

  if (random.chance(0.25)) return restOfTheApi(random, scene, { foreign, target, other })

  switch (random.int(14)) {
    case 0:
    case 1: {
      const [path, operation] = random.pick(LIST_PATHS)!
      return {
        method: 'GET',
        url: `${API}${path}${randomRql(random, scene, anyId)}`,
        operation,
        foreign: false,
        bodyForeign: false,
      }
    }
    case 2:
      return {
        method: 'GET',
        url: `${API}/accounts/${target}/users${randomRql(random, scene, anyId)}`,
        operation: 'accountUsers.list',
        ...plain,
      }
    case 3: {
      const select = random.chance(0.3) ? '?select=audit' : ''
      const reads: Array<RandomRequest | undefined> = [
        {
          method: 'GET',
          url: `${API}/accounts/${target}${select}`,
          operation: 'accounts.get',
          ...plain,
        },
        member && {
          method: 'GET',
          url: `${memberPath(member)}${select}`,
          operation: 'accountUsers.get',
          bodyForeign: false,
          foreign: memberForeign,
        },
        member && {
          method: 'GET',
          url: `${API}/users/${String(member.user_id)}${select}`,
          operation: 'users.get',
          bodyForeign: false,
          foreign: userForeign,
        },
        group && {
          method: 'GET',
          url: `${API}/user-groups/${String(group.id)}${select}`,
          operation: 'userGroups.get',
          ...plain,
        },
        buyer && {
          method: 'GET',
          url: `${API}/buyers/${String(buyer.id)}${select}`,
          operation: 'buyers.get',
          ...plain,
        },
        token && {
          method: 'GET',
          url: `${API}/api-tokens/${String(token.id)}${select}`,
          operation: 'apiTokens.get',
          ...plain,
        },
        member && {
          method: 'GET',
          url: `${memberPath(member)}/groups`,
          operation: 'accountUsers.get',
          bodyForeign: false,
          foreign: memberForeign,
        },
      ]
      return random.pick(reads)
    }
    case 4: {
      // Invite into the target account; sometimes naming a group of another account.
      const useForeignGroup = !foreign && random.chance(0.2)
      const groupId = useForeignGroup ? foreignGroup?.id : group?.id
      if (!groupId) return undefined
      const body = {
        user: { email, firstName: 'Iso', lastName: `Late ${scene.sequence}` },
        groups: [{ id: String(groupId) }],
        invitation: { status: 'Invited' },
      }
      const legacy = random.chance(0.3)
      return {
        method: 'POST',
        url: legacy ? `${API}/account-users` : `${API}/accounts/${target}/users`,
        payload: legacy ? { ...body, account: { id: target } } : body,
        operation: 'accountUsers.invite',
        foreign: foreign && !legacy,
        bodyForeign: useForeignGroup || (foreign && legacy),
      }
    }
    case 5: {
      if (!member) return undefined
      const useForeignGroup = !foreign && random.chance(0.25)
      const groupId = String((useForeignGroup ? foreignGroup : group)?.id ?? 'UGR-0000-0000')
      const path = memberPath(member)
      const choice = random.int(3)
      const request: RandomRequest =
        choice === 0
          ? {
              method: 'POST',
              url: `${path}/groups`,
              payload: { id: groupId },
              operation: 'accountUsers.groups',
              foreign: memberForeign,
              bodyForeign: useForeignGroup,
            }
          : choice === 1
            ? {
                method: 'PUT',
                url: `${path}/groups`,
                payload: [{ id: groupId }],
                operation: 'accountUsers.groups',
                foreign: memberForeign,
                bodyForeign: useForeignGroup,
              }
            : {
                method: 'DELETE',
                url: `${path}/groups/${groupId}`,
                operation: 'accountUsers.groups',
                foreign: memberForeign,
                bodyForeign: useForeignGroup,
              }
      return request
    }
    case 6:
      return (
        member && {
          method: 'POST',
          url: `${memberPath(member)}/${random.pick(['resend-invite', 'send-new-invite'])}`,
          payload: {},
          operation: 'accountUsers.invitation',
          bodyForeign: false,
          foreign: memberForeign,
        }
      )
    case 7: {
      const namesOther = random.chance(0.3)
      return {
        method: 'POST',
        url: `${API}/api-tokens`,
        payload: {
          name: `Token ${scene.sequence}`,
          ...(namesOther
            ? { account: { id: other } }
            : random.chance(0.5)
              ? { account: { id: caller } }
              : {}),
        },
        operation: 'apiTokens.create',
        foreign: false,
        bodyForeign: namesOther,
      }
    }
    case 8: {
      if (!token) return undefined
      const action = random.pick(['enable', 'disable', 'delete', 'update'])
      if (action === 'delete')
        return {
          method: 'DELETE',
          url: `${API}/api-tokens/${String(token.id)}`,
          operation: 'apiTokens.delete',
          ...plain,
        }
      if (action === 'update')
        return {
          method: 'PUT',
          url: `${API}/api-tokens/${String(token.id)}`,
          payload: { name: `Renamed ${scene.sequence}` },
          operation: 'apiTokens.update',
          ...plain,
        }
      return {
        method: 'POST',
        url: `${API}/api-tokens/${String(token.id)}/${action}`,
        payload: {},
        operation: 'apiTokens.changeStatus',
        ...plain,
      }
    }
    case 9: {
      if (random.chance(0.4)) {
        const namesOther = random.chance(0.3)
        return {
          method: 'POST',
          url: `${API}/user-groups`,
          payload: {
            name: `Group ${scene.sequence}`,
            modules: [{ id: 'MOD-1756' }],
            ...(namesOther ? { account: { id: other } } : {}),
          },
          operation: 'userGroups.create',
          foreign: false,
          bodyForeign: namesOther,
        }
      }
      if (!group) return undefined
      const foreignBuyer = random.pick(rowsOf(scene, 'buyers', other))
      const withBuyer = random.chance(0.3)
        ? foreign
          ? buyer
          : random.chance(0.5)
            ? foreignBuyer
            : random.pick(rowsOf(scene, 'buyers', caller))
        : undefined
      const payload = {
        name: `Group ${scene.sequence}`,
        ...(withBuyer
          ? {
              modules: [{ id: 'MOD-0478' }, { id: 'MOD-1756' }],
              buyers: [{ id: String(withBuyer.id) }],
            }
          : {}),
      }
      return {
        method: 'PUT',
        url: `${API}/user-groups/${String(group.id)}`,
        payload,
        operation: 'userGroups.update',
        foreign,
        bodyForeign: !foreign && withBuyer?.account_id === other,
      }
    }
    case 10: {
      if (!buyer) return undefined
      const { address } = {
        address: {
          addressLine1: '1 Main St',
          postCode: '08001',
          city: 'Barcelona',
          state: 'Catalonia',
          country: 'ES',
        },
      }
      return random.chance(0.8)
        ? {
            method: 'PUT',
            url: `${API}/buyers/${String(buyer.id)}`,
            payload: { name: `Buyer ${scene.sequence}`, address },
            operation: 'buyers.update',
            ...plain,
          }
        : {
            method: 'POST',
            url: `${API}/buyers/${String(buyer.id)}/disable`,
            payload: {},
            operation: 'buyers.disable',
            ...plain,
          }
    }
    case 11:
      return {
        method: 'PUT',
        url: `${API}/accounts/${target}`,
        payload: { name: `Account ${scene.sequence}` },
        operation: 'accounts.update',
        ...plain,
      }
    case 12: {
      if (!member) return undefined
      const user = `${API}/users/${String(member.user_id)}`
      return random.pick<RandomRequest>([
        {
          method: 'PUT',
          url: user,
          payload: { firstName: `Iso${scene.sequence}` },
          operation: 'users.update',
          bodyForeign: false,
          foreign: userForeign,
        },
        {
          method: 'POST',
          url: `${user}/sso-check`,
          payload: {},
          operation: 'users.ssoCheck',
          bodyForeign: false,
          foreign: userForeign,
        },
        {
          method: 'GET',
          url: `${user}/sso-check`,
          operation: 'users.ssoCheck',
          bodyForeign: false,
          foreign: userForeign,
        },
      ])
    }
    default: {
      const removals: Array<RandomRequest | undefined> = [
        member && {
          method: 'DELETE',
          url: memberPath(member),
          operation: 'accountUsers.delete',
          bodyForeign: false,
          foreign: memberForeign,
        },
        group && {
          method: 'DELETE',
          url: `${API}/user-groups/${String(group.id)}`,
          operation: 'userGroups.delete',
          ...plain,
        },
      ]
      return random.pick(removals)
    }
  }
}

/**
 * Issue #13: reads and writes of sellers, licensees, ERP links and transfer details, on the
 * target account's objects (another account's when `foreign`), sometimes naming another
 * account's buyer or seller in a licensee body.
 */
function restOfTheApi(
  random: Random,
  scene: Scene,
  at: { foreign: boolean; target: string; other: string },
): RandomRequest | undefined {
  const { caller } = scene
  const licensee = random.pick(
    rowsOf(scene, 'licensees', at.target).filter((l) => at.foreign || l.status !== 'Deleted'),
  )
  const link = random.pick(linksOf(scene, at.target))
  const buyer = random.pick(rowsOf(scene, 'buyers', at.target))
  const sellers = [...scene.snapshot.sellers.values()].filter((s) =>
    seesSeller(scene, at.target, s.id),
  )
  const seller = random.pick(sellers)
  const plain = { foreign: at.foreign, bodyForeign: false }
  const select = random.chance(0.3) ? '?select=audit' : ''
  switch (random.int(7)) {
    case 0:
      return (
        seller && {
          method: 'GET',
          url: `${API}/sellers/${String(seller.id)}${select}`,
          operation: 'sellers.get',
          bodyForeign: false,
          foreign: !seesSeller(scene, caller, seller.id),
        }
      )
    case 1:
      return (
        licensee && {
          method: 'GET',
          url: `${API}/licensees/${String(licensee.id)}${select}`,
          operation: 'licensees.get',
          ...plain,
        }
      )
    case 2:
      return (
        link && {
          method: 'GET',
          url: `${API}/erp-links/${String(link.id)}${select}`,
          operation: 'erpLinks.get',
          // a link of a deleted buyer is gone for its own account too
          foreign:
            at.foreign || scene.snapshot.buyers.get(String(link.buyer_id))?.status === 'Deleted',
          bodyForeign: false,
        }
      )
    case 3:
      return (
        buyer && {
          method: 'GET',
          url: `${API}/buyers/${String(buyer.id)}/transfer`,
          operation: 'buyers.transferDetails',
          ...plain,
        }
      )
    case 4: {
      // Create a licensee for the caller's buyer, sometimes naming another account's buyer or
      // a seller the caller cannot see.
      const ownBuyer = random.pick(
        rowsOf(scene, 'buyers', caller).filter((b) => b.status === 'Active'),
      )
      const foreignBuyer = random.pick(rowsOf(scene, 'buyers', at.other))
      const ownSeller = random.pick(
        [...scene.snapshot.sellers.values()].filter((s) => seesSeller(scene, caller, s.id)),
      )
      const hiddenSeller = random.pick(
        [...scene.snapshot.sellers.values()].filter((s) => !seesSeller(scene, caller, s.id)),
      )
      const useForeignBuyer = random.chance(0.25) && foreignBuyer !== undefined
      const useHiddenSeller = random.chance(0.25) && hiddenSeller !== undefined
      const buyerId = useForeignBuyer ? foreignBuyer?.id : ownBuyer?.id
      const sellerId = useHiddenSeller ? hiddenSeller?.id : ownSeller?.id
      if (!buyerId || !sellerId) return undefined
      return {
        method: 'POST',
        url: `${API}/licensees`,
        payload: {
          name: `Licensee ${scene.sequence}`,
          buyer: { id: String(buyerId) },
          seller: { id: String(sellerId) },
          useBuyerAddress: true,
        },
        operation: 'licensees.create',
        foreign: false,
        bodyForeign: useForeignBuyer || useHiddenSeller,
      }
    }
    case 5:
      return (
        licensee && {
          method: 'PUT',
          url: `${API}/licensees/${String(licensee.id)}`,
          payload: { name: `Renamed ${scene.sequence}`, description: 'random' },
          operation: 'licensees.update',
          ...plain,
        }
      )
    default: {
      if (!licensee) return undefined
      const action = random.pick(['enable', 'disable', 'delete'])!
      return action === 'delete'
        ? {
            method: 'DELETE',
            url: `${API}/licensees/${String(licensee.id)}`,
            operation: 'licensees.delete',
            ...plain,
          }
        : {
            method: 'POST',
            url: `${API}/licensees/${String(licensee.id)}/${action}`,
            payload: {},
            operation: 'licensees.changeStatus',
            ...plain,
          }
    }
  }
}
