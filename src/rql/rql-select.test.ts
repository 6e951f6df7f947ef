import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.js'
import { parseSelectOnly } from './rql-parser.js'
import { projectObject, resolveProjection } from './rql-select.js'

const spec = {
  fields: ['id', 'name', 'status', 'account', 'user', 'groups', 'audit'],
  omittedByDefault: ['audit'],
}

const accountUser = {
  id: 'USR-1',
  name: 'Buzz Lightyear',
  status: 'Active',
  account: { id: 'ACC-1', name: 'Star Command', type: 'Client' },
  user: { id: 'USR-1', email: 'buzz@example.com', firstName: 'Buzz' },
  groups: [
    { id: 'UGR-1', name: 'Admins', description: 'All of it' },
    { id: 'UGR-2', name: 'Readers', description: 'Some of it' },
  ],
  audit: {
    created: { at: '2024-01-01T00:00:00.000Z', by: { id: 'USR-9', name: 'Woody' } },
    updated: { at: '2024-02-01T00:00:00.000Z' },
  },
}

const { audit, ...defaults } = accountUser
const omitted = { $meta: { omitted: ['audit'] } }
/** `$meta.omitted` when only `keep` survives: everything else is reported as left out. */
const allBut = (...keep: string[]) => ({
  $meta: { omitted: spec.fields.filter((f) => !keep.includes(f)) },
})

function project(rawQuery: string, obj: object = accountUser) {
  return projectObject(obj, resolveProjection(parseSelectOnly(rawQuery), spec))
}

describe('select projection', () => {
  it.each([
    ['', { ...defaults, ...omitted }],
    ['select=audit,-name', { ...accountUser, name: undefined, $meta: { omitted: ['name'] } }],
    ['select=%2Baudit%2C-name', { ...accountUser, name: undefined, $meta: { omitted: ['name'] } }],
    ['select=-*,+id', { id: 'USR-1', ...allBut('id') }],
    ['select=+id,-*', { id: 'USR-1', ...allBut('id') }],
    ['select=-*', { ...allBut() }],
    ['select=-*,+audit', { audit, ...allBut('audit') }],
    [
      'select=user.email',
      { ...defaults, user: { id: 'USR-1', email: 'buzz@example.com' }, ...omitted },
    ],
    [
      'select=+groups.id,+groups.name',
      {
        ...defaults,
        groups: [
          { id: 'UGR-1', name: 'Admins' },
          { id: 'UGR-2', name: 'Readers' },
        ],
        ...omitted,
      },
    ],
    ['select=+groups.name,+groups', { ...defaults, ...omitted }],
    ['select=+groups,+groups.name', { ...defaults, ...omitted }],
    [
      'select=+audit.created.at',
      { ...defaults, audit: { created: { at: '2024-01-01T00:00:00.000Z' } } },
    ],
    [
      'select=-account.type,-audit.created.by',
      { ...defaults, account: { id: 'ACC-1', name: 'Star Command' }, ...omitted },
    ],
    [
      'select=+audit,-audit.created.by',
      { ...accountUser, audit: { ...audit, created: { at: audit.created.at } } },
    ],
    [
      'select=-nonexistent,-groups',
      { ...defaults, groups: undefined, $meta: { omitted: ['groups', 'audit'] } },
    ],
    ['select=-name,+name', { ...defaults, ...omitted }],
    ['select=+name,-name', { ...defaults, name: undefined, $meta: { omitted: ['name', 'audit'] } }],
  ])('%s', (raw, expected) => {
    const clean = JSON.parse(JSON.stringify(expected)) as object
    expect(project(raw)).toEqual(clean)
  })

  it('keeps the output key order of the object', () => {
    expect(Object.keys(project('select=-*,+status,+id'))).toEqual(['id', 'status', '$meta'])
  })

  it('merges into an existing $meta and leaves the input untouched', () => {
    const input = { ...accountUser, $meta: { ignored: ['x'] } }
    expect(project('select=-*,+id', input)).toEqual({
      id: 'USR-1',
      $meta: { ignored: ['x'], ...allBut('id').$meta },
    })
    expect(project('select=-*,+id,+audit', input)).toEqual({
      id: 'USR-1',
      audit,
      $meta: { ignored: ['x'], omitted: ['name', 'status', 'account', 'user', 'groups'] },
    })
    expect(input.groups[0]).toEqual({ id: 'UGR-1', name: 'Admins', description: 'All of it' })
  })

  it('reports what it resolved', () => {
    const projection = resolveProjection(parseSelectOnly('select=user.email,-status'), spec)
    expect([...projection.include]).toEqual(['id', 'name', 'account', 'user', 'groups'])
    expect(projection.nested).toEqual(new Map([['user', new Set(['email'])]]))
    expect(projection.omitted).toEqual(['status', 'audit'])
  })

  it.each(['select=+nonexistent', 'select=nonexistent.id', 'select=nope'])('refuses %s', (raw) => {
    let error: unknown
    try {
      project(raw)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('RQL_UNKNOWN_FIELD')
    expect((error as AppError).status).toBe(400)
  })

  describe('nested selects of expandable members (issue #11)', () => {
    const expandable = { ...spec, expandable: { account: ['address'], groups: ['modules'] } }
    const resolve = (raw: string) => resolveProjection(parseSelectOnly(raw), expandable)

    it('asks for the member without trimming the embedded default', () => {
      const projection = resolve('select=account.address,groups.modules')
      expect(projection.expand).toEqual(
        new Map([
          ['account', new Set(['address'])],
          ['groups', new Set(['modules'])],
        ]),
      )
      expect(projection.nested).toEqual(new Map())
      expect(projection.omitted).toEqual(['audit'])
      const expanded = {
        ...accountUser,
        account: { ...accountUser.account, address: { city: 'Utopia' } },
      }
      expect(projectObject(expanded, projection).account).toEqual({
        id: 'ACC-1',
        name: 'Star Command',
        type: 'Client',
        address: { city: 'Utopia' },
      })
    })

    it('keeps an expanded member beside the default members a select trims to', () => {
      const projection = resolve('select=account.name,+account.address')
      const expanded = {
        ...accountUser,
        account: { ...accountUser.account, address: { city: 'Utopia' } },
      }
      expect(projectObject(expanded, projection).account).toEqual({
        id: 'ACC-1',
        name: 'Star Command',
        address: { city: 'Utopia' },
      })
    })

    it('drops the ask when the member or the key is removed afterwards, and keeps $meta.omitted exact', () => {
      expect(resolve('select=account.address,-account.address').expand).toEqual(new Map())
      const removed = resolve('select=account.address,-account')
      expect(removed.expand).toEqual(new Map())
      expect(removed.omitted).toEqual(['account', 'audit'])
      expect(resolve('select=audit,groups.modules').omitted).toEqual([])
    })

    it('treats members that are not expandable as before (trimming)', () => {
      const projection = resolve('select=account.type')
      expect(projection.expand).toEqual(new Map())
      expect(projection.nested).toEqual(new Map([['account', new Set(['type'])]]))
    })
  })
})
