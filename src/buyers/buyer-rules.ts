import type { Static } from '@sinclair/typebox'
import type { Kysely, Updateable } from 'kysely'
import { isOperations, type Actor } from '../access/actor.js'
import { findAccountRef } from '../accounts/account-repository.js'
import type { BuyerTable, Database } from '../db/schema.js'
import { ruleError, validationError } from '../errors.js'
import { checkPersonInput } from '../users/person-input.js'
import type { UpdateBuyerBody } from './buyer-schemas.js'

/** The columns of the editable members; ERP external ids are SoftwareOne's to set. */
export function editableColumns(
  input: Static<typeof UpdateBuyerBody>,
  actor: Actor,
): Updateable<BuyerTable> {
  const name = input.name.trim()
  if (!name) throw validationError({ name: ['Must not be empty.'] })
  const json = (value: unknown) =>
    value === null || value === undefined ? null : JSON.stringify(value)
  // The one email rule of every endpoint (issue #12): a single bare address, normalised.
  const check = checkPersonInput()
  const contactEmail = check.email('contact.email', input.contact?.email)
  check.assertValid()
  const contact =
    input.contact && contactEmail ? { ...input.contact, email: contactEmail } : input.contact
  return {
    name,
    address: json(input.address),
    ...(contact !== undefined ? { contact: json(contact) } : {}),
    ...(input.taxId !== undefined ? { tax_id: input.taxId } : {}),
    ...(input.externalIds !== undefined && isOperations(actor)
      ? { external_ids: json(input.externalIds) }
      : {}),
  }
}

/** A buyer's account: it must exist and be a Client account. */
export async function clientAccountOf(trx: Kysely<Database>, accountId: string) {
  const account = await findAccountRef(trx, accountId)
  if (!account) throw validationError({ 'account.id': ['Unknown account.'] })
  if (account.type !== 'Client') {
    throw ruleError(
      'BUYER_ACCOUNT_INVALID',
      `Buyers belong to Client accounts; ${account.id} is a ${account.type} account.`,
      ['account.id'],
      { type: account.type },
    )
  }
  return account
}
