import { AppError } from '../errors.js'
import { ConfigError } from '../config.js'

/** Exit codes: 0 done, 1 unexpected failure, 2 usage or configuration, 3 refused, 4 incomplete. */
export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, incomplete: 4 } as const

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

/** What the operator reads, and the exit code, for anything a command threw. */
export function describeFailure(error: unknown): {
  message: string
  exitCode: number
  details?: unknown
} {
  if (error instanceof CliError)
    return { message: error.message, exitCode: error.exitCode, details: error.details }
  if (error instanceof ConfigError) return { message: error.message, exitCode: EXIT.usage }
  if (error instanceof AppError)
    return {
      message: `${error.code}: ${error.message}`,
      exitCode: EXIT.refused,
      details: { code: error.code, status: error.status, errors: error.options.errors },
    }
  return {
    message: (error as Error).stack ?? String(error),
    exitCode: EXIT.failed,
  }
}
