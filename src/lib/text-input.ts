/** C0 and C1 control characters (line breaks and tabs among them) and lone UTF-16 surrogates. */
const CONTROL_OR_SURROGATE = /[\p{Cc}\p{Cs}]/u

export function hasControlCharacters(text: string): boolean {
  return CONTROL_OR_SURROGATE.test(text)
}

/**
 * A one-line piece of text a person typed (a first or last name): trimmed, or undefined when
 * nothing but whitespace is left or it holds control characters.
 */
export function cleanLine(text: string): string | undefined {
  const trimmed = text.trim()
  if (trimmed === '' || hasControlCharacters(trimmed)) return undefined
  return trimmed
}
