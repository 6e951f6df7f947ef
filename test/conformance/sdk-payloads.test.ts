import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteUser, uniqueEmail } from '../support/account-users.js'
import { testDialect } from '../support/database.js'
import { createAccount, createUserGroup } from '../support/factories.js'
import { TINY_PNG } from '../support/multipart.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import { sdkMultipart, type WirePart } from '../support/wire-multipart.js'

/**
 * Issue #11: every create and update payload of the official SDK (`mpt-api-client` and its e2e
 * suites), sent as the SDK puts it on the wire, is accepted: multipart with the file part first
 * for accounts, buyers and users; JSON for the rest. Read-only members it echoes (`status`,
 * `type` on update, `account` on a buyer update, `invitation.status`, `logo: ""`, `icon: ""`,
 * `buyers: null`) are accepted and ignored or read as documented.
 */
const API = '/public/v1/accounts'
const SDK_HEADERS = { accept: 'application/json', 'user-agent': 'swo-marketplace-client/1.0' }
const ADDRESS = {
  addressLine1: '123 Test St',
  city: 'San Francisco',
  state: 'CA',
  postCode: '12345',
  country: 'US',
}
const logo = (name: string): WirePart => ({
  name,
  filename: 'logo.png',
  type: 'image/png',
  body: TINY_PNG,
})

describe(`the official SDK's payloads (${testDialect})`, () => {
  let t: TestApp
  let client: string
  let group: string
  beforeAll(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client' })
    group = await createUserGroup(t.db.db, client)
  })
  afterAll(async () => t.close())

  const json = (method: 'POST' | 'PUT', url: string, payload: unknown) =>
    t.request({ method, url, headers: SDK_HEADERS, payload: payload as object })
  const multipart = async (
    method: 'POST' | 'PUT',
    url: string,
    body: ReturnType<typeof sdkMultipart>,
  ) =>
    t.request({ method, url, headers: { ...SDK_HEADERS, ...body.headers }, payload: body.payload })

  /** `account_factory`: no `serviceLevel`; `status` is read-only. */
  const sdkAccount = (name: string) => ({
    name,
    address: ADDRESS,
    type: 'Vendor',
    status: 'Active',
  })

  it('accounts.create(account, logo=…) and accounts.update(id, account, logo=…)', async () => {
    const created = await multipart(
      'POST',
      `${API}/accounts`,
      sdkMultipart('account', sdkAccount('E2E Test Api Client Vendor'), logo('logo')),
    )
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).toMatchObject({
      name: 'E2E Test Api Client Vendor',
      type: 'Vendor',
      status: 'Active',
      serviceLevel: 'NotApplicable',
      address: ADDRESS,
    })
    expect(created.json().icon).toMatch(/^\/public\/v1\/accounts\/icons\//)
    const updated = await multipart(
      'PUT',
      `${API}/accounts/${created.json().id}`,
      sdkMultipart('account', sdkAccount('Updated Account Name'), logo('logo')),
    )
    expect(updated.statusCode, updated.body).toBe(200)
    expect(updated.json()).toMatchObject({ name: 'Updated Account Name', type: 'Vendor' })
  })

  it('buyers.create(buyer, logo=…) and buyers.update(id, buyer, logo=…)', async () => {
    const sdkBuyer = (name: string) => ({
      name,
      account: { id: client },
      contact: { firstName: 'first', lastName: 'last', email: 'created.buyer@example.com' },
      address: { ...ADDRESS, addressLine1: '123 Main St', city: 'Los Angeles' },
    })
    const created = await multipart(
      'POST',
      `${API}/buyers`,
      sdkMultipart('buyer', sdkBuyer('E2E Created Buyer'), logo('logo')),
    )
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).toMatchObject({
      name: 'E2E Created Buyer',
      account: { id: client },
      contact: { firstName: 'first', lastName: 'last', email: 'created.buyer@example.com' },
    })
    const updated = await multipart(
      'PUT',
      `${API}/buyers/${created.json().id}`,
      sdkMultipart('buyer', sdkBuyer('E2E Updated Buyer'), logo('logo')),
    )
    expect(updated.statusCode, updated.body).toBe(200)
    expect(updated.json().name).toBe('E2E Updated Buyer')
  })

  it('users.update(id, user, file=…): status and settings as the SDK sends them', async () => {
    const invited = await inviteUser(t, { accountId: client, groupIds: [group] })
    const res = await multipart(
      'PUT',
      `${API}/users/${invited.userId}`,
      sdkMultipart(
        'user',
        {
          firstName: 'E2E Updated',
          lastName: 'User',
          email: invited.email,
          status: 'Invited',
          settings: { cultureCode: 'en-US', languageCode: 'en-US' },
        },
        logo('icon'),
      ),
    )
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      firstName: 'E2E Updated',
      lastName: 'User',
      settings: { cultureCode: 'en-US', languageCode: 'en-US' },
    })
    expect(res.json().icon).toMatch(/^\/public\/v1\/accounts\/icons\//)
  })

  it('accounts.users(account_id).create / update / groups: the account-user payloads', async () => {
    const users = `${API}/accounts/${client}/users`
    const sdkAccountUser = (firstName: string, email: string) => ({
      user: { firstName, lastName: 'Account User', email },
      account: { id: client },
      groups: [{ id: group }],
      invitation: { status: 'Invited' },
    })
    const email = uniqueEmail('e2e')
    const created = await json('POST', users, sdkAccountUser('E2E Created', email))
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).toMatchObject({ firstName: 'E2E Created', status: 'Invited' })
    const item = `${users}/${created.json().id}`
    const updated = await json('PUT', item, sdkAccountUser('E2E Updated', email))
    expect(updated.statusCode, updated.body).toBe(200)
    expect(updated.json().firstName).toBe('E2E Updated')
    const other = await createUserGroup(t.db.db, client)
    // The SDK's groups service lives under the v4 path family.
    const groups = `${API}/${client}/users/${created.json().id}/groups`
    expect((await json('POST', groups, { id: other })).statusCode).toBe(200)
    expect((await json('PUT', groups, [{ id: other }])).statusCode).toBe(200)
    const resend = await t.request({
      method: 'POST',
      url: `${item}/resend-invite`,
      headers: SDK_HEADERS,
    })
    expect(resend.statusCode, resend.body).toBe(200)
  })

  it('user_groups.create / update: buyers null, logo ""', async () => {
    const sdkGroup = (name: string) => ({
      name,
      account: { id: client },
      buyers: null,
      logo: '',
      description: 'User group for E2E tests',
      modules: [{ id: 'MOD-1756' }],
    })
    const created = await json(
      'POST',
      `${API}/user-groups`,
      sdkGroup('E2E Test Api Client User Group'),
    )
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).toMatchObject({ buyers: null, logo: null })
    const updated = await json(
      'PUT',
      `${API}/user-groups/${created.json().id}`,
      sdkGroup('Renamed'),
    )
    expect(updated.statusCode, updated.body).toBe(200)
    expect(updated.json()).toMatchObject({ name: 'Renamed', buyers: null, logo: null })
  })

  it('api_tokens.create / update: icon ""', async () => {
    const sdkToken = (name: string) => ({
      account: { id: client },
      name,
      description: 'E2E token',
      icon: '',
      modules: [{ id: 'MOD-1756' }],
    })
    const created = await json('POST', `${API}/api-tokens`, sdkToken('E2E Token'))
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).toMatchObject({ icon: null, modules: [{ id: 'MOD-1756' }] })
    const updated = await json('PUT', `${API}/api-tokens/${created.json().id}`, sdkToken('Renamed'))
    expect(updated.statusCode, updated.body).toBe(200)
    expect(updated.json()).toMatchObject({ name: 'Renamed', icon: null })
  })
})
