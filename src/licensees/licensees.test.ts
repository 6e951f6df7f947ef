import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inviteUser } from '../../test/support/account-users.js'
import {
  createAccount,
  createApiToken,
  createBuyer,
  createErpLink,
  createSeller,
  createUserGroup,
} from '../../test/support/factories.js'
import { multipartBody, TINY_PNG } from '../../test/support/multipart.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/licensees'
const address = {
  addressLine1: '123 Main St',
  city: 'Los Angeles',
  state: 'CA',
  postCode: '67890',
  country: 'US',
}

/**
 * multipart/form-data as the official SDK (httpx) lays it out for licensees: the `logo` file part
 * first, then the `licensee` JSON part, here as a plain form field (`curl -F 'licensee={…}'`).
 */
function sdkMultipart(json: object, logo?: Buffer) {
  const boundary = '----sdk-boundary-7MA4YWxkTrZu0gW'
  const parts: Buffer[] = []
  if (logo) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="logo"; filename="logo.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      logo,
      Buffer.from('\r\n'),
    )
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="licensee"\r\n\r\n${JSON.stringify(json)}\r\n--${boundary}--\r\n`,
    ),
  )
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat(parts),
  }
}

describe('licensees: create and update', () => {
  let t: TestApp
  let client: string
  let clientToken: string
  let buyer: string
  let seller: string
  /** The official SDK's e2e payload (§11.3), with this test's ids. */
  const sdkPayload = (fields: object = {}) => ({
    name: 'E2E Created licensee',
    address,
    useBuyerAddress: false,
    seller: { id: seller },
    buyer: { id: buyer },
    account: { id: client },
    eligibility: { client: true, partner: false },
    groups: [
      {
        name: 'E2E Test Api Client User Group',
        account: { id: client },
        buyers: null,
        logo: '',
        description: 'User group for E2E tests',
        modules: [{ id: 'MOD-1756' }],
      },
    ],
    type: 'Client',
    status: 'Enabled',
    defaultLanguage: 'en-US',
    ...fields,
  })

  beforeEach(async () => {
    t = await buildTestApp()
    client = await createAccount(t.db.db, { type: 'Client', name: 'Stark' })
    clientToken = (await createApiToken(t.db.db, client)).credential
    buyer = await createBuyer(t.db.db, client, 'Stark Industries')
    seller = await createSeller(t.db.db, { name: 'SoftwareOne AG', externalId: 'SWO_CH' })
    await createErpLink(t.db.db, buyer, seller)
  })
  afterEach(async () => t.close())

  const create = (payload: object, token: string | undefined = clientToken) =>
    t.request({ method: 'POST', url: URL, payload, token })
  const get = (url: string, token?: string | null) => t.request({ method: 'GET', url, token })
  const put = (id: string, payload: object, token: string | undefined = clientToken) =>
    t.request({ method: 'PUT', url: `${URL}/${id}`, payload, token })
  const act = (id: string, action: string, token: string | undefined = clientToken) =>
    t.request({ method: 'POST', url: `${URL}/${id}/${action}`, token })

  it("creates from the SDK's multipart (logo first), Active when buyer and link are Active", async () => {
    const res = await t.request({
      method: 'POST',
      url: URL,
      token: clientToken,
      ...sdkMultipart(sdkPayload(), TINY_PNG),
    })
    expect(res.statusCode, res.body).toBe(201)
    const licensee = res.json()
    expect(licensee.id).toMatch(/^LCE-\d{4}-\d{4}-\d{4}$/)
    expect(licensee).toMatchObject({
      name: 'E2E Created licensee',
      externalId: null,
      status: 'Active',
      useBuyerAddress: false,
      address,
      description: null,
      contact: null,
      account: { id: client, name: 'Stark', type: 'Client', status: 'Active', icon: null },
      buyer: { id: buyer, name: 'Stark Industries', icon: null },
      seller: { id: seller, name: 'SoftwareOne AG', externalId: 'SWO_CH', icon: null },
      eligibility: { client: true, partner: false },
    })
    expect(licensee.icon).toMatch(/^\/public\/v1\/accounts\/icons\//)
    expect(licensee.audit.created.of.id).toBe(client)
    const icon = await get(`${URL}/${licensee.id}/icon`, null)
    expect(icon.statusCode).toBe(307)
    expect(icon.headers.location).toBe(licensee.icon)
    // The SDK's update: the same multipart with another name.
    const updated = await t.request({
      method: 'PUT',
      url: `${URL}/${licensee.id}`,
      token: clientToken,
      ...sdkMultipart(sdkPayload({ name: 'E2E Updated licensee' }), TINY_PNG),
    })
    expect(updated.statusCode, updated.body).toBe(200)
    expect(updated.json().name).toBe('E2E Updated licensee')
    // One icon per object (issue #12): the replaced logo is gone, and a delete takes the new one.
    expect(updated.json().icon).not.toBe(licensee.icon)
    expect((await get(licensee.icon, null)).statusCode).toBe(404)
    expect((await get(updated.json().icon, null)).statusCode).toBe(200)
    const removed = await t.request({
      method: 'DELETE',
      url: `${URL}/${licensee.id}`,
      token: clientToken,
    })
    expect(removed.statusCode).toBe(204)
    expect((await get(updated.json().icon, null)).statusCode).toBe(404)
  })

  it('takes plain JSON and a JSON part sent as a file', async () => {
    expect((await create(sdkPayload())).statusCode).toBe(201)
    const asFile = await multipartBody('licensee', sdkPayload(), undefined, { jsonAsFile: true })
    const res = await t.request({ method: 'POST', url: URL, token: clientToken, ...asFile })
    expect(res.statusCode).toBe(201)
    expect(res.json().icon).toBeNull()
  })

  it('is Enabled while its buyer is not Active or the pair has no Active link', async () => {
    const enabledBuyer = await createBuyer(t.db.db, client)
    await t.db.db
      .updateTable('buyers')
      .set({ status: 'Enabled' })
      .where('id', '=', enabledBuyer)
      .execute()
    await createErpLink(t.db.db, enabledBuyer, seller)
    const unlinkedBuyer = await createBuyer(t.db.db, client)
    for (const id of [enabledBuyer, unlinkedBuyer]) {
      const res = await create(sdkPayload({ buyer: { id }, status: 'Active' }))
      expect(res.json().status).toBe('Enabled')
    }
  })

  it("stores no address with the buyer's, and requires one without it (decision 36)", async () => {
    const withBuyers = await create(sdkPayload({ useBuyerAddress: true }))
    expect(withBuyers.json()).toMatchObject({ useBuyerAddress: true, address: null })
    const missing = await create(sdkPayload({ address: undefined }))
    expect(missing.statusCode).toBe(400)
    expect(missing.json().code).toBe('LICENSEE_ADDRESS_REQUIRED')
    const id = withBuyers.json().id
    const off = await put(id, { useBuyerAddress: false })
    expect(off.json().code).toBe('LICENSEE_ADDRESS_REQUIRED')
    const own = await put(id, { useBuyerAddress: false, address })
    expect(own.json()).toMatchObject({ useBuyerAddress: false, address })
  })

  it("refuses another tenant's buyer or seller with 400, never revealing them with 404", async () => {
    const other = await createAccount(t.db.db, { type: 'Client' })
    const theirBuyer = await createBuyer(t.db.db, other)
    const theirSeller = await createSeller(t.db.db)
    await createErpLink(t.db.db, theirBuyer, theirSeller)
    const disabledBuyer = await createBuyer(t.db.db, client)
    await t.db.db
      .updateTable('buyers')
      .set({ status: 'Disabled' })
      .where('id', '=', disabledBuyer)
      .execute()
    const disabledSeller = await createSeller(t.db.db, { status: 'Disabled' })
    await createErpLink(t.db.db, buyer, disabledSeller)
    const cases: Array<[object, string, string]> = [
      [{ buyer: { id: theirBuyer }, account: undefined }, 'LICENSEE_BUYER_INVALID', 'buyer.id'],
      [{ buyer: { id: 'BUY-0000-0000' } }, 'LICENSEE_BUYER_INVALID', 'buyer.id'],
      [{ buyer: { id: disabledBuyer } }, 'LICENSEE_BUYER_INVALID', 'buyer.id'],
      [{ seller: { id: theirSeller } }, 'LICENSEE_SELLER_INVALID', 'seller.id'],
      [{ seller: { id: disabledSeller } }, 'LICENSEE_SELLER_INVALID', 'seller.id'],
      [{ account: { id: other } }, 'LICENSEE_ACCOUNT_INVALID', 'account.id'],
      [
        { contact: { user: { id: 'USR-0000-0000' } } },
        'LICENSEE_CONTACT_INVALID',
        'contact.user.id',
      ],
      [
        { eligibility: { client: false, partner: true } },
        'LICENSEE_PARTNER_NOT_ELIGIBLE',
        'eligibility.partner',
      ],
    ]
    for (const [fields, code, property] of cases) {
      const res = await create(sdkPayload(fields))
      expect(res.statusCode, JSON.stringify(fields)).toBe(400)
      expect(res.json().code).toBe(code)
      expect(res.json().errors[0].properties).toEqual([property])
    }
    // Operations may use any usable buyer and seller.
    const asOps = await create(
      sdkPayload({ buyer: { id: theirBuyer }, seller: { id: theirSeller }, account: undefined }),
      t.operations.token,
    )
    expect(asOps.statusCode).toBe(201)
    expect(asOps.json().account.id).toBe(other)
  })

  it('takes a contact user of the account and partner eligibility where the account has it', async () => {
    const group = await createUserGroup(t.db.db, client)
    const member = await inviteUser(t, { accountId: client, groupIds: [group] })
    const res = await create(
      sdkPayload({
        contact: {
          name: 'echoed',
          firstName: 'Pepper',
          lastName: 'Potts',
          email: 'pepper@stark.example',
          phone: { prefix: '+1', number: '5550100' },
          user: { id: member.userId },
        },
      }),
    )
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().contact).toEqual({
      name: 'Pepper Potts',
      firstName: 'Pepper',
      lastName: 'Potts',
      email: 'pepper@stark.example',
      phone: { prefix: '+1', number: '5550100' },
      user: { id: member.userId, name: 'Ada Lovelace', icon: null },
    })
    await t.db.db
      .updateTable('accounts')
      .set({ eligibility: JSON.stringify({ client: true, partner: true }) })
      .where('id', '=', client)
      .execute()
    const resale = await create(sdkPayload({ eligibility: { partner: true } }))
    expect(resale.json().eligibility).toEqual({ client: true, partner: true })
  })

  it.each([
    ['name', { name: '  ' }],
    ['buyer', { buyer: undefined }],
    ['useBuyerAddress', { useBuyerAddress: undefined }],
    ['buyer.id', { buyer: { id: 'BUYER' } }],
    ['contact.email', { contact: { email: 'not-an-email' } }],
    ['description', { description: 'x'.repeat(2001) }],
    ['mistake', { mistake: 1 }],
  ])('refuses an invalid %s, naming it', async (field, fields) => {
    const res = await create(sdkPayload(fields))
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual([field])
  })

  it('updates what may change; buyer, seller and account only echoed; status ignored', async () => {
    const id = (await create(sdkPayload({ description: 'Purchasing' }))).json().id
    expect((await act(id, 'disable')).json().status).toBe('Disabled')
    const echo = await put(id, { ...sdkPayload({ name: 'Renamed' }), status: 'Active' })
    expect(echo.statusCode).toBe(200)
    expect(echo.json()).toMatchObject({
      name: 'Renamed',
      status: 'Disabled',
      description: 'Purchasing',
    })
    expect((await put(id, { description: null, externalId: 'EXT-1' })).json()).toMatchObject({
      name: 'Renamed',
      description: null,
      externalId: 'EXT-1',
    })
    const other = await createBuyer(t.db.db, client)
    const moved = await put(id, { buyer: { id: other }, seller: { id: seller } })
    expect(moved.statusCode).toBe(400)
    expect(moved.json()).toMatchObject({ code: 'LICENSEE_REFERENCE_IMMUTABLE' })
    expect(moved.json().errors[0].properties).toEqual(['buyer.id'])
    const audit = await get(`${URL}/${id}?select=audit`, clientToken)
    expect(Object.keys(audit.json().audit).sort()).toEqual(['created', 'disabled', 'updated'])
  })
})
