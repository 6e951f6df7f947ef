import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.js'
import type { RqlNode } from './rql-ast.js'
import { parseListQuery, parseSelectOnly } from './rql-parser.js'

const word = (raw: string) => ({ kind: 'literal', raw, quoted: false }) as const
const quoted = (raw: string) => ({ kind: 'literal', raw, quoted: true }) as const

function errorOf(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

describe('parseListQuery', () => {
  it('reads the SDK list URL: parameters first, expression last', () => {
    const query = parseListQuery(
      "limit=100&offset=0&order=-audit.created.at&select=audit,-name&and(eq(id,'USR-9673-3314'),ilike(name,'*Corp*'))",
    )
    expect(query).toEqual({
      limit: 100,
      offset: 0,
      order: [{ path: 'audit.created.at', direction: 'desc' }],
      select: [
        { mode: 'add', path: 'audit' },
        { mode: 'remove', path: 'name' },
      ],
      filter: {
        op: 'and',
        args: [
          { op: 'eq', field: 'id', value: quoted('USR-9673-3314') },
          { op: 'ilike', field: 'name', value: quoted('*Corp*') },
        ],
      },
    })
  })

  it('defaults to limit 10, offset 0 and no filter', () => {
    expect(parseListQuery('')).toEqual({ select: [], order: [], limit: 10, offset: 0 })
  })

  const filters: Array<[string, RqlNode]> = [
    ['eq(status,Active)', { op: 'eq', field: 'status', value: word('Active') }],
    ['firstName=Buzz', { op: 'eq', field: 'firstName', value: word('Buzz') }],
    [
      'eq(name,"Buzz with the \' Quote")',
      { op: 'eq', field: 'name', value: quoted("Buzz with the ' Quote") },
    ],
    ['eq(name,\'say "hi"\')', { op: 'eq', field: 'name', value: quoted('say "hi"') }],
    ["eq(name,'it\\'s \\\\ ok')", { op: 'eq', field: 'name', value: quoted("it's \\ ok") }],
    ['eq(name,%22a%20b%22)', { op: 'eq', field: 'name', value: quoted('a b') }],
    ['eq(name,a%26b)', { op: 'eq', field: 'name', value: word('a&b') }],
    ['eq(name,A&B)', { op: 'eq', field: 'name', value: word('A&B') }],
    ["eq(name,'x&limit=5')", { op: 'eq', field: 'name', value: quoted('x&limit=5') }],
    ["name=O'Brien", { op: 'eq', field: 'name', value: word("O'Brien") }],
    ['eq(total,+1.5)', { op: 'eq', field: 'total', value: word('+1.5') }],
    [
      "in(status,('Active','Disabled'))",
      { op: 'in', field: 'status', values: [quoted('Active'), quoted('Disabled')] },
    ],
    [
      'out(status,Active,Disabled)',
      { op: 'out', field: 'status', values: [word('Active'), word('Disabled')] },
    ],
    ['in(f,(a,null()))', { op: 'in', field: 'f', values: [word('a'), { kind: 'null' }] }],
    ['eq(f,null())', { op: 'eq', field: 'f', value: { kind: 'null' } }],
    ['ne(f,empty())', { op: 'ne', field: 'f', value: { kind: 'empty' } }],
    ['f=null()', { op: 'eq', field: 'f', value: { kind: 'null' } }],
    ['eq(f,null)', { op: 'eq', field: 'f', value: word('null') }],
    ['eq(paid,true)', { op: 'eq', field: 'paid', value: word('true') }],
    [
      "gt(audit.created.at,'2024-01-01T00:00:00+00:00')",
      { op: 'gt', field: 'audit.created.at', value: quoted('2024-01-01T00:00:00+00:00') },
    ],
    [
      'lt(audit.created.at,2024-01-01T00:00:00+00:00)',
      { op: 'lt', field: 'audit.created.at', value: word('2024-01-01T00:00:00+00:00') },
    ],
    ['like(name,\\*x*)', { op: 'like', field: 'name', value: word('\\*x*') }],
    [
      'any(groups,id=UGR-1234-5678)',
      {
        op: 'any',
        field: 'groups',
        condition: { op: 'eq', field: 'id', value: word('UGR-1234-5678') },
      },
    ],
    [
      'all(groups,not(eq(isDefault,true)))',
      {
        op: 'all',
        field: 'groups',
        condition: { op: 'not', arg: { op: 'eq', field: 'isDefault', value: word('true') } },
      },
    ],
    [
      'or(eq(a,1),and(b=2,ne(c,3)))',
      {
        op: 'or',
        args: [
          { op: 'eq', field: 'a', value: word('1') },
          {
            op: 'and',
            args: [
              { op: 'eq', field: 'b', value: word('2') },
              { op: 'ne', field: 'c', value: word('3') },
            ],
          },
        ],
      },
    ],
    ['eq( name , Buzz Lightyear )', { op: 'eq', field: 'name', value: word('Buzz Lightyear') }],
    ['eq(name,%C3%A9cole)', { op: 'eq', field: 'name', value: word('école') }],
    ['eq(name,100%)', { op: 'eq', field: 'name', value: word('100%') }],
    ['eq(name,%zz%2)', { op: 'eq', field: 'name', value: word('%zz%2') }],
  ]
  it.each(filters)('parses %s', (raw, expected) => {
    expect(parseListQuery(raw).filter).toEqual(expected)
  })

  it('AND-s several filter terms', () => {
    expect(parseListQuery('firstName=Buzz&lastName=Astral&limit=5').filter).toEqual({
      op: 'and',
      args: [
        { op: 'eq', field: 'firstName', value: word('Buzz') },
        { op: 'eq', field: 'lastName', value: word('Astral') },
      ],
    })
  })

  it('keeps a literal + in select and order, and decodes %2B and %2C', () => {
    const query = parseListQuery('select=+audit,-name&order=+name,-a,b')
    expect(query.select).toEqual([
      { mode: 'add', path: 'audit' },
      { mode: 'remove', path: 'name' },
    ])
    expect(query.order).toEqual([
      { path: 'name', direction: 'asc' },
      { path: 'a', direction: 'desc' },
      { path: 'b', direction: 'asc' },
    ])
    expect(parseListQuery('select=%2Baudit%2C-name').select).toEqual(query.select)
    expect(parseListQuery('ordering=-name').order).toEqual([{ path: 'name', direction: 'desc' }])
  })

  it('reads -* in select', () => {
    expect(parseListQuery('select=-*,+id').select).toEqual([
      { mode: 'remove', path: '*' },
      { mode: 'add', path: 'id' },
    ])
  })

  it.each([
    ['limit=0', 0],
    ['limit=100', 100],
    ['limit=500', 100],
    ['limit=99999999999999999999', 100],
    ["limit='20'", 20],
  ])('reads %s as limit %i', (raw, limit) => {
    expect(parseListQuery(raw).limit).toBe(limit)
  })

  it.each([
    'limit=-1',
    'limit=1.5',
    'limit=abc',
    'limit=',
    'offset=-3',
    'offset=2e3',
    'limit=(1)',
    'offset=1,2',
  ])('refuses %s as RQL_PAGINATION_INVALID', (raw) => {
    const error = errorOf(() => parseListQuery(raw))
    expect(error.code).toBe('RQL_PAGINATION_INVALID')
    expect(error.status).toBe(400)
  })

  it.each([
    ['rql=eq(status,Active)', 'Invalid equals shortcut expression.'],
    ['name=ilike(x)', 'Invalid equals shortcut expression.'],
    ['eq(status,Active', 'Expected ")" but found the end of the term.'],
    ['eq(status)', 'Expected "," but found ")" at position 9.'],
    ['foo(a,b)', 'Unknown operator "foo" at position 0.'],
    ['eq(a,b,c)', 'Expected ")" but found "," at position 6.'],
    ['eq(a,b))', 'Unexpected ")" at position 7.'],
    ["eq(a,'open)", 'Unterminated string starting at position 5.'],
    ['eq(a b,1)', 'Invalid property name "a b" at position 3.'],
    ['eq(a,eq(b,c))', 'Expected a value but found the call "eq(" at position 5.'],
    ['in(a,())', 'Expected a value but found ")" at position 6.'],
    ['justaword', 'Expected "(" but found the end of the term.'],
    ['=x', 'Expected an operator or a property but found "=" at position 0.'],
    ['eq(a,%FF)', 'Invalid UTF-8 in percent-encoding at position 5.'],
    ['eq(a,%00)', 'Invalid character at position 5.'],
    ['select=+*', 'Invalid property name "*" at position 7.'],
    ["select='a'", `Unexpected "a" at position 7.`],
    ['not(a=1,b=2)', 'Expected ")" but found "," at position 7.'],
    ['and()', 'Expected an operator or a property but found ")" at position 4.'],
  ])('refuses %s as RQL_INVALID', (raw, reason) => {
    const error = errorOf(() => parseListQuery(raw))
    expect(error.code).toBe('RQL_INVALID')
    expect(error.status).toBe(400)
    expect(error.message).toBe(reason)
    expect(Object.values(error.options.errors ?? {})).toEqual([[reason]])
  })

  it('names the offending term in errors', () => {
    const error = errorOf(() => parseListQuery('limit=5&eq(a,b))'))
    expect(error.options.errors).toEqual({ 'eq(a,b))': ['Unexpected ")" at position 15.'] })
  })

  it('refuses nesting deeper than 32 levels', () => {
    const raw = `${'not('.repeat(40)}eq(a,1)${')'.repeat(40)}`
    expect(errorOf(() => parseListQuery(raw)).code).toBe('RQL_INVALID')
  })

  it('refuses more than 200 conditions or 1000 values in one query', () => {
    const terms = (count: number) => Array.from({ length: count }, () => 'id=1')
    expect(parseListQuery(terms(200).join('&')).filter).toBeDefined()
    expect(errorOf(() => parseListQuery(terms(201).join('&'))).code).toBe('RQL_INVALID')
    expect(errorOf(() => parseListQuery(`or(${terms(201).join(',')})`)).code).toBe('RQL_INVALID')
    const values = (count: number) =>
      `in(id,(${Array.from({ length: count }, (_, i) => i).join(',')}))`
    expect(parseListQuery(values(1000)).filter).toBeDefined()
    expect(errorOf(() => parseListQuery(values(1001))).message).toBe(
      'The query has more than 1000 values.',
    )
  })

  it('ignores empty terms', () => {
    expect(parseListQuery('&&limit=5&').limit).toBe(5)
  })
})

describe('parseSelectOnly', () => {
  it('reads only select, ignoring other terms', () => {
    expect(parseSelectOnly('select=%2Baudit%2C-name&eq(a,b)&limit=nonsense&junk')).toEqual([
      { mode: 'add', path: 'audit' },
      { mode: 'remove', path: 'name' },
    ])
  })

  it('returns no items without select', () => {
    expect(parseSelectOnly('')).toEqual([])
  })
})
