import type { Kysely } from 'kysely'
import { visibleAccountId, type Actor } from '../access/actor.js'
import { parseJson } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import { ruleError } from '../errors.js'
import { sellerVisibleTo } from '../sellers/seller-repository.js'
import { DEFAULT_ELIGIBILITY, type LicenseeEligibility, type StoredContact } from './licensee.js'

/**
 * The references of a licensee body (§11.8, decision 39): a referenced object that does not exist
 * or that the caller cannot see is a 400 naming the field, never a 404 that would reveal it.
 */

/** The buyer the licensee is for: visible to the caller, neither Disabled nor Deleted. */
export async function usableBuyer(trx: Kysely<Database>, actor: Actor, id: string) {
  const scope = visibleAccountId(actor)
  let query = trx
    .selectFrom('buyers')
    .select(['id', 'account_id', 'status'])
    .where('id', '=', id)
    .where('status', '!=', 'Deleted')
  if (scope) query = query.where('account_id', '=', scope)
  const buyer = await query.executeTakeFirst()
  if (!buyer || buyer.status === 'Disabled') {
    throw ruleError(
      'LICENSEE_BUYER_INVALID',
      buyer ? `The buyer ${id} is Disabled.` : `No buyer ${id} is visible to you.`,
      ['buyer.id'],
    )
  }
  return { id: buyer.id, accountId: buyer.account_id }
}

/** The seller: visible to the caller (§11.9), neither Disabled nor Deleted. */
export async function usableSeller(trx: Kysely<Database>, actor: Actor, id: string) {
  const scope = visibleAccountId(actor)
  let query = trx
    .selectFrom('sellers as s')
    .select(['s.id', 's.status'])
    .where('s.id', '=', id)
    .where('s.status', '!=', 'Deleted')
  if (scope) query = query.where((eb) => sellerVisibleTo(eb, scope))
  const seller = await query.executeTakeFirst()
  if (!seller || seller.status === 'Disabled') {
    throw ruleError(
      'LICENSEE_SELLER_INVALID',
      seller ? `The seller ${id} is Disabled.` : `No seller ${id} is visible to you.`,
      ['seller.id'],
    )
  }
  return { id: seller.id }
}

/** `account`, when sent, must be the buyer's account. */
export function assertBuyerAccount(given: { id: string } | undefined, buyerAccountId: string) {
  if (given && given.id !== buyerAccountId) {
    throw ruleError(
      'LICENSEE_ACCOUNT_INVALID',
      `The licensee belongs to the buyer's account ${buyerAccountId}, not ${given.id}.`,
      ['account.id'],
    )
  }
}

/** The contact to store; `contact.user` must be a user of the account. */
export async function contactToStore(
  trx: Kysely<Database>,
  accountId: string,
  contact: {
    firstName?: string | null | undefined
    lastName?: string | null | undefined
    email?: string | null | undefined
    phone?: { prefix?: string | null | undefined; number?: string | null | undefined } | null
    user?: { id: string } | null | undefined
  } | null,
): Promise<StoredContact | null> {
  if (!contact) return null
  const userId = contact.user?.id ?? null
  if (userId) {
    const member = await trx
      .selectFrom('account_users')
      .select('id')
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    if (!member) {
      throw ruleError(
        'LICENSEE_CONTACT_INVALID',
        `The user ${userId} is not a user of the account ${accountId}.`,
        ['contact.user.id'],
      )
    }
  }
  return {
    firstName: contact.firstName?.trim() || null,
    lastName: contact.lastName?.trim() || null,
    email: contact.email ?? null,
    phone: contact.phone ?? null,
    userId,
  }
}

/** Decision 37: defaults filled in; `partner` only for an account eligible for partner business. */
export async function eligibilityToStore(
  trx: Kysely<Database>,
  accountId: string,
  given: { client?: boolean | undefined; partner?: boolean | undefined } | null,
  previous: LicenseeEligibility = DEFAULT_ELIGIBILITY,
): Promise<LicenseeEligibility> {
  const eligibility = given
    ? { client: given.client ?? previous.client, partner: given.partner ?? previous.partner }
    : DEFAULT_ELIGIBILITY
  if (eligibility.partner) {
    const account = await trx
      .selectFrom('accounts')
      .select('eligibility')
      .where('id', '=', accountId)
      .executeTakeFirst()
    const accountEligibility = parseJson<{ partner?: boolean } | null>(account?.eligibility, null)
    if (accountEligibility?.partner !== true) {
      throw ruleError(
        'LICENSEE_PARTNER_NOT_ELIGIBLE',
        `The account ${accountId} is not eligible for partner (resale) licensees.`,
        ['eligibility.partner'],
      )
    }
  }
  return eligibility
}
