import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.js'
import {
  databaseUnavailable,
  isDatabaseUnreachable,
  mappingUnreachable,
} from './database-unavailable.js'

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code })

describe('isDatabaseUnreachable (issue #17)', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset socket', withCode('ECONNRESET')],
    ['a backend terminated by a restart (57P01)', withCode('57P01', 'terminating connection')],
    ['a server still starting (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection failure (08006)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a pool wait that ran out', new Error('timeout exceeded when trying to connect')],
    ['a client the pool can no longer use', new Error('Client was closed and is not queryable')],
  ])('recognises %s', (_, error) => {
    expect(isDatabaseUnreachable(error)).toBe(true)
  })

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value')],
    ['a serialization failure', withCode('40001')],
    ['a syntax error', withCode('42601')],
    ['a plain error', new Error('something else')],
    ['another problem', new AppError('CONCURRENT_UPDATE')],
    ['a non-error', 'ECONNREFUSED'],
  ])('leaves %s alone', (_, error) => {
    expect(isDatabaseUnreachable(error)).toBe(false)
  })

  it('turns an unreachable database into DATABASE_UNAVAILABLE with Retry-After, keeping the cause', async () => {
    const cause = withCode('ECONNREFUSED')
    const thrown = await mappingUnreachable(() => Promise.reject(cause)).catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(AppError)
    expect(thrown).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      status: 503,
      options: { params: { retryAfterSeconds: 2 } },
      cause,
    })
    expect(isDatabaseUnreachable(databaseUnavailable(cause))).toBe(true)
  })

  it('passes every other error through as it is', async () => {
    const unique = withCode('23505')
    await expect(mappingUnreachable(() => Promise.reject(unique))).rejects.toBe(unique)
  })
})
