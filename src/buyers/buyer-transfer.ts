import type { Kysely } from 'kysely'
import { actorRef, isOperations, type Actor } from '../access/actor.js'
import { recordAuditEvents } from '../db/audit.js'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { moveLicenseesOfBuyer } from '../licensees/licensee-repository.js'
import type { Buyer } from './buyer.js'
import { buyerView } from './buyer-presenter.js'
import {
  countLiveLicenseesOfBuyer,
  findTransferAudience,
  moveBuyerToAccount,
  removeBuyerFromGroupsOfAccount,
} from './buyer-repository.js'
import type { GetBuyer } from './buyer-service.js'

type Problem = {
  id: string
  message: string
  properties: string[]
  parameters: Record<string, unknown>
}

/**
 * Transfer (§11.6, decisions 49–51): a buyer moves, with its licensees, to another Client account
 * of the same client organisation (the same `externalId`, the CDG). Users, groups and ERP links
 * are neither moved nor copied; the buyer leaves the source account's groups.
 */
export function createBuyerTransferUseCases(deps: {
  db: Kysely<Database>
  clock: Clock
  getBuyer: GetBuyer
}) {
  const { db, clock, getBuyer } = deps

  /**
   * Every check that fails, one entry each. A non-Operations caller sees only the accounts of
   * its own organisation: any other destination reads as not found, whatever it is.
   */
  async function problemsOf(
    trx: Kysely<Database>,
    actor: Actor,
    buyer: Buyer,
    destinationId: string,
  ): Promise<Problem[]> {
    const problem = (
      id: string,
      message: string,
      parameters: Record<string, unknown> = {},
    ): Problem => ({
      id,
      message,
      properties: id === 'BUYER_STATUS_INVALID' ? ['status'] : ['account.id'],
      parameters,
    })
    const problems: Problem[] = []
    if (buyer.status === 'Deleted')
      problems.push(problem('BUYER_STATUS_INVALID', 'The buyer is Deleted.', { status: 'Deleted' }))
    const accounts = await trx
      .selectFrom('accounts')
      .select(['id', 'type', 'status', 'external_id'])
      .where('id', 'in', [buyer.accountId, destinationId])
      .execute()
    const source = accounts.find((a) => a.id === buyer.accountId)
    const destination = accounts.find((a) => a.id === destinationId)
    const cdg = (account: { external_id: string | null } | undefined) =>
      account?.external_id?.trim() || null
    const sameOrganisation = cdg(source) !== null && cdg(source) === cdg(destination)
    const visible =
      destination !== undefined &&
      (isOperations(actor) || destination.id === buyer.accountId || sameOrganisation)
    if (!destination || !visible) {
      problems.push(
        problem('DESTINATION_NOT_FOUND', `No account ${destinationId} is visible to you.`),
      )
      return problems
    }
    if (destination.type !== 'Client')
      problems.push(
        problem('DESTINATION_NOT_CLIENT', `${destination.id} is a ${destination.type} account.`, {
          type: destination.type,
        }),
      )
    if (destination.status === 'Disabled')
      problems.push(problem('DESTINATION_DISABLED', `${destination.id} is Disabled.`))
    if (destination.id === buyer.accountId)
      problems.push(problem('SAME_ACCOUNT', `The buyer already belongs to ${destination.id}.`))
    if (!sameOrganisation)
      problems.push(
        problem(
          'EXTERNAL_ID_MISMATCH',
          'A buyer moves only between accounts that share one non-empty external id.',
        ),
      )
    return problems
  }

  async function assertTransferable(
    trx: Kysely<Database>,
    actor: Actor,
    buyer: Buyer,
    destinationId: string,
  ) {
    const problems = await problemsOf(trx, actor, buyer, destinationId)
    if (problems.length > 0) {
      throw new AppError('BUYER_TRANSFER_INVALID', {
        detail: `The buyer cannot be transferred to ${destinationId}: ${problems.map((p) => p.id).join(', ')}.`,
        errors: problems,
      })
    }
  }

  return {
    /**
     * `BuyerTransferDetails`: the buyer, what would move and what its users would lose. With a
     * destination, the same checks as the transfer itself (400 when one fails).
     */
    async transferDetails(input: { actor: Actor; id: string; destinationAccountId?: string }) {
      const buyer = await getBuyer(db, input.actor, input.id)
      if (input.destinationAccountId)
        await assertTransferable(db, input.actor, buyer, input.destinationAccountId)
      const [licenseeCount, audience] = await Promise.all([
        countLiveLicenseesOfBuyer(db, buyer.id),
        findTransferAudience(db, buyer.id, buyer.accountId),
      ])
      return {
        ...buyerView(input.actor).present(buyer),
        stats: {
          licenseeCount,
          userGroupCount: audience.groupIds.length,
          userCount: audience.users.length,
          // This service holds no commerce data (decision 49).
          orderCount: 0,
          subscriptionCount: 0,
          agreementCount: 0,
        },
        users: audience.users,
      }
    },

    /** Moves the buyer and its licensees in one transaction, audited (decision 50). */
    async transfer(input: { actor: Actor; id: string; account: { id: string } }) {
      return db.transaction().execute(async (trx) => {
        const buyer = await getBuyer(trx, input.actor, input.id)
        await assertTransferable(trx, input.actor, buyer, input.account.id)
        const now = clock.now()
        const by = actorRef(input.actor)
        const audit = { at: now.toISOString(), by: JSON.stringify(by) }
        const from = buyer.accountId
        const to = input.account.id
        const { groupIds } = await findTransferAudience(trx, buyer.id, from)
        if (!(await moveBuyerToAccount(trx, buyer.id, from, to, audit)))
          throw new AppError('CONCURRENT_UPDATE')
        await removeBuyerFromGroupsOfAccount(trx, buyer.id, groupIds)
        const licensees = await moveLicenseesOfBuyer(trx, buyer.id, to, audit)
        const details = { from: { id: from }, to: { id: to } }
        await recordAuditEvents(trx, [
          { objectType: 'buyer', objectId: buyer.id, accountId: to, event: 'updated', at: now, by },
          {
            objectType: 'buyer',
            objectId: buyer.id,
            accountId: to,
            event: 'transferred',
            at: now,
            by,
            details: { ...details, licensees, userGroups: groupIds },
          },
          ...licensees.map((id) => ({
            objectType: 'licensee',
            objectId: id,
            accountId: to,
            event: 'updated',
            at: now,
            by,
            details,
          })),
        ])
        return buyerView(input.actor).present(await getBuyer(trx, undefined, buyer.id))
      })
    },
  }
}
