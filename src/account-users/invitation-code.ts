import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { AppError, ruleError, validationError } from '../errors.js'
import { idPattern } from '../lib/ids.js'
import { secretsEqual } from '../lib/secrets.js'
import type { AccountUser } from './account-user.js'
import { getAccountUser, type AccountUserDeps, type AccountUserKey } from './account-user-lookup.js'
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
  let accountUser: AccountUser
  if (key) {
    accountUser = await getAccountUser(deps, db, key, undefined)
  } else {
    const id = decoded.accountUserId
    if (!id || !ACCOUNT_USER_ID.test(id)) throw invalid('This invitation link is not valid.')
    try {
      accountUser = await getAccountUser(deps, db, { id }, undefined)
    } catch (error) {
      if (error instanceof AppError && error.code === 'ACCOUNT_USER_NOT_FOUND')
        throw invalid('This invitation link is not valid.')
      throw error
    }
  }
  if (decoded.accountUserId && decoded.accountUserId !== accountUser.id)
    throw invalid('The invitation code belongs to another account user.')
  if (
    !accountUser.sealedSecret ||
    !secretsEqual(deps.box.open(accountUser.sealedSecret), decoded.secret)
  ) {
    throw invalid('The invitation code is wrong or has been replaced by a newer invitation.')
  }
  if (decoded.proof === undefined) return { accountUser, mailboxProven: false }
  if (
    !accountUser.sealedProof ||
    !secretsEqual(deps.box.open(accountUser.sealedProof), decoded.proof)
  ) {
    throw invalid('The invitation link is damaged or has been replaced by a newer invitation.')
  }
  return { accountUser, mailboxProven: true }
}
