import { AppError } from '../errors.js'

export type TokenKind = 'word' | 'string' | '(' | ')' | ',' | '=' | '&'

/** One lexical unit; `start`/`end` are offsets into the percent-decoded query text. */
export interface Token {
  kind: TokenKind
  text: string
  start: number
  end: number
}

export interface LexedQuery {
  /** the percent-decoded query text that token offsets point into */
  text: string
  tokens: Token[]
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const PUNCTUATION = new Set(['(', ')', ',', '='])
const QUOTES = new Set(['"', "'"])
const STRING_ESCAPES = new Set(['"', "'", '\\'])

export function rqlSyntaxError(term: string, message: string): AppError {
  return new AppError('RQL_INVALID', {
    detail: message,
    errors: { [term === '' ? 'query' : term]: [message] },
  })
}

/**
 * Percent-decodes the raw query string. A `+` stays a plus (no form decoding): the SDK sends
 * `select=+audit` and `order=+name` unencoded. Each decoded character remembers whether it was
 * percent-encoded, so that `%26` is a literal ampersand rather than a term separator.
 */
export function decodeQuery(raw: string): { text: string; isEncoded: boolean[] } {
  let text = ''
  const isEncoded: boolean[] = []
  let i = 0
  while (i < raw.length) {
    if (!isEscape(raw, i)) {
      text += raw[i]
      isEncoded.push(false)
      i++
      continue
    }
    const start = i
    const bytes: number[] = []
    while (isEscape(raw, i)) {
      bytes.push(Number.parseInt(raw.slice(i + 1, i + 3), 16))
      i += 3
    }
    let chunk: string
    try {
      chunk = utf8.decode(Uint8Array.from(bytes))
    } catch {
      throw rqlSyntaxError('query', `Invalid UTF-8 in percent-encoding at position ${start}.`)
    }
    text += chunk
    for (let k = 0; k < chunk.length; k++) isEncoded.push(true)
  }
  return { text, isEncoded }
}

/** `%` followed by two hex digits; any other `%` is literal, as in ASP.NET's URL decoding. */
function isEscape(raw: string, at: number): boolean {
  return raw[at] === '%' && /^[0-9A-Fa-f]{2}$/.test(raw.slice(at + 1, at + 3))
}

/**
 * Splits the decoded query into tokens. An unencoded `&` outside parentheses and quotes
 * separates terms; inside parentheses it is an ordinary character of a bare word. Quotes start a
 * string only at the beginning of a value (`O'Brien` is one bare word). Bare words may contain
 * inner spaces; surrounding whitespace is dropped.
 */
export function lexQuery(raw: string): LexedQuery {
  const { text, isEncoded } = decodeQuery(raw)
  // PostgreSQL text cannot hold NUL, and lone surrogates cannot be encoded: refuse both early.
  const bad = /\u0000|\p{Cs}/u.exec(text)
  if (bad) throw rqlSyntaxError('query', `Invalid character at position ${bad.index}.`)
  const tokens: Token[] = []
  let depth = 0
  let i = 0
  const isSeparator = (at: number) => text[at] === '&' && depth === 0 && !isEncoded[at]
  while (i < text.length) {
    const ch = text[i] as string
    if (/\s/.test(ch)) {
      i++
    } else if (isSeparator(i)) {
      tokens.push({ kind: '&', text: ch, start: i, end: i + 1 })
      i++
    } else if (PUNCTUATION.has(ch)) {
      if (ch === '(') depth++
      if (ch === ')' && depth > 0) depth--
      tokens.push({ kind: ch as TokenKind, text: ch, start: i, end: i + 1 })
      i++
    } else if (QUOTES.has(ch)) {
      const token = readString(text, i)
      tokens.push(token)
      i = token.end
    } else {
      const start = i
      while (i < text.length && !PUNCTUATION.has(text[i] as string) && !isSeparator(i)) i++
      const word = text.slice(start, i).trimEnd()
      tokens.push({ kind: 'word', text: word, start, end: start + word.length })
    }
  }
  return { text, tokens }
}

/** Reads a quoted string; `\'`, `\"` and `\\` are escapes, any other backslash is literal. */
function readString(text: string, start: number): Token {
  const quote = text[start]
  let value = ''
  let i = start + 1
  while (i < text.length) {
    const ch = text[i] as string
    if (ch === quote) return { kind: 'string', text: value, start, end: i + 1 }
    const next = text[i + 1]
    if (ch === '\\' && next !== undefined && STRING_ESCAPES.has(next)) {
      value += next
      i += 2
    } else {
      value += ch
      i++
    }
  }
  throw rqlSyntaxError(
    text.slice(start, start + 40),
    `Unterminated string starting at position ${start}.`,
  )
}
