import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import { networkInterfaces } from 'node:os'

/**
 * Where webhooks may go (SSRF): never to private, loopback, link-local, shared (CGNAT),
 * multicast, reserved or documentation ranges, nor to an address of this host or of PUBLIC_URL,
 * unless WEBHOOK_ALLOW_NETWORKS lists the range; `http://` only to a loopback address it allows
 * (local development). The check runs on the addresses a name resolves to at connection time, so
 * a name that later resolves elsewhere (DNS rebinding) is caught where it matters.
 */
export interface AddressPolicy {
  /** why the address may not be reached, or undefined when it may */
  refusalOf(address: string): string | undefined
  /** whether `http://` may be used to reach the address */
  allowsPlainHttp(address: string): boolean
  /** whether a URL's host names this service (PUBLIC_URL's host) */
  isOwnHost(hostname: string): boolean
}

const PRIVATE_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const
const PRIVATE_V6 = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2001::', 23],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const

/** Plain data (a thread of its own builds the same policy from it). */
export interface AddressPolicyOptions {
  allowNetworks: readonly string[]
  /** PUBLIC_URL's host, when it is an address, and anything else that is this service */
  ownAddresses?: readonly string[]
  /** PUBLIC_URL's host name: a webhook to it would call this service */
  ownHostnames?: readonly string[]
}

export function createAddressPolicy(options: AddressPolicyOptions): AddressPolicy {
  const ownNames = new Set((options.ownHostnames ?? []).map((h) => h.toLowerCase()))
  const blocked = new BlockList()
  for (const [address, bits] of PRIVATE_V4) blocked.addSubnet(address, bits, 'ipv4')
  for (const [address, bits] of PRIVATE_V6) blocked.addSubnet(address, bits, 'ipv6')
  const own = new BlockList()
  const hostAddresses = Object.values(networkInterfaces())
    .flat()
    .map((i) => i?.address)
  for (const address of [...hostAddresses, ...(options.ownAddresses ?? [])]) {
    const family = address ? isIP(stripZone(address)) : 0
    if (family) own.addAddress(stripZone(address!), family === 4 ? 'ipv4' : 'ipv6')
  }
  const allowed = new BlockList()
  for (const network of options.allowNetworks) {
    const [address = '', bits = ''] = network.split('/')
    allowed.addSubnet(address, Number(bits), isIP(address) === 4 ? 'ipv4' : 'ipv6')
  }
  const loopback = new BlockList()
  loopback.addSubnet('127.0.0.0', 8, 'ipv4')
  loopback.addAddress('::1', 'ipv6')

  const check = (list: BlockList, address: string) => {
    const plain = unmapped(stripZone(address))
    const family = isIP(plain)
    return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6')
  }
  return {
    refusalOf(address) {
      if (isIP(unmapped(stripZone(address))) === 0) return `${address} is not an IP address`
      if (check(allowed, address)) return undefined
      if (check(own, address)) return `${address} is an address of this service`
      if (check(blocked, address))
        return `${address} is a private, loopback, link-local or reserved address`
      return undefined
    },
    allowsPlainHttp(address) {
      return check(loopback, address) && check(allowed, address)
    },
    isOwnHost(hostname) {
      return ownNames.has(hostname.toLowerCase().replace(/^\[|\]$/g, ''))
    },
  }
}

/** `::ffff:10.0.0.1` is 10.0.0.1. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return match ? match[1]! : address
}

function stripZone(address: string): string {
  return address.replace(/%.*$/, '')
}

export class WebhookAddressError extends Error {
  readonly code = 'EWEBHOOKADDRESS'
}

/**
 * A `lookup` for http(s).request that resolves the name and refuses it when any address it
 * resolves to is refused: the connection is made only to addresses the policy allows.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0)
      const refused = addresses.map((a) => policy.refusalOf(a.address)).find(Boolean)
      if (refused) return callback(new WebhookAddressError(refused), '', 0)
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
      const first = addresses[0]!
      callback(null, first.address, first.family)
    })
  }
}

/** Resolves a URL's host to its addresses (literal addresses as they are). */
export async function resolveHost(hostname: string, timeoutMs: number): Promise<string[]> {
  const bare = hostname.replace(/^\[|\]$/g, '')
  if (isIP(bare)) return [bare]
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`resolving ${bare} timed out`)), timeoutMs)
    dnsLookup(bare, { all: true }, (error, addresses) => {
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(addresses.map((a) => a.address))
    })
  })
}

/**
 * Why a webhook URL may not be registered, or undefined when it may: https (http only to an
 * allowed loopback address), no credentials or fragment in it, and a host that does not resolve
 * to a refused address. A name that does not resolve now is accepted (deliveries check again).
 */
export async function refusalOfWebhookUrl(
  raw: string,
  policy: AddressPolicy,
  resolve: (hostname: string) => Promise<string[]> = (host) => resolveHost(host, 2000),
): Promise<string | undefined> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'It is not an absolute URL.'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'It must be an https:// URL.'
  if (url.username || url.password) return 'It must not carry a user name or password.'
  if (url.hash) return 'It must not have a #fragment.'
  if (policy.isOwnHost(url.hostname)) return 'It must not point at this service.'
  const addresses = await resolve(url.hostname).catch(() => undefined)
  for (const address of addresses ?? []) {
    const refusal = policy.refusalOf(address)
    if (refusal)
      return `Its host resolves to ${refusal.replace(/^\S+ is /, 'an address that is ')}.`
  }
  if (url.protocol === 'http:' && !addresses?.every((a) => policy.allowsPlainHttp(a)))
    return 'It must be an https:// URL (http:// only reaches a loopback address that WEBHOOK_ALLOW_NETWORKS allows).'
  return undefined
}
