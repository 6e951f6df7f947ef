import { validationError } from '../errors.js'
import type { SellerCurrency } from './seller.js'

/** One currency as a client may send it: v4's code, or the SDK's object (decision 26). */
export type CurrencyInput =
  string | { value: string; billingEnabled?: boolean | undefined; isDefault?: boolean | undefined }

/**
 * The currencies to store from what was sent: `currencies` (codes or objects, mixed) or the
 * docs' single `currency`. A code sent bare keeps the flags it had before (`previous`), else
 * none. Duplicates (case-insensitive) and two defaults are refused, naming the field.
 */
export function currenciesFromInput(
  input: { currencies?: CurrencyInput[] | undefined; currency?: string | undefined },
  previous: readonly SellerCurrency[] = [],
): SellerCurrency[] {
  const given = input.currencies ?? (input.currency !== undefined ? [input.currency] : undefined)
  const field = input.currencies ? 'currencies' : 'currency'
  if (!given || given.length === 0) throw validationError({ currencies: ['Required.'] })
  const stored = new Map(previous.map((c) => [c.value.toUpperCase(), c]))
  const seen = new Set<string>()
  const result = given.map((item, index) => {
    const value = (typeof item === 'string' ? item : item.value).trim()
    const key = value.toUpperCase()
    if (!value) throw validationError({ [`${field}[${index}]`]: ['Must not be empty.'] })
    if (seen.has(key)) throw validationError({ [`${field}[${index}]`]: ['Duplicate currency.'] })
    seen.add(key)
    if (typeof item === 'string') {
      const before = stored.get(key)
      return {
        value,
        billingEnabled: before?.billingEnabled ?? false,
        isDefault: before?.isDefault ?? false,
      }
    }
    return {
      value,
      billingEnabled: item.billingEnabled ?? false,
      isDefault: item.isDefault ?? false,
    }
  })
  if (result.filter((c) => c.isDefault).length > 1)
    throw validationError({ [field]: ['Only one currency may be the default.'] })
  return result
}
