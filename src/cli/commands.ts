import type { Command } from 'commander'
import { CreateAccountBody } from '../accounts/account-schemas.js'
import { CreateAccountUserBody } from '../account-users/account-user-schemas.js'
import { CreateApiTokenBody } from '../api-tokens/api-token-schemas.js'
import { migrateStepByStep } from '../db/migrate.js'
import { rotateSecretKey } from '../db/rotate-secret-key.js'
import { createSecretBox } from '../lib/secrets.js'
import { CliError, EXIT } from './cli-errors.js'
import { operationsActor, type CliContext } from './cli-context.js'
import type { Output } from './output.js'
import { validateInput } from './validate-input.js'

export type Options = Record<string, string | string[] | undefined>

/** Wraps a command's work: open the context, run, close; failures are reported by main.ts. */
export type Run = (
  action: (context: CliContext, output: Output, options: Options) => Promise<void>,
) => (...args: unknown[]) => Promise<void>

const list = (value: string, previous: string[] = []) => [...previous, value]

/** Every command calls the services the API calls, with the input checked by the API's schema. */
export function registerCommands(program: Command, run: Run): void {
  program
    .command('migrate')
    .description('apply pending database migrations (the service also does at start)')
    .action(
      run(async (context, output) => {
        const bar = output.progress('migrate')
        const applied = await migrateStepByStep(context.database.db, (_name, done, total) =>
          bar.update(done, total),
        )
        bar.stop()
        output.result({ applied }, [
          applied.length === 0
            ? 'The database is up to date.'
            : `Applied ${applied.length} migration(s): ${applied.join(', ')}`,
        ])
      }),
    )

  program
    .command('rotate-key')
    .description(
      're-seal every stored secret under SECRET_KEY, reading with SECRET_KEY_PREVIOUS ' +
        '(resumable: run it again after an interruption)',
    )
    .option('--batch-size <n>', 'rows per transaction', '500')
    .action(
      run(async (context, output, options) => {
        const { secretKey, previousSecretKey } = context.config
        if (!previousSecretKey || !secretKey)
          throw new CliError(
            'Set SECRET_KEY to the new key and SECRET_KEY_PREVIOUS to the key in use until now.',
            EXIT.usage,
          )
        const batchSize = Number(options.batchSize)
        if (!Number.isInteger(batchSize) || batchSize < 1)
          throw new CliError('--batch-size must be a positive integer', EXIT.usage)
        let bar: ReturnType<Output['progress']> | undefined
        let current = ''
        const result = await rotateSecretKey(
          context.database.db,
          { from: createSecretBox(previousSecretKey), to: createSecretBox(secretKey) },
          {
            batchSize,
            onProgress: ({ table, column, done, total }) => {
              if (current !== `${table}.${column}`) {
                bar?.stop()
                current = `${table}.${column}`
                bar = output.progress(`rotate-key ${current}`)
              }
              bar!.update(done, total)
            },
          },
        )
        bar?.stop()
        output.result(result, [
          `Re-sealed ${result.rotated} value(s) under the new key; ` +
            `${result.alreadyRotated} already were; ${result.changedMeanwhile} changed meanwhile.`,
          ...(result.unreadable.length > 0
            ? [
                `Neither key opens ${result.unreadable.length} value(s): ${result.unreadable.slice(0, 10).join(', ')}`,
              ]
            : [
                'Every sealed value now opens with SECRET_KEY: SECRET_KEY_PREVIOUS can be dropped.',
              ]),
        ])
        if (result.unreadable.length > 0)
          throw new CliError('Some values could not be re-sealed.', EXIT.incomplete, result)
      }),
    )

  program
    .command('create-account')
    .description('create an account')
    .requiredOption('--name <name>', 'the account name')
    .requiredOption('--type <type>', 'Client, Vendor or Operations')
    .option('--service-level <level>', 'the service level', 'NotApplicable')
    .option('--external-id <id>', 'the external id')
    .action(
      run(async (context, output, options) => {
        const input = validateInput(CreateAccountBody, {
          name: options.name,
          type: options.type,
          serviceLevel: options.serviceLevel,
          ...(options.externalId ? { externalId: options.externalId } : {}),
        })
        const actor = await operationsActor(context)
        const created = (await context.services.accounts.create({ ...input, actor })) as {
          id: string
          name: string
        }
        output.result(created, [`Created account ${created.id} (${created.name}).`])
      }),
    )

  program
    .command('create-token')
    .description('create an API token; its secret is printed once')
    .requiredOption('--account <id>', 'the account the token belongs to')
    .requiredOption('--name <name>', 'the token name')
    .option('--description <text>', 'what the token is for')
    .option('--module <id>', 'a module the token may use (repeat)', list)
    .action(
      run(async (context, output, options) => {
        const modules = options.module as string[] | undefined
        const input = validateInput(CreateApiTokenBody, {
          account: { id: options.account },
          name: options.name,
          ...(options.description ? { description: options.description } : {}),
          ...(modules ? { modules: modules.map((id) => ({ id })) } : {}),
        })
        const actor = await operationsActor(context)
        const token = (await context.services.apiTokens.create({ ...input, actor })) as {
          id: string
          token?: string
        }
        output.result(token, [
          `Created API token ${token.id}. Its secret is shown once; store it now:`,
          '',
          `  ${token.token ?? ''}`,
          '',
        ])
      }),
    )

  program
    .command('invite')
    .description('invite a user into an account (the invitation is emailed)')
    .requiredOption('--account <id>', 'the account')
    .requiredOption('--email <email>', "the invitee's email")
    .requiredOption('--first-name <name>', 'first name')
    .requiredOption('--last-name <name>', 'last name')
    .requiredOption('--group <id>', 'a user group of the account (repeat)', list)
    .action(
      run(async (context, output, options) => {
        const input = validateInput(CreateAccountUserBody, {
          user: { email: options.email, firstName: options.firstName, lastName: options.lastName },
          groups: (options.group as string[]).map((id) => ({ id })),
        })
        const actor = await operationsActor(context)
        const accountId = String(options.account)
        await context.services.accountUsers.assertAccountExists({ actor, accountId })
        const view = await context.services.invitations.invite({ ...input, accountId, actor })
        const member = withoutLink(await context.services.accountUsers.present('account', view))
        output.result(member, [
          `Invited ${String(options.email)} as ${String(member.id)} into ${accountId}; ` +
            'the link goes to their email.',
        ])
      }),
    )

  program
    .command('send-new-invite')
    .description('send an account user a new invitation (the old link stops working)')
    .requiredOption('--account <id>', 'the account')
    .requiredOption('--user <id>', 'the user (USR-…) or account user (AUSR-…)')
    .action(
      run(async (context, output, options) => {
        const actor = await operationsActor(context)
        const key = { accountId: String(options.account), id: String(options.user) }
        await context.services.accountUsers.assertExists({ actor, key })
        const view = await context.services.invitations.sendNewInvite({ actor, key })
        const member = withoutLink(await context.services.accountUsers.present('account', view))
        output.result(member, [`Sent a new invitation to ${String(member.id)}.`])
      }),
    )

  program
    .command('list-users')
    .description("list an account's users, filtered with RQL")
    .requiredOption('--account <id>', 'the account')
    .option('--filter <rql>', 'an RQL expression, e.g. "eq(invitation.status,Invited)"')
    .option('--order <keys>', 'sort keys, e.g. -audit.created.at')
    .option('--limit <n>', 'page size (at most 100)', '100')
    .option('--offset <n>', 'records to skip', '0')
    .action(
      run(async (context, output, options) => {
        const actor = await operationsActor(context)
        const accountId = String(options.account)
        await context.services.accountUsers.assertAccountExists({ actor, accountId })
        const query = [
          `limit=${encodeURIComponent(String(options.limit))}`,
          `offset=${encodeURIComponent(String(options.offset))}`,
          ...(options.order ? [`order=${String(options.order)}`] : []),
          ...(options.filter ? [String(options.filter)] : []),
        ].join('&')
        const page = JSON.parse(
          await context.services.accountUsers.listJson(
            { actor, family: 'account', accountId, rawQuery: query },
            (body) => JSON.stringify(body),
          ),
        ) as {
          $meta: { pagination: { total: number } }
          data: Array<Record<string, unknown>>
        }
        const rows = page.data.map((u) => {
          const invitation = (u.invitation ?? {}) as { status?: string }
          return `${String(u.id)}  ${String(u.email)}  ${String(u.name ?? '')}  ${invitation.status ?? String(u.status ?? '')}`
        })
        output.result({ ...page, data: page.data.map(withoutLink) }, [
          ...rows,
          `${page.data.length} of ${page.$meta.pagination.total}`,
        ])
      }),
    )
}

/**
 * The invitation link is the invitee's credential: the CLI never prints it (it goes by email),
 * so whoever runs a command never holds it.
 */
function withoutLink(member: unknown): Record<string, unknown> {
  const copy = { ...(member as Record<string, unknown>) }
  if (copy.invitation && typeof copy.invitation === 'object') {
    const { url: _url, ...invitation } = copy.invitation as Record<string, unknown>
    copy.invitation = invitation
  }
  return copy
}
