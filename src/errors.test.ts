import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CATALOGUE } from './errors.js'

describe('error catalogue', () => {
  const doc = readFileSync(new URL('../docs/api-errors.md', import.meta.url), 'utf8')

  it.each(Object.entries(ERROR_CATALOGUE))(
    'documents %s with its status in docs/api-errors.md',
    (code, { status }) => {
      expect(doc).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`))
    },
  )
})
