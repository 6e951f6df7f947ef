import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, testDialect } from '../../test/support/database.js'
import type { Db } from '../db/connect.js'
import { AppError } from '../errors.js'
import type { RqlNode, RqlValue } from './rql-ast.js'
import { applyFilter, applyOrder } from './rql-compiler.js'
import { parseListQuery } from './rql-parser.js'
import { resolveProjection } from './rql-select.js'
import { ACCOUNT_FIELDS, FIXTURE_NOW, seedRqlData } from '../../test/support/rql-fixtures.js'

/** mulberry32: a seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Mostly well-typed pairs, so that many queries run; the rest are deliberately wrong. */
const TYPED: Array<[fields: string[], values: string[]]> = [
  [
    ['id', 'name', 'status', 'externalId', 'groups.id', 'groups.name'],
    [
      'ACC-1',
      'Active',
      'Zq*rp*',
      '*Zq*',
      '\\*Zq',
      'ZqÉCOLE',
      "Zq'; drop table accounts; --",
      'Zq" or 1=1 --',
      'Zq%_[?]',
      'Zq\\',
    ],
  ],
  [['type'], ['Client', 'Vendor', 'Operations']],
  [['groupCount'], ['1', '1.5', '-3', '+2', '1e3']],
  [
    ['audit.created.at', 'audit.updated.at'],
    ['2024-01-01', '2024-01-01T00:00:00+00:00', '2024-03-01T08:00:00.000Z'],
  ],
  [['groups.isDefault'], ['true', 'false', 'TRUE']],
]
const WRONG_FIELDS = ['groups', 'icon', 'groups.nope', 'unknown', 'a b', '']
const WRONG_VALUES = ['1e400', '2024-13-45', 'maybe', 'Reseller', '']

const OPERATORS = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'like',
  'ilike',
  'in',
  'out',
  'any',
  'all',
  'and',
  'or',
  'not',
]
const NOISE = [
  '(',
  ')',
  ',',
  '=',
  "'",
  '"',
  '&',
  '%',
  '%2',
  '%28',
  '%FF',
  '+',
  '-',
  '*',
  '\\',
  ' ',
  'null()',
  'é',
  '\u0000',
]

function generator(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
  const quote = (value: string) => {
    const style = pick(['', "'", '"'])
    const escaped = style ? value.replaceAll('\\', '\\\\').replaceAll(style, `\\${style}`) : value
    return `${style}${escaped}${style}`
  }
  const pair = (): [string, () => string] => {
    const [fields, values] = pick(TYPED)
    const field = next() < 0.05 ? pick(WRONG_FIELDS) : pick(fields)
    const value = () => {
      if (next() < 0.1) return pick(['null()', 'empty()'])
      return quote(next() < 0.05 ? pick(WRONG_VALUES) : pick(values))
    }
    return [field, value]
  }
  const expression = (depth: number): string => {
    const op = pick(OPERATORS)
    const [field, value] = pair()
    if (next() < 0.15) return `${field}=${value()}`
    if (op === 'and' || op === 'or') {
      const count = depth > 2 ? 1 : 1 + Math.floor(next() * 3)
      return `${op}(${Array.from({ length: count }, () => expression(depth + 1)).join(',')})`
    }
    if (op === 'not') return `not(${expression(depth + 1)})`
    if (op === 'any' || op === 'all') {
      const [inner, innerValue] = pair()
      const element = inner.replace(/^groups\./, '')
      return `${op}(${next() < 0.9 ? 'groups' : field},${element}=${innerValue()})`
    }
    if (op === 'in' || op === 'out') return `${op}(${field},(${value()},${value()}))`
    return `${op}(${field},${value()})`
  }
  const encode = (text: string) =>
    [...text]
      .map((ch) => (next() < 0.1 ? encodeURIComponent(ch) : ch === ' ' ? '%20' : ch))
      .join('')
  const mutate = (text: string) => {
    let result = text
    const edits = Math.floor(next() * 4)
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(next() * (result.length + 1))
      const cut = next() < 0.5 ? Math.floor(next() * 3) : 0
      result = result.slice(0, at) + (next() < 0.7 ? pick(NOISE) : '') + result.slice(at + cut)
    }
    return result
  }
  return () => {
    const terms = [encode(expression(0))]
    if (next() < 0.3)
      terms.push(`select=${pick(['+audit', '-name', '-*,+id', 'groups.id', '%2Baudit%2C-name'])}`)
    if (next() < 0.3) terms.push(`order=${pick(['-audit.created.at', '+name,-id', 'groupCount'])}`)
    if (next() < 0.2)
      terms.push(`limit=${pick(['0', '10', '500', '-1'])}&offset=${pick(['0', '3'])}`)
    if (next() < 0.3) terms.push(encode(expression(0)))
    const query = terms.sort(() => next() - 0.5).join('&')
    return next() < 0.3 ? mutate(query) : query
  }
}

function literals(node: RqlNode | undefined): string[] {
  if (!node) return []
  const raw = (value: RqlValue) => (value.kind === 'literal' ? [value.raw] : [])
  switch (node.op) {
    case 'and':
    case 'or':
      return node.args.flatMap(literals)
    case 'not':
      return literals(node.arg)
    case 'any':
    case 'all':
      return literals(node.condition)
    case 'in':
    case 'out':
      return node.values.flatMap(raw)
    default:
      return raw(node.value)
  }
}

let db: Db
beforeAll(async () => {
  db = await createTestDb()
  await seedRqlData(db.db)
})
afterAll(async () => db.close())

describe('RQL fuzzing', () => {
  it(`answers 3000 random queries with rows or a 400, never anything else (${testDialect})`, async () => {
    const nextQuery = generator(random(20261126))
    const ctx = { dialect: db.dialect, now: FIXTURE_NOW }
    const outcomes = { ok: 0, refused: 0, checkedLiterals: 0 }
    for (let i = 0; i < 3000; i++) {
      const raw = nextQuery()
      try {
        const query = parseListQuery(raw)
        resolveProjection(query.select, {
          fields: ['id', 'name', 'audit'],
          omittedByDefault: ['audit'],
        })
        const filtered = applyFilter(
          db.db.selectFrom('accounts as a').select('a.id'),
          query.filter,
          ACCOUNT_FIELDS,
          ctx,
        )
        const ordered = applyOrder(filtered, query.order, ACCOUNT_FIELDS, ctx, 'a.id')
        const page = ordered.limit(query.limit).offset(query.offset)
        const { sql } = page.compile()
        for (const literal of literals(query.filter).filter((text) => text.includes('Zq'))) {
          expect(sql, `${raw} leaks ${literal}`).not.toContain(literal)
          outcomes.checkedLiterals++
        }
        await page.execute()
        outcomes.ok++
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 400) {
          throw new Error(`query ${JSON.stringify(raw)} failed with ${String(error)}`)
        }
        outcomes.refused++
      }
    }
    // Both paths are exercised, so the test proves something either way.
    expect(outcomes.ok).toBeGreaterThan(300)
    expect(outcomes.refused).toBeGreaterThan(300)
    expect(outcomes.checkedLiterals).toBeGreaterThan(300)
  })
})
