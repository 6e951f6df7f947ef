import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccount, createApiToken } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

const API = '/public/v1/accounts'
const address = {
  addressLine1: 'Riedstrasse 1',
  postCode: '6343',
  city: 'Rotkreuz',
  state: 'Zug',
  country: 'CH',
}

describe('scenario: a seller, a buyer and its licensee, an ERP link through its states, and the buyer moved to a sister account', () => {
  let t: TestApp
  /** two Client accounts of one organisation (CDG-STARK): the buyer starts in A, moves to B */
  let a: { id: string; token: string }
  let b: { id: string; token: string }
  beforeEach(async () => {
    t = await buildTestApp()
    const account = async (name: string) => {
      const id = await createAccount(t.db.db, { type: 'Client', name, externalId: 'CDG-STARK' })
      return { id, token: (await createApiToken(t.db.db, id)).credential }
    }
    a = await account('Stark Europe')
    b = await account('Stark Switzerland')
  })
  afterEach(async () => t.close())

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    token?: string,
  ) => t.request({ method, url: `${API}${url}`, ...(payload ? { payload } : {}), token })
  /** The status each account gets reading `url`, and the body A and B see. */
  async function seenBy(url: string) {
    const [asA, asB] = [
      await call('GET', url, undefined, a.token),
      await call('GET', url, undefined, b.token),
    ]
    return { a: asA.statusCode, b: asB.statusCode, bodyA: asA.json(), bodyB: asB.json() }
  }
  const listIds = async (url: string, token: string) =>
    (await call('GET', url, undefined, token)).json().data.map((x: { id: string }) => x.id)

  it('keeps each account to what is its own at every step', async () => {
    // 1. Operations creates the seller (the SDK's payload).
    const seller = await call('POST', '/sellers', {
      name: 'SoftwareOne AG',
      externalId: 'SWO_CH',
      address,
      currencies: [
        { value: 'CHF', billingEnabled: true, isDefault: true },
        { value: 'EUR', billingEnabled: false, isDefault: false },
      ],
    })
    expect(seller.statusCode).toBe(201)
    const sellerId = seller.json().id as string
    // Nobody's buyer is linked to it yet: neither Client sees it.
    expect(await seenBy(`/sellers/${sellerId}`)).toMatchObject({ a: 404, b: 404 })

    // 2. A buyer for A. Buyers are created by Operations (access table §2.1), on A's account.
    const buyer = await call('POST', '/buyers', {
      name: 'Stark Industries',
      address,
      account: { id: a.id },
    })
    expect(buyer.statusCode).toBe(201)
    const buyerId = buyer.json().id as string
    expect(buyer.json()).toMatchObject({ status: 'Enabled', sellers: [] })
    expect(await seenBy(`/buyers/${buyerId}`)).toMatchObject({ a: 200, b: 404 })

    // 3. A cannot name a seller it cannot see: the licensee waits for the link.
    const licenseeBody = {
      name: 'Stark Purchasing',
      buyer: { id: buyerId },
      seller: { id: sellerId },
      account: { id: a.id },
      useBuyerAddress: true,
      eligibility: { client: true, partner: false },
    }
    const early = await call('POST', '/licensees', licenseeBody, a.token)
    expect(early.statusCode).toBe(400)
    expect(early.json().code).toBe('LICENSEE_SELLER_INVALID')
    expect(
      (
        await call('POST', '/licensees', { ...licenseeBody, seller: { id: sellerId } }, b.token)
      ).json().code,
    ).toBe('LICENSEE_BUYER_INVALID')

    // 4. Operations links the buyer to the seller (the SDK's create).
    const link = await call('POST', '/erp-links', {
      buyer: { id: buyerId },
      seller: { id: sellerId },
      externalIds: { erpCustomer: 'SCU-100' },
      note: 'opened for the scenario',
    })
    expect(link.statusCode).toBe(201)
    const linkId = link.json().id as string
    expect(link.json()).toMatchObject({
      name: 'Stark Industries - SoftwareOne AG',
      status: 'Active',
    })
    let seen = await seenBy(`/erp-links/${linkId}`)
    expect(seen).toMatchObject({ a: 200, b: 404 })
    expect(seen.bodyA).not.toHaveProperty('note')
    expect(await seenBy(`/sellers/${sellerId}`)).toMatchObject({ a: 200, b: 404 })
    seen = await seenBy(`/buyers/${buyerId}`)
    expect(seen.bodyA.sellers).toEqual([
      {
        id: sellerId,
        name: 'SoftwareOne AG',
        externalId: 'SWO_CH',
        icon: null,
        erpLink: {
          id: linkId,
          name: 'Stark Industries - SoftwareOne AG',
          icon: null,
          status: 'Active',
        },
      },
    ])

    // 5. Now A creates its licensee: Enabled while the buyer is not yet Active.
    const licensee = await call('POST', '/licensees', licenseeBody, a.token)
    expect(licensee.statusCode, licensee.body).toBe(201)
    const licenseeId = licensee.json().id as string
    expect(licensee.json()).toMatchObject({
      status: 'Enabled',
      account: { id: a.id },
      address: null,
    })
    expect(await seenBy(`/licensees/${licenseeId}`)).toMatchObject({ a: 200, b: 404 })
    expect(await listIds('/licensees', b.token)).toEqual([])

    // 6. Operations activates the buyer: the pair is connected, the licensee Active.
    const activated = await call('POST', `/buyers/${buyerId}/activate`, {
      account: { id: a.id },
      externalIds: { erpCustomer: 'SCU-100', accountExternalId: 'CDG-STARK' },
    })
    expect(activated.statusCode).toBe(200)
    expect((await seenBy(`/licensees/${licenseeId}`)).bodyA.status).toBe('Active')

    // 7. The link is blocked (the licensee is no longer usable), then unblocked.
    const blocked = await call('POST', `/erp-links/${linkId}/block`, { note: 'Credit hold' })
    expect(blocked.json()).toMatchObject({ status: 'Blocked', note: 'Credit hold' })
    seen = await seenBy(`/erp-links/${linkId}?select=audit`)
    expect(seen.bodyA).toMatchObject({
      status: 'Blocked',
      audit: { blocked: { at: expect.any(String) } },
    })
    expect(seen.b).toBe(404)
    expect((await seenBy(`/licensees/${licenseeId}`)).bodyA.status).toBe('Enabled')
    expect((await seenBy(`/buyers/${buyerId}`)).bodyA.sellers[0].erpLink.status).toBe('Blocked')
    expect((await call('POST', `/erp-links/${linkId}/unblock`)).json().status).toBe('Active')
    expect((await seenBy(`/licensees/${licenseeId}`)).bodyA.status).toBe('Active')

    // 8. Operations validates the buyer (nothing saved) before moving it.
    const validated = await call('POST', `/buyers/${buyerId}/validate`, {
      account: { id: a.id },
      name: 'Stark Industries AG',
    })
    expect(validated.statusCode).toBe(200)
    expect(validated.json().name).toBe('Stark Industries AG')
    expect((await seenBy(`/buyers/${buyerId}`)).bodyA.name).toBe('Stark Industries')

    // 9. The transfer preview, by Operations and by A (its own buyer); B cannot see it yet.
    const preview = await call('GET', `/buyers/${buyerId}/transfer?destinationAccountId=${b.id}`)
    expect(preview.statusCode).toBe(200)
    expect(preview.json().stats).toMatchObject({
      licenseeCount: 1,
      userGroupCount: 0,
      userCount: 0,
    })
    seen = await seenBy(`/buyers/${buyerId}/transfer?destinationAccountId=${b.id}`)
    expect(seen).toMatchObject({ a: 200, b: 404 })

    // 10. Executed: the buyer and its licensee move to B; the link and seller follow the buyer.
    const moved = await call('POST', `/buyers/${buyerId}/transfer`, { account: { id: b.id } })
    expect(moved.statusCode, moved.body).toBe(200)
    expect(moved.json()).toMatchObject({ account: { id: b.id }, status: 'Active' })
    for (const url of [
      `/buyers/${buyerId}`,
      `/licensees/${licenseeId}`,
      `/erp-links/${linkId}`,
      `/sellers/${sellerId}`,
      `/buyers/${buyerId}/transfer`,
    ]) {
      expect(await seenBy(url), url).toMatchObject({ a: 404, b: 200 })
    }
    expect((await seenBy(`/licensees/${licenseeId}`)).bodyB).toMatchObject({
      status: 'Active',
      account: { id: b.id, name: 'Stark Switzerland' },
    })
    expect(await listIds('/buyers', a.token)).toEqual([])
    expect(await listIds('/licensees', a.token)).toEqual([])
    expect(await listIds('/erp-links', a.token)).toEqual([])
    expect(await listIds('/sellers', a.token)).toEqual([])
    expect(await listIds('/buyers', b.token)).toEqual([buyerId])
    expect(await listIds('/licensees', b.token)).toEqual([licenseeId])
    expect(await listIds('/erp-links', b.token)).toEqual([linkId])
    expect(await listIds('/sellers', b.token)).toEqual([sellerId])

    // The move is on the record.
    const trail = await t.db.db
      .selectFrom('audit_events')
      .select(['event', 'details'])
      .where('object_id', '=', buyerId)
      .where('event', '=', 'transferred')
      .executeTakeFirstOrThrow()
    expect(JSON.parse(trail.details!)).toMatchObject({
      from: { id: a.id },
      to: { id: b.id },
      licensees: [licenseeId],
    })
  })
})
