import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountType } from '../../src/access/actor.js'
import { can } from '../../src/access/permissions.js'
import { testDialect } from '../support/database.js'
import { createApiToken } from '../support/factories.js'
import { buildTestApp } from '../support/test-app.js'
import {
  API,
  buildFixture,
  freshObjects,
  offeredModules,
  type Fixture,
  type FixtureAccount,
} from './access-fixture.js'
import { ENDPOINTS, type Endpoint } from './endpoints.js'

/**
 * Issues #4 and #12: every endpoint × every kind of caller → the status §2.1, decisions 19–20 and
 * the modules of the caller's token require. The expected status is derived from the permission
 * table, never written by hand: 401 without a token (public routes aside), 403 for an account
 * type that may never use the operation or a token without the module it needs, 404 for another
 * account's object (Operations sees every account), else the success code.
 */
const ACCESS_MANAGEMENT = 'MOD-1756'
const ACCOUNT_MANAGEMENT = 'MOD-9042'
const withoutModules = (type: AccountType, ...removed: string[]) =>
  [...offeredModules(type)].filter((id) => !removed.includes(id))

interface Column {
  column: string
  caller: AccountType | null
  foreign: boolean
  /** the modules of the caller's token; every module offered to its account type when absent */
  modules?: string[]
}

const COLUMNS: Column[] = [
  { column: 'Client', caller: 'Client', foreign: false },
  { column: 'Vendor', caller: 'Vendor', foreign: false },
  { column: 'Operations', caller: 'Operations', foreign: false },
  { column: 'no token', caller: null, foreign: false },
  { column: 'Client on another account', caller: 'Client', foreign: true },
  { column: 'Vendor on another account', caller: 'Vendor', foreign: true },
  {
    column: 'Client token without Access Management',
    caller: 'Client',
    foreign: false,
    modules: withoutModules('Client', ACCESS_MANAGEMENT),
  },
  {
    column: 'Client token without Account Management',
    caller: 'Client',
    foreign: false,
    modules: withoutModules('Client', ACCOUNT_MANAGEMENT),
  },
  { column: 'Client token with no module', caller: 'Client', foreign: false, modules: [] },
  {
    column: 'Vendor token with Access Management only',
    caller: 'Vendor',
    foreign: false,
    modules: [ACCESS_MANAGEMENT],
  },
]

function expectedStatus(endpoint: Endpoint, column: Column): number {
  const { caller, foreign } = column
  if (caller === null) return endpoint.auth ? endpoint.success : 401
  const modules = new Set(column.modules ?? offeredModules(caller))
  if (endpoint.operation && !can({ accountType: caller, modules }, endpoint.operation)) return 403
  if (foreign && endpoint.auth !== 'public') return endpoint.foreignStatus ?? 404
  if (endpoint.selfOnly) return 403
  return endpoint.success
}

const ROWS = ENDPOINTS.flatMap((endpoint) =>
  COLUMNS.filter((c) => !c.foreign || endpoint.targetsObject).map((column) => {
    const expected = expectedStatus(endpoint, column)
    return {
      name: `${endpoint.method} ${endpoint.path} as ${column.column} → ${expected}`,
      endpoint,
      column,
      expected,
    }
  }),
)

describe(`access matrix (${testDialect})`, () => {
  let fx: Fixture
  /** a token of the caller's own account per restricted column, by column name */
  const restricted = new Map<string, string>()

  beforeAll(async () => {
    // The members' addresses are @example.com: an identity provider serves it, so `sso` can succeed.
    fx = await buildFixture(await buildTestApp({ ssoDomains: ['example.com'] }))
    for (const column of COLUMNS) {
      if (!column.modules || column.caller === null) continue
      const account = column.caller === 'Client' ? fx.clientA : fx.vendor
      const token = await createApiToken(fx.t.db.db, account.id, { modules: column.modules })
      restricted.set(column.column, token.credential)
    }
  })
  afterAll(async () => fx.t.close())

  /** Who calls and whose object is targeted: Operations acts on Client B, others on their own or on B. */
  function partiesOf(column: Column): { token: string | null; owner: FixtureAccount } {
    const { caller, foreign } = column
    if (caller === null) return { token: null, owner: fx.clientA }
    const limited = restricted.get(column.column)
    if (limited) return { token: limited, owner: caller === 'Client' ? fx.clientA : fx.vendor }
    if (caller === 'Operations') return { token: fx.operations.token, owner: fx.clientB }
    const self = caller === 'Client' ? fx.clientA : fx.vendor
    return { token: self.token, owner: foreign ? fx.clientB : self }
  }

  it.each(ROWS)('$name', async ({ endpoint, column, expected }) => {
    const { caller } = column
    const { token, owner } = partiesOf(column)
    const call = await endpoint.call({
      fx,
      owner,
      fresh: freshObjects(fx.t),
      callerIsOperations: caller === 'Operations',
    })
    const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = call.params?.[name]
      if (value === undefined) throw new Error(`no value for {${name}} in ${endpoint.path}`)
      return value
    })
    const res = await fx.t.request({
      method: endpoint.method,
      url: `${endpoint.prefix ?? API}${path}`,
      token,
      ...(call.payload !== undefined ? { payload: call.payload as string | object } : {}),
      ...(call.headers ? { headers: call.headers } : {}),
      ...(call.remoteAddress ? { remoteAddress: call.remoteAddress } : {}),
    })
    expect(res.statusCode, res.body).toBe(expected)
    if (expected >= 400) expect(res.json()).toMatchObject({ status: expected })
  })

  it('refuses unknown, malformed, disabled and deleted tokens with 401', async () => {
    const disabled = await createApiToken(fx.t.db.db, fx.clientA.id, { status: 'Disabled' })
    const deleted = await createApiToken(fx.t.db.db, fx.clientA.id, { status: 'Deleted' })
    const wrongSecret = `${fx.clientA.token.split(':').slice(0, 2).join(':')}:not-the-secret`
    for (const token of [
      'nonsense',
      'idt:TKN-0000-0000:secret',
      wrongSecret,
      disabled.credential,
      deleted.credential,
    ]) {
      const res = await fx.t.request({ method: 'GET', url: `${API}/accounts`, token })
      expect(res.statusCode, token).toBe(401)
    }
  })
})
