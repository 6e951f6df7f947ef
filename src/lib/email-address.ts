import { domainToASCII, domainToUnicode } from 'node:url'

/** RFC 5322 dot-atom: printable ASCII without specials, dot-separated, no empty part. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
/** A DNS label in its ASCII (punycode) form: letters, digits, inner hyphens, 1–63 characters. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

/**
 * The one rule every endpoint that takes an email applies: a single bare address
 * `local@domain`, returned normalised (trimmed; an internationalised domain in its canonical
 * Unicode form, lowercase), or undefined when the text is anything else: a display name or angle
 * brackets (`Name <a@b>`), a list (`a@b.com,evil.org`), a quoted or non-ASCII local part, a
 * domain without a dot, an address literal, or line breaks. Mail then goes exactly where the
 * stored identity says.
 */
export function normalizeEmailAddress(text: string): string | undefined {
  const trimmed = text.trim()
  if (trimmed.length > 254) return undefined
  const at = trimmed.indexOf('@')
  if (at <= 0 || at !== trimmed.lastIndexOf('@')) return undefined
  const local = trimmed.slice(0, at)
  if (local.length > 64 || !DOT_ATOM.test(local)) return undefined
  const ascii = domainToASCII(trimmed.slice(at + 1))
  if (!ascii || ascii.length > 253) return undefined
  const labels = ascii.split('.')
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined
  if (/^\d+$/.test(labels[labels.length - 1]!)) return undefined
  return `${local}@${domainToUnicode(ascii)}`
}
