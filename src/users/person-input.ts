import { validationError } from '../errors.js'
import { normalizeEmailAddress } from '../lib/email-address.js'
import { cleanLine } from '../lib/text-input.js'

export const EMAIL_RULE = 'Must be one email address, local@domain: no name, brackets or list.'
export const NAME_RULE = 'Must not be blank or contain control characters.'

/**
 * The checks every endpoint that takes a person's email or names applies, collected so that one
 * 400 names every bad field: `email(field, text)` and `name(field, text)` return the normalised
 * value (undefined in, undefined out), `assertValid()` throws VALIDATION_FAILED if any failed.
 */
export function checkPersonInput() {
  const problems: Record<string, string[]> = {}
  return {
    email(field: string, text: string | null | undefined): string | undefined {
      if (text === undefined || text === null) return undefined
      const email = normalizeEmailAddress(text)
      if (!email) problems[field] = [EMAIL_RULE]
      return email
    },
    name(field: string, text: string | undefined): string | undefined {
      if (text === undefined) return undefined
      const name = cleanLine(text)
      if (!name) problems[field] = [NAME_RULE]
      return name
    },
    assertValid(): void {
      if (Object.keys(problems).length > 0) throw validationError(problems)
    },
  }
}
