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
  type Fixture,
  type FixtureAccount,
} from './access-fixture.js'
import { ENDPOINTS, type Endpoint } from './endpoints.js'

/**
 * Issue #4: every endpoint × every kind of caller → the status §2.1 and decisions 19–20 require.
 * The expected status is derived from the permission table, never written by hand: 401 without
 * a token (public routes aside), 403 for an account type that may never use the operation, 404
 * for another account's object (Operations sees every account), else the success code.
 */
type Column = AccountType | 'no token' | 'Client on another account' | 'Vendor on another account'

const COLUMNS: Array<{ column: Column; caller: AccountType | null; foreign: boolean }> = [
  { column: 'Client', caller: 'Client', foreign: false },
  { column: 'Vendor', caller: 'Vendor', foreign: false },
  { column: 'Operations', caller: 'Operations', foreign: false },
  { column: 'no token', caller: null, foreign: false },
  { column: 'Client on another account', caller: 'Client', foreign: true },
  { column: 'Vendor on another account', caller: 'Vendor', foreign: true },
]

function expectedStatus(endpoint: Endpoint, caller: AccountType | null, foreign: boolean): number {
  if (caller === null) return endpoint.auth ? endpoint.success : 401
  if (endpoint.operation && !can(caller, endpoint.operation)) return 403
  if (foreign && endpoint.auth !== 'public') return endpoint.foreignStatus ?? 404
  return endpoint.success
}

const ROWS = ENDPOINTS.flatMap((endpoint) =>
  COLUMNS.filter((c) => !c.foreign || endpoint.targetsObject).map(({ column, caller, foreign }) => {
    const expected = expectedStatus(endpoint, caller, foreign)
    return {
      name: `${endpoint.method} ${endpoint.path} as ${column} → ${expected}`,
      endpoint,
      caller,
      foreign,
      expected,
    }
  }),
)

describe(`access matrix (${testDialect})`, () => {
  let fx: Fixture

  beforeAll(async () => {
    // The members' addresses are @example.com: an identity provider serves it, so `sso` can succeed.
    fx = await buildFixture(await buildTestApp({ ssoDomains: ['example.com'] }))
  })
  afterAll(async () => fx.t.close())

  /** Who calls and whose object is targeted: Operations acts on Client B, others on their own or on B. */
  function partiesOf(
    caller: AccountType | null,
    foreign: boolean,
  ): { token: string | null; owner: FixtureAccount } {
    if (caller === null) return { token: null, owner: fx.clientA }
    if (caller === 'Operations') return { token: fx.operations.token, owner: fx.clientB }
    const self = caller === 'Client' ? fx.clientA : fx.vendor
    return { token: self.token, owner: foreign ? fx.clientB : self }
  }

  it.each(ROWS)('$name', async ({ endpoint, caller, foreign, expected }) => {
    const { token, owner } = partiesOf(caller, foreign)
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
