import type { Static, TSchema } from '@sinclair/typebox'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { CliError, EXIT } from './cli-errors.js'

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

/** The API's validator settings (app.ts), so the CLI accepts and refuses what the API does. */
const ajv = new Ajv({ coerceTypes: false, allErrors: true, removeAdditional: true, strict: false })
addFormats(ajv)

/** Checks a command's input against the route's own request schema; names each bad field. */
export function validateInput<T extends TSchema>(schema: T, input: unknown): Static<T> {
  const validate = ajv.compile(schema)
  if (validate(input)) return input as Static<T>
  const errors: Record<string, string[]> = {}
  for (const issue of validate.errors ?? []) {
    const missing = (issue.params as { missingProperty?: string }).missingProperty
    const field = [issue.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing]
      .filter(Boolean)
      .join('.')
    ;(errors[field || 'input'] ??= []).push(issue.message ?? 'invalid')
  }
  const names = Object.keys(errors)
  throw new CliError(
    `Invalid input: ${names.map((n) => `${n} ${errors[n]!.join(', ')}`).join('; ')}`,
    EXIT.refused,
    { code: 'VALIDATION_FAILED', errors },
  )
}
