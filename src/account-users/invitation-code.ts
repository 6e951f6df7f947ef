import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import { idPattern } from '../lib/ids.js'
import { secretsEqual } from '../lib/secrets.js'
import type { AccountUser } from './account-user.js'
import {
  findAccountUserRow,
  hydrate,
  type AccountUserDeps,
  type AccountUserKey,
} from './account-user-lookup.js'
import type { AccountUserRow } from './account-user-repository.js'
import { decodeInvitationCode } from './invitation-link.js'

export interface OpenedInvitation {
  accountUser: AccountUser
  /** the code carried the mailbox proof, and it matched: it came from the emailed link */
  mailboxProven: boolean
}

const ACCOUNT_USER_ID = new RegExp(idPattern('accountUser'))

/**
 * The account user an invitation code opens, after checking the code, cheaply and in constant
 * time, before anything else is done for the request (no password is hashed for a wrong code).
 * `key`: the account user the path names; without one (the page), the code must name it.
 * Throws VALIDATION_FAILED without a code, INVITATION_CODE_INVALID for a wrong, replaced or
 * foreign code or a wrong proof, and ACCOUNT_USER_NOT_FOUND for a path naming no account user.
 */
export async function openInvitation(
  deps: AccountUserDeps,
  db: Kysely<Database>,
  key: AccountUserKey | undefined,
  code: string | undefined,
): Promise<OpenedInvitation> {
  if (code === undefined || code.trim() === '')
    throw validationError({ code: ['The invitation code is required.'] })
  const decoded = decodeInvitationCode(code)
  const invalid = (detail: string) => ruleError('INVITATION_CODE_INVALID', detail, ['code'])
  // One row, no groups or modules yet: a wrong code costs a lookup and a decryption, no more.
  let row: AccountUserRow
  if (key) {
    row = await findAccountUserRow(db, key, undefined)
  } else {
    const id = decoded.accountUserId
    if (!id || !ACCOUNT_USER_ID.test(id)) throw invalid('This invitation link is not valid.')
    try {
      row = await findAccountUserRow(db, { id }, undefined)
    } catch (error) {
      if (error instanceof AppError && error.code === 'ACCOUNT_USER_NOT_FOUND')
        throw invalid('This invitation link is not valid.')
      throw error
    }
  }
  if (decoded.accountUserId && decoded.accountUserId !== row.id)
    throw invalid('The invitation code belongs to another account user.')
  if (!row.invitation_secret || !secretsEqual(deps.box.open(row.invitation_secret), decoded.secret))
    throw invalid('The invitation code is wrong or has been replaced by a newer invitation.')
  if (
    decoded.proof !== undefined &&
    (!row.invitation_proof || !secretsEqual(deps.box.open(row.invitation_proof), decoded.proof))
  ) {
    throw invalid('The invitation link is damaged or has been replaced by a newer invitation.')
  }
  return {
    accountUser: await hydrate(deps, db, row),
    mailboxProven: decoded.proof !== undefined,
  }
}
