import { describe, expect, it } from 'vitest'
import { normalizeEmailAddress } from './email-address.js'

describe('normalizeEmailAddress', () => {
  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['  Ada.Lovelace+tag@Example.COM ', 'Ada.Lovelace+tag@example.com'],
    ["o'brien@example.co.uk", "o'brien@example.co.uk"],
    ['grace@BÜCHER.example', 'grace@bücher.example'],
    ['grace@xn--bcher-kva.example', 'grace@bücher.example'],
    ['x@sub-domain.example.org', 'x@sub-domain.example.org'],
    ['trailing@example.com\n', 'trailing@example.com'],
  ])('accepts %j as %j', (input, normalised) => {
    expect(normalizeEmailAddress(input)).toBe(normalised)
  })

  it.each([
    'a<attacker@evil.example>',
    'Name <v@a.com>',
    'v@a.com,evil.org',
    'v@a.com;w@b.com',
    'v@a.com w@b.com',
    '"quoted"@example.com',
    'v@a.com\r\nBcc: x@evil.example',
    'a\u0000b@example.com',
    'v@@a.com',
    'v@a',
    'v@a.',
    '.v@a.com',
    'v.@a.com',
    'v..w@a.com',
    'v@-a.com',
    'v@a-.com',
    'v@a..com',
    'v@a_b.com',
    'v@[127.0.0.1]',
    'v@1.2.3.4',
    'ü@example.com',
    '@example.com',
    'v@',
    '',
    `${'a'.repeat(65)}@example.com`,
    `v@${'a'.repeat(64)}.com`,
  ])('refuses %j', (input) => {
    expect(normalizeEmailAddress(input)).toBeUndefined()
  })
})
