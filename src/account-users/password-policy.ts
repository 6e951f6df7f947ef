import { AppError } from '../errors.js'
import { hasControlCharacters } from '../lib/text-input.js'

/**
 * The portal's policy (§6.5): what the password still needs, empty when it passes. Control
 * characters (NUL, line breaks, DEL…) are refused outright: they are not "special characters",
 * and nobody types them into a sign-in form.
 */
export function passwordShortfalls(password: string): string[] {
  const missing: string[] = []
  if (hasControlCharacters(password)) missing.push('no control characters')
  if (password.length < 8) missing.push('at least 8 characters')
  if (!/\p{Ll}/u.test(password)) missing.push('a lowercase letter')
  if (!/\p{Lu}/u.test(password)) missing.push('an uppercase letter')
  if (!/\p{Nd}/u.test(password)) missing.push('a digit')
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) missing.push('a special character')
  return missing
}

/** Throws PASSWORD_POLICY naming the `password` field and everything it lacks. */
export function assertPasswordPolicy(password: string): void {
  const missing = passwordShortfalls(password)
  if (missing.length === 0) return
  throw new AppError('PASSWORD_POLICY', {
    detail: `The password needs ${missing.join(', ')}.`,
    errors: { password: missing.map((m) => `Needs ${m}.`) },
  })
}
