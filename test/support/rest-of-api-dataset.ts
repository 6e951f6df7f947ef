import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'

/**
 * A fixed dataset of sellers, buyers, ERP links, licensees and cloud tenants for the RQL
 * conformance suite (issue #13). Deterministic: ids and values come from the indexes, so a
 * failing case can be replayed. The returned model is what the JavaScript oracles filter.
 */
export interface SeededSeller {
  id: string
  name: string
  externalId: string | null
  status: string
  country: string | null
  createdAt: string
}
export interface SeededLink {
  id: string
  buyerId: string
  buyerName: string
  sellerId: string
  sellerName: string
  sellerExternalId: string | null
  status: string
  erpCustomer: string | null
  city: string | null
  note: string | null
}
export interface SeededLicensee {
  id: string
  accountId: string
  accountName: string
  buyerId: string
  sellerId: string
  sellerExternalId: string | null
  name: string | null
  status: string
  useBuyerAddress: boolean
  partner: boolean
  contactName: string | null
  contactEmail: string | null
  description: string | null
  createdAt: string
}
export interface SeededTenant {
  id: string
  accountId: string
  name: string
  type: string
  status: string
}

const SELLER_NAMES = [
  'SoftwareOne AG',
  'SoftwareOne Spain',
  'Société Générale IT',
  'ÉLAN Sàrl',
  'Nordic Cloud',
]
const STATUSES = ['Active', 'Offline', 'Disabled', 'Deleted'] as const
const COUNTRIES = ['CH', 'ES', 'FR', null] as const
const LICENSEE_STATUSES = ['Enabled', 'Active', 'Disabled', 'Deleted'] as const
const FIRST = ['Ada', 'Zoë', 'Émile', null] as const
const LAST = ['Müller', 'Potts', null] as const
const TYPES = ['CspAzure', 'Csp365', 'AwsDirect'] as const
const at = (day: number) => new Date(Date.UTC(2026, 0, 1 + day, 6)).toISOString()
const pick = <T>(items: readonly T[], i: number): T => items[i % items.length]!
const pad = (n: number) => String(n).padStart(4, '0')

export async function seedRestOfTheApi(db: Kysely<Database>) {
  const accounts = [0, 1, 2, 3].map((i) => ({ id: `ACC-9300-${pad(i)}`, name: `Org ${i}` }))
  await db
    .insertInto('accounts')
    .values(
      accounts.map((a, i) => ({
        ...a,
        type: 'Client' as const,
        status: 'Active' as const,
        eligibility: JSON.stringify({ client: true, partner: i % 2 === 0 }),
        created_at: at(0),
      })),
    )
    .execute()

  const sellers: SeededSeller[] = Array.from({ length: 40 }, (_, i) => ({
    id: `SEL-9300-${pad(i)}`,
    name: `${pick(SELLER_NAMES, i)} ${i}`,
    externalId: i % 5 === 0 ? null : `SWO_${pad(i)}`,
    status: pick(STATUSES, i),
    country: pick(COUNTRIES, i),
    createdAt: at(i % 9),
  }))
  await db
    .insertInto('sellers')
    .values(
      sellers.map((s) => ({
        id: s.id,
        name: s.name,
        external_id: s.externalId,
        external_id_key: s.externalId?.toLowerCase() ?? null,
        icon: null,
        status: s.status as 'Active',
        currencies: JSON.stringify([{ value: 'EUR', billingEnabled: true, isDefault: true }]),
        address: s.country
          ? JSON.stringify({
              addressLine1: '1 Street',
              postCode: '1000',
              city: 'City',
              state: 'State',
              country: s.country,
            })
          : null,
        created_at: s.createdAt,
      })),
    )
    .execute()

  const buyers = Array.from({ length: 12 }, (_, i) => ({
    id: `BUY-9300-${pad(i)}`,
    name: i % 3 === 0 ? `Stark Corp ${i}` : `Wayne Holdings ${i}`,
    account: accounts[i % accounts.length]!,
    status: i % 4 === 0 ? 'Enabled' : 'Active',
  }))
  await db
    .insertInto('buyers')
    .values(
      buyers.map((b) => ({
        id: b.id,
        account_id: b.account.id,
        name: b.name,
        status: b.status,
        created_at: at(0),
      })),
    )
    .execute()

  const links: SeededLink[] = []
  buyers.forEach((buyer, b) => {
    for (let k = 0; k < 4; k++) {
      const seller = sellers[(b * 3 + k * 7) % sellers.length]!
      const n = links.length
      links.push({
        id: `ERP-9300-0000-${pad(n)}`,
        buyerId: buyer.id,
        buyerName: buyer.name,
        sellerId: seller.id,
        sellerName: seller.name,
        sellerExternalId: seller.externalId,
        status: n % 3 === 0 ? 'Blocked' : 'Active',
        erpCustomer: n % 2 === 0 ? `SCU-${pad(n)}` : null,
        city: n % 4 === 0 ? 'Zürich' : n % 4 === 1 ? 'Madrid' : null,
        note: n % 5 === 0 ? 'credit hold' : null,
      })
    }
  })
  await db
    .insertInto('erp_links')
    .values(
      links.map((l) => ({
        id: l.id,
        buyer_id: l.buyerId,
        seller_id: l.sellerId,
        status: l.status as 'Active',
        external_ids: l.erpCustomer ? JSON.stringify({ erpCustomer: l.erpCustomer }) : null,
        address: l.city
          ? JSON.stringify({
              addressLine1: '1',
              postCode: '1',
              city: l.city,
              state: 'S',
              country: 'CH',
            })
          : null,
        note: l.note,
        created_at: at(0),
      })),
    )
    .execute()

  const licensees: SeededLicensee[] = links.flatMap((link, n) =>
    Array.from({ length: 2 }, (_, k) => {
      const i = n * 2 + k
      const buyer = buyers.find((b) => b.id === link.buyerId)!
      const first = pick(FIRST, i)
      const last = pick(LAST, i + 1)
      return {
        id: `LCE-9300-0000-${pad(i)}`,
        accountId: buyer.account.id,
        accountName: buyer.account.name,
        buyerId: buyer.id,
        sellerId: link.sellerId,
        sellerExternalId: link.sellerExternalId,
        name: i % 7 === 0 ? null : `Department ${i}`,
        status: pick(LICENSEE_STATUSES, i),
        useBuyerAddress: i % 3 !== 0,
        partner: i % 5 === 0,
        contactName: [first, last].filter(Boolean).join(' ') || null,
        contactEmail: i % 2 === 0 ? `dept${i}@example.com` : null,
        description: i % 4 === 0 ? 'Purchasing' : null,
        createdAt: at(i % 11),
      }
    }),
  )
  await db
    .insertInto('licensees')
    .values(
      licensees.map((l, i) => ({
        id: l.id,
        account_id: l.accountId,
        buyer_id: l.buyerId,
        seller_id: l.sellerId,
        name: l.name,
        status: l.status as 'Active',
        use_buyer_address: l.useBuyerAddress ? 1 : 0,
        address: null,
        description: l.description,
        contact:
          l.contactName || l.contactEmail
            ? JSON.stringify({
                firstName: pick(FIRST, i),
                lastName: pick(LAST, i + 1),
                email: l.contactEmail,
              })
            : null,
        eligibility: JSON.stringify({ client: true, partner: l.partner }),
        created_at: l.createdAt,
      })),
    )
    .execute()

  const tenants: SeededTenant[] = Array.from({ length: 20 }, (_, i) => ({
    id: `CLT-9300-${pad(i)}`,
    accountId: accounts[i % accounts.length]!.id,
    name: `${pick(TYPES, i)} tenant ${i}`,
    type: pick(TYPES, i),
    status: pick(['Active', 'Disabled', 'Deleted'] as const, i),
  }))
  await db
    .insertInto('cloud_tenants')
    .values(
      tenants.map((c, i) => ({
        id: c.id,
        account_id: c.accountId,
        name: c.name,
        status: c.status as 'Active',
        type: c.type,
        pyra_tenant_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        cloud_consumption_id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
        created_at: at(0),
      })),
    )
    .execute()

  return { accounts, sellers, buyers, links, licensees, tenants }
}
