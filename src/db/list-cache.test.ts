import { describe, expect, it } from 'vitest'
import { createListCache } from './list-cache.js'

describe('the list cache', () => {
  const now = new Date('2026-01-05T09:00:00.000Z')
  const entry = (json: string, version: string) => ({ json, version, validUntil: null })

  it('serves an entry while the data version is the one it was computed at', () => {
    const cache = createListCache(() => 'v1')
    cache.set('a', entry('[1]', 'v1'))
    expect(cache.get('a', 'v1', now)).toBe('[1]')
    expect(cache.get('a', 'v2', now)).toBeUndefined()
  })

  it('holds the entries of one data version only: a newer one drops the rest (issue #17: memory under steady writes)', () => {
    const cache = createListCache(() => 'v2')
    cache.set('a', entry('[1]', 'v1'))
    cache.set('b', entry('[2]', 'v1'))
    cache.set('c', entry('[3]', 'v2'))
    expect(cache.get('a', 'v1', now)).toBeUndefined()
    expect(cache.get('b', 'v1', now)).toBeUndefined()
    expect(cache.get('c', 'v2', now)).toBe('[3]')
  })

  it('keeps every entry of the same version, up to its bounds', () => {
    const cache = createListCache(() => 'v1', { maxEntries: 2 })
    cache.set('a', entry('[1]', 'v1'))
    cache.set('b', entry('[2]', 'v1'))
    expect(cache.get('a', 'v1', now)).toBe('[1]')
    cache.set('c', entry('[3]', 'v1'))
    expect(cache.get('b', 'v1', now)).toBeUndefined()
    expect(cache.get('a', 'v1', now)).toBe('[1]')
    expect(cache.get('c', 'v1', now)).toBe('[3]')
  })
})
