import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialect } from '../support/database.js'
import { multipartBody, TINY_PNG } from '../support/multipart.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import {
  API,
  OWN_PASSWORD,
  adminInvites,
  createTenant,
  emailedCode,
  postAccept,
  storedUser,
  type Tenant,
} from './attack-support.js'

/**
 * Issue #12, "Cross-tenant profile write": one account never changes, nor reads, what another
 * account (or the person) set on a user they share.
 */
describe(`issue #12: one tenant never touches another's people (${testDialect})`, () => {
  let t: TestApp
  let a: Tenant
  let b: Tenant

  beforeAll(async () => {
    t = await buildTestApp()
    a = await createTenant(t, 'Client A')
    b = await createTenant(t, 'Client B')
  })
  afterAll(async () => t.close())

  it("refuses PUT …/accounts/{A}/users/{USR} changing the names and phone of B's member", async () => {
    const email = 'shared-member@example.com'
    const inB = await adminInvites(t, b, email, { firstName: 'Bea', lastName: 'Member' })
    const joined = await postAccept(t, inB.path, {
      code: await emailedCode(t, email),
      password: OWN_PASSWORD,
      firstName: 'Bea',
      lastName: 'Person',
    })
    expect(joined.statusCode, joined.body).toBe(200)
    const inA = await adminInvites(t, a, email)
    const put = await t.request({
      method: 'PUT',
      url: inA.path,
      token: a.token,
      payload: {
        user: { firstName: 'Renamed', lastName: 'ByA', phone: { prefix: '+1', number: '555' } },
        groups: [{ id: a.groupId }],
      },
    })
    expect(put.statusCode).toBeLessThan(500)
    const stored = await storedUser(t, inB.userId)
    expect([stored.first_name, stored.last_name, stored.phone_number]).toEqual([
      'Bea',
      'Person',
      null,
    ])
    const seenByB = (await t.request({ method: 'GET', url: inB.path, token: b.token })).json()
    expect([seenByB.firstName, seenByB.lastName, seenByB.phone?.number ?? null]).toEqual([
      'Bea',
      'Person',
      null,
    ])
  })

  it('refuses the same write while the person is only pending in both accounts', async () => {
    const email = 'pending-both@example.com'
    const inB = await adminInvites(t, b, email, { firstName: 'Typed', lastName: 'ByB' })
    const inA = await adminInvites(t, a, email, { firstName: 'Typed', lastName: 'ByA' })
    await t.request({
      method: 'PUT',
      url: inA.path,
      token: a.token,
      payload: {
        user: { firstName: 'Changed', lastName: 'ByA', phone: { prefix: '+1', number: '555' } },
        groups: [{ id: a.groupId }],
      },
    })
    const seenByB = (await t.request({ method: 'GET', url: inB.path, token: b.token })).json()
    expect([seenByB.firstName, seenByB.lastName, seenByB.phone?.number ?? null]).toEqual([
      'Typed',
      'ByB',
      null,
    ])
    const userSeenByB = (
      await t.request({ method: 'GET', url: `${API}/users/${inB.userId}`, token: b.token })
    ).json()
    expect(userSeenByB.firstName).toBe('Typed')
    expect(userSeenByB.lastName).toBe('ByB')
  })

  it('does not show B the names and phone A typed when B invites an existing address', async () => {
    const email = 'typed-by-a@example.com'
    await adminInvites(t, a, email, {
      firstName: 'Secret',
      lastName: 'Codename',
      phone: { prefix: '+7', number: '1234567' },
    })
    const inB = await adminInvites(t, b, email, { firstName: 'Dana', lastName: 'Doe' })
    const text = JSON.stringify(inB.body)
    expect(text).not.toContain('Secret')
    expect(text).not.toContain('Codename')
    expect(text).not.toContain('1234567')
    expect(inB.body.firstName).toBe('Dana')
    const listed = await t.request({
      method: 'GET',
      url: `${API}/accounts/${b.id}/users?eq(user.firstName,Secret)`,
      token: b.token,
    })
    expect(listed.json().$meta.pagination.total).toBe(0)
    const read = await t.request({ method: 'GET', url: inB.path, token: b.token })
    expect(read.body).not.toContain('Codename')
  })

  it('shows the person their own names once they registered, to every account', async () => {
    const email = 'registered-self@example.com'
    const inA = await adminInvites(t, a, email, { firstName: 'Typed', lastName: 'ByA' })
    const joined = await postAccept(t, inA.path, {
      code: await emailedCode(t, email),
      password: OWN_PASSWORD,
      firstName: 'Own',
      lastName: 'Name',
    })
    expect(joined.statusCode, joined.body).toBe(200)
    const inB = await adminInvites(t, b, email, { firstName: 'Typed', lastName: 'ByB' })
    expect([inB.body.firstName, inB.body.lastName]).toEqual(['Own', 'Name'])
  })

  it('lets an actor that manages every account of the person rename them everywhere', async () => {
    const email = 'renamed-by-ops@example.com'
    const inA = await adminInvites(t, a, email, { firstName: 'Typed', lastName: 'ByA' })
    const inB = await adminInvites(t, b, email, { firstName: 'Typed', lastName: 'ByB' })
    const res = await t.request({
      method: 'PUT',
      url: `${API}/users/${inA.userId}`,
      payload: { firstName: 'Official', lastName: 'Name' },
    })
    expect(res.statusCode, res.body).toBe(200)
    for (const [path, token] of [
      [inA.path, a.token],
      [inB.path, b.token],
    ] as const) {
      const seen = (await t.request({ method: 'GET', url: path, token })).json()
      expect([seen.firstName, seen.lastName]).toEqual(['Official', 'Name'])
    }
  })

  it("refuses PUT /users/{id} and an icon upload by A for B's member", async () => {
    const email = 'icon-target@example.com'
    const inB = await adminInvites(t, b, email)
    await adminInvites(t, a, email)
    const names = await t.request({
      method: 'PUT',
      url: `${API}/users/${inB.userId}`,
      token: a.token,
      payload: { firstName: 'Mallory' },
    })
    expect(names.statusCode).toBe(403)
    const upload = await multipartBody('user', {}, { part: 'icon', data: TINY_PNG })
    const icon = await t.request({
      method: 'PUT',
      url: `${API}/users/${inB.userId}`,
      token: a.token,
      ...upload,
    })
    expect(icon.statusCode).toBe(403)
  })
})
