import { describe, expect, it } from 'vitest'
import { globToLike, globToSqliteGlob, readInstant, readValue } from './rql-values.js'

describe('readInstant', () => {
  it.each([
    ['2024-01-01', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00.000Z'],
    ['2024-12-01T08:00:00.000Z', '2024-12-01T08:00:00.000Z'],
    ['2024-01-01T01:30:00+0130', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01T00:00:00.123456-02:00', '2024-01-01T02:00:00.123Z'],
    ['2024-01-01T08:00', '2024-01-01T08:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('reads %s', (raw, iso) => {
    expect(readInstant(raw)).toBe(iso)
  })

  it.each([
    '2023-02-29',
    '2024-13-01',
    '2024-01-01T24:00:00Z',
    '0000-01-01',
    'yesterday',
    '2024-1-1',
    '',
  ])('refuses %s', (raw) => {
    expect(readInstant(raw)).toBeUndefined()
  })
})

describe('readValue', () => {
  it('binds booleans as 1/0 and numbers as numbers', () => {
    expect(readValue('paid', 'boolean', 'true')).toBe(1)
    expect(readValue('paid', 'boolean', 'FALSE')).toBe(0)
    expect(readValue('n', 'number', '-1.5e2')).toBe(-150)
  })

  it.each([
    ['boolean', 'maybe'],
    ['number', '1e400'],
    ['number', '0x10'],
    ['number', ''],
    ['date', 'soon'],
  ] as const)('refuses a %s written %s, naming the field', (type, raw) => {
    expect(() => readValue('paid', type, raw)).toThrowError(
      expect.objectContaining({
        code: 'RQL_TYPE_MISMATCH',
        options: expect.objectContaining({ errors: { paid: [expect.any(String)] } }),
      }),
    )
  })
})

describe('glob translation', () => {
  it.each([
    ['Bu*', 'Bu%', 'Bu*'],
    ['*dog', '%dog', '*dog'],
    ['a\\*b', 'a*b', 'a[*]b'],
    ['100%_x', '100\\%\\_x', '100%_x'],
    ['a?[b]', 'a?[b]', 'a[?][[]b]'],
    ['back\\slash', 'back\\\\slash', 'back\\slash'],
    ['a\\\\*', 'a\\\\%', 'a\\*'],
    ['', '', ''],
  ])('%s → LIKE %s, GLOB %s', (glob, like, sqliteGlob) => {
    expect(globToLike(glob)).toBe(like)
    expect(globToSqliteGlob(glob)).toBe(sqliteGlob)
  })
})
