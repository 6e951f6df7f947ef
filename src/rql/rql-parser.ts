import { AppError } from '../errors.js'
import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type ListQuery,
  type OrderItem,
  type RqlNode,
  type RqlValue,
  type SelectItem,
} from './rql-ast.js'
import { lexQuery, rqlSyntaxError, type Token } from './rql-lexer.js'

export type { ListQuery, OrderItem, RqlNode, RqlValue, SelectItem } from './rql-ast.js'

export const DEFAULT_LIMIT = 10
export const MAX_LIMIT = 100
/** Deeper nesting than any real client sends; the cap keeps recursion bounded. */
const MAX_DEPTH = 32
/**
 * Caps per query. SQLite refuses expression trees deeper than 1000, which a long flat `and`
 * reaches; the value cap bounds the number of bound parameters.
 */
const MAX_CONDITIONS = 200
const MAX_VALUES = 1000
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/
const RESERVED = new Set(['select', 'order', 'ordering', 'limit', 'offset'])

interface Budget {
  conditions: number
  values: number
}

interface Term {
  tokens: Token[]
  /** the decoded text of the term, used to name it in errors */
  source: string
}

/**
 * Parses the raw query string of a list request (everything after `?`, not form-decoded).
 * Filter terms are AND-ed; `select`, `order` (alias `ordering`), `limit` and `offset` are
 * parameters. Throws RQL_INVALID or RQL_PAGINATION_INVALID (400) for malformed input.
 */
export function parseListQuery(rawQuery: string): ListQuery {
  const filters: RqlNode[] = []
  const query: ListQuery = { select: [], order: [], limit: DEFAULT_LIMIT, offset: 0 }
  const budget: Budget = { conditions: MAX_CONDITIONS, values: MAX_VALUES }
  for (const term of splitTerms(rawQuery)) {
    const name = reservedName(term)
    const values = term.tokens.slice(2)
    if (name === 'select') query.select.push(...parseSelect(term, values))
    else if (name === 'order' || name === 'ordering') query.order.push(...parseOrder(term, values))
    else if (name === 'limit') query.limit = Math.min(parseCount(name, values), MAX_LIMIT)
    else if (name === 'offset') query.offset = parseCount(name, values)
    else filters.push(parseFilterTerm(term, budget))
  }
  if (filters.length === 1) query.filter = filters[0]
  if (filters.length > 1) query.filter = { op: 'and', args: filters }
  return query
}

/** For by-id reads: only `select` means anything; other terms are ignored. */
export function parseSelectOnly(rawQuery: string): SelectItem[] {
  return splitTerms(rawQuery)
    .filter((term) => reservedName(term) === 'select')
    .flatMap((term) => parseSelect(term, term.tokens.slice(2)))
}

function splitTerms(rawQuery: string): Term[] {
  const { text, tokens } = lexQuery(rawQuery)
  const terms: Term[] = []
  let current: Token[] = []
  for (const token of [...tokens, undefined]) {
    if (token && token.kind !== '&') {
      current.push(token)
      continue
    }
    const first = current[0]
    const last = current[current.length - 1]
    if (first && last) terms.push({ tokens: current, source: text.slice(first.start, last.end) })
    current = []
  }
  return terms
}

function reservedName(term: Term): string | undefined {
  const [name, equals] = term.tokens
  if (name?.kind === 'word' && equals?.kind === '=' && RESERVED.has(name.text)) return name.text
  return undefined
}

/** The comma-separated words of `select=` / `order=`; empty items are skipped. */
function listWords(term: Term, tokens: Token[]): Token[] {
  const words: Token[] = []
  let needsComma = false
  for (const token of tokens) {
    if (token.kind === ',') {
      needsComma = false
      continue
    }
    if (needsComma || token.kind !== 'word') throw unexpected(term, token)
    words.push(token)
    needsComma = true
  }
  return words
}

function splitSign(text: string): { sign: '+' | '-' | ''; path: string } {
  const sign = text[0] === '+' || text[0] === '-' ? text[0] : ''
  return { sign, path: text.slice(sign.length) }
}

function parseSelect(term: Term, tokens: Token[]): SelectItem[] {
  return listWords(term, tokens).map((word) => {
    const { sign, path } = splitSign(word.text)
    const mode = sign === '-' ? 'remove' : 'add'
    if (path === '*' && mode === 'remove') return { mode, path }
    return { mode, path: checkPath(term, word, path) }
  })
}

function parseOrder(term: Term, tokens: Token[]): OrderItem[] {
  return listWords(term, tokens).map((word) => {
    const { sign, path } = splitSign(word.text)
    return { path: checkPath(term, word, path), direction: sign === '-' ? 'desc' : 'asc' }
  })
}

function parseCount(name: string, tokens: Token[]): number {
  const [token, extra] = tokens
  const isValue = token?.kind === 'word' || token?.kind === 'string'
  const text = token && isValue && !extra ? token.text : ''
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN
  // A huge limit is capped like any other; a huge offset cannot be honoured.
  const isValid = name === 'limit' ? !Number.isNaN(value) : Number.isSafeInteger(value)
  if (!isValid) {
    const message = `${name} must be a non-negative integer.`
    throw new AppError('RQL_PAGINATION_INVALID', { detail: message, errors: { [name]: [message] } })
  }
  return value
}

function checkPath(term: Term, token: Token, path: string): string {
  if (!PATH.test(path)) {
    throw rqlSyntaxError(term.source, `Invalid property name "${path}" at position ${token.start}.`)
  }
  return path
}

function unexpected(term: Term, token: Token | undefined, wanted?: string): AppError {
  const found = token ? `"${token.text}" at position ${token.start}` : 'the end of the term'
  const reason = wanted ? `Expected ${wanted} but found ${found}.` : `Unexpected ${found}.`
  return rqlSyntaxError(term.source, reason)
}

function parseFilterTerm(term: Term, budget: Budget): RqlNode {
  const [name, equals, value, open] = term.tokens
  const isShortcut = name?.kind === 'word' && equals?.kind === '='
  const isCallValue = value?.kind === 'word' && open?.kind === '('
  if (isShortcut && isCallValue && value.text !== 'null' && value.text !== 'empty') {
    // `rql=eq(a,b)`: the expression belongs directly in the query string (§4.1).
    throw rqlSyntaxError(term.source, 'Invalid equals shortcut expression.')
  }
  const parser = new TermParser(term, budget)
  const node = parser.condition(0)
  parser.expectEnd()
  return node
}

/** Recursive descent over the tokens of one `&`-separated filter term. */
class TermParser {
  private index = 0

  constructor(
    private readonly term: Term,
    private readonly budget: Budget,
  ) {}

  condition(depth: number): RqlNode {
    if (depth > MAX_DEPTH) {
      throw rqlSyntaxError(this.term.source, 'The expression is nested too deeply.')
    }
    if (--this.budget.conditions < 0) {
      throw rqlSyntaxError(
        this.term.source,
        `The query has more than ${MAX_CONDITIONS} conditions.`,
      )
    }
    const name = this.take('word', 'an operator or a property')
    if (this.skip('=')) {
      return { op: 'eq', field: checkPath(this.term, name, name.text), value: this.value() }
    }
    this.take('(', '"("')
    const op = name.text
    if (op === 'and' || op === 'or') {
      const args = [this.condition(depth + 1)]
      while (this.skip(',')) args.push(this.condition(depth + 1))
      this.take(')', '"," or ")"')
      return { op, args }
    }
    if (op === 'not') {
      const arg = this.condition(depth + 1)
      this.take(')', '")"')
      return { op, arg }
    }
    if (!isFieldOperator(op)) {
      throw rqlSyntaxError(this.term.source, `Unknown operator "${op}" at position ${name.start}.`)
    }
    const fieldToken = this.take('word', 'a property')
    const field = checkPath(this.term, fieldToken, fieldToken.text)
    this.take(',', '","')
    if (op === 'any' || op === 'all') {
      const condition = this.condition(depth + 1)
      this.take(')', '")"')
      return { op, field, condition }
    }
    if (op === 'in' || op === 'out') return { op, field, values: this.valueList() }
    const value = this.value()
    this.take(')', '")"')
    return { op, field, value }
  }

  expectEnd(): void {
    const token = this.peek()
    if (token) throw unexpected(this.term, token)
  }

  /** `in(f,(a,b))` or the flat form `in(f,a,b)`; consumes the call's closing parenthesis. */
  private valueList(): RqlValue[] {
    const isNested = this.skip('(')
    const values = [this.value()]
    while (this.skip(',')) values.push(this.value())
    this.take(')', '"," or ")"')
    if (isNested) this.take(')', '")"')
    return values
  }

  private value(): RqlValue {
    if (--this.budget.values < 0) {
      throw rqlSyntaxError(this.term.source, `The query has more than ${MAX_VALUES} values.`)
    }
    const token = this.peek()
    if (token?.kind === 'string') {
      this.index++
      return { kind: 'literal', raw: token.text, quoted: true }
    }
    if (token?.kind !== 'word') throw unexpected(this.term, token, 'a value')
    this.index++
    if (!this.skip('(')) return { kind: 'literal', raw: token.text, quoted: false }
    const kind = token.text
    if (kind !== 'null' && kind !== 'empty') {
      const reason = `Expected a value but found the call "${kind}(" at position ${token.start}.`
      throw rqlSyntaxError(this.term.source, reason)
    }
    this.take(')', '")"')
    return { kind }
  }

  private peek(): Token | undefined {
    return this.term.tokens[this.index]
  }

  private skip(kind: Token['kind']): boolean {
    if (this.peek()?.kind !== kind) return false
    this.index++
    return true
  }

  private take(kind: Token['kind'], wanted: string): Token {
    const token = this.peek()
    if (token?.kind !== kind) throw unexpected(this.term, token, wanted)
    this.index++
    return token
  }
}

const FIELD_OPERATORS = new Set<string>([...COMPARISON_OPERATORS, 'in', 'out', 'any', 'all'])

function isFieldOperator(op: string): op is ComparisonOperator | 'in' | 'out' | 'any' | 'all' {
  return FIELD_OPERATORS.has(op)
}
