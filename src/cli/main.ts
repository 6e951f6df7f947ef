#!/usr/bin/env node
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError } from 'commander'
import type { Clock } from '../lib/clock.js'
import { openContext } from './cli-context.js'
import { describeFailure, EXIT } from './cli-errors.js'
import { registerCommands, type Options, type Run } from './commands.js'
import { createOutput } from './output.js'

/** `accounts <command>`: the admin CLI. Configured by the service's own environment variables. */
export async function runCli(
  argv: string[],
  io: {
    env: Record<string, string | undefined>
    stdout: NodeJS.WriteStream
    stderr: NodeJS.WriteStream
    /** the service's clock (tests pass a fake one) */
    clock?: Clock
  },
): Promise<number> {
  let exitCode: number = EXIT.ok
  const program = new Command('accounts')
    .description('Administer the Accounts service: the same services and rules as its API.')
    .option('--json', 'print the result as JSON')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
  const run: Run =
    (action) =>
    async (...args) => {
      const command = args[args.length - 1] as Command
      const output = createOutput(Boolean(program.opts().json), io)
      const context = openContext(io.env, io.clock)
      try {
        await action(context, output, command.opts<Options>())
      } finally {
        await context.close()
      }
    }
  registerCommands(program, run)
  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    const failure = describeFailure(error)
    exitCode = failure.exitCode
    if (program.opts().json)
      io.stdout.write(
        `${JSON.stringify({ error: failure.message, ...(failure.details ? { details: failure.details } : {}) }, null, 2)}\n`,
      )
    io.stderr.write(`accounts: ${failure.message}\n`)
  }
  return exitCode
}

// Run when executed (bin entry, `npm run cli`), not when imported by a test.
// (npx links the bin entry: compare real paths.)
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  })
  process.exitCode = code
}
