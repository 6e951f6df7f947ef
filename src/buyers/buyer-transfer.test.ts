import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inviteUser, type Invited } from '../../test/support/account-users.js'
import {
  createAccount,
  createApiToken,
  createBuyer,
  createErpLink,
  createLicensee,
  createSeller,
  createUserGroup,
} from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

const URL = '/public/v1/accounts/buyers'
const GROUPS = '/public/v1/accounts/user-groups'

describe('transferring a buyer (§11.6, decisions 49–51)', () => {
  let t: TestApp
  /** source and destination: two Client accounts of one organisation (CDG-1) */
  let source: string
  let destination: string
  let sourceToken: string
  let destinationToken: string
  let buyer: string
  let otherBuyer: string
  let seller: string
  let live: string
  let gone: string
  let restricted: string
  let mixed: string
  let allBuyers: string
  let members: Invited[]
  beforeEach(async () => {
    t = await buildTestApp()
    source = await createAccount(t.db.db, { type: 'Client', externalId: 'CDG-1', name: 'Source' })
    destination = await createAccount(t.db.db, { type: 'Client', externalId: 'CDG-1' })
    sourceToken = (await createApiToken(t.db.db, source)).credential
    destinationToken = (await createApiToken(t.db.db, destination)).credential
    buyer = await createBuyer(t.db.db, source, 'Moving buyer')
    otherBuyer = await createBuyer(t.db.db, source, 'Staying buyer')
    seller = await createSeller(t.db.db)
    await createErpLink(t.db.db, buyer, seller)
    live = await createLicensee(t.db.db, buyer, seller, { status: 'Active' })
    gone = await createLicensee(t.db.db, buyer, seller, { status: 'Deleted' })
    const marketplace = ['MOD-0478', 'MOD-1756']
    restricted = await createUserGroup(t.db.db, source, { modules: marketplace, buyers: [buyer] })
    mixed = await createUserGroup(t.db.db, source, {
      modules: marketplace,
      buyers: [buyer, otherBuyer],
    })
    allBuyers = await createUserGroup(t.db.db, source, { modules: marketplace })
    members = [
      await inviteUser(t, { accountId: source, groupIds: [restricted, mixed] }),
      await inviteUser(t, { accountId: source, groupIds: [mixed] }),
      await inviteUser(t, { accountId: source, groupIds: [allBuyers] }),
    ]
  })
  afterEach(async () => t.close())

  const details = (query = '', token?: string, id = buyer) =>
    t.request({ method: 'GET', url: `${URL}/${id}/transfer${query}`, token })
  const transfer = (accountId: string, token?: string, id = buyer) =>
    t.request({
      method: 'POST',
      url: `${URL}/${id}/transfer`,
      payload: { id, name: 'echoed', account: { id: accountId } },
      token,
    })
  const entryIds = (res: { json(): { errors: Array<{ id: string }> } }) =>
    res.json().errors.map((e) => e.id)

  it('previews what would move and what the source users would lose', async () => {
    const res = await details()
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ id: buyer, name: 'Moving buyer', account: { id: source } })
    expect(body.stats).toEqual({
      licenseeCount: 1,
      userGroupCount: 2,
      userCount: 2,
      orderCount: 0,
      subscriptionCount: 0,
      agreementCount: 0,
    })
    expect(body.users).toEqual(
      [members[0]!, members[1]!]
        .map((m) => ({
          id: m.accountUserId,
          user: { id: m.userId, name: 'Ada Lovelace', icon: null },
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    )
    expect(body.errors).toEqual([])
    const asClient = await details('', sourceToken)
    expect(asClient.statusCode).toBe(200)
    expect(asClient.json()).not.toHaveProperty('errors')
    expect((await details(`?destinationAccountId=${destination}`)).statusCode).toBe(200)
  })

  it('reports every failed check of a destination, by id, the same way the transfer does', async () => {
    const vendor = await createAccount(t.db.db, { type: 'Vendor', externalId: 'CDG-1' })
    const disabled = await createAccount(t.db.db, { externalId: 'CDG-1', status: 'Disabled' })
    const elsewhere = await createAccount(t.db.db, { externalId: 'CDG-2' })
    const cases: Array<[string, string[]]> = [
      ['ACC-0000-0000', ['DESTINATION_NOT_FOUND']],
      [vendor, ['DESTINATION_NOT_CLIENT']],
      [disabled, ['DESTINATION_DISABLED']],
      [source, ['SAME_ACCOUNT']],
      [elsewhere, ['EXTERNAL_ID_MISMATCH']],
    ]
    for (const [accountId, ids] of cases) {
      const preview = await details(`?destinationAccountId=${accountId}`)
      expect(preview.statusCode, accountId).toBe(400)
      expect(preview.json().code).toBe('BUYER_TRANSFER_INVALID')
      expect(entryIds(preview)).toEqual(ids)
      const res = await transfer(accountId)
      expect(res.statusCode).toBe(400)
      expect(entryIds(res)).toEqual(ids)
      expect(res.json().errors[0].properties).toEqual(['account.id'])
    }
    const malformed = await details('?destinationAccountId=nope')
    expect(Object.keys(malformed.json().errors)).toEqual(['destinationAccountId'])
    expect(Object.keys((await transfer('nope')).json().errors)).toEqual(['account.id'])
    // Nothing moved on the way.
    const row = await t.db.db
      .selectFrom('buyers')
      .select('account_id')
      .where('id', '=', buyer)
      .executeTakeFirstOrThrow()
    expect(row.account_id).toBe(source)
  })

  it('moves the buyer and its live licensees in one audited step; groups lose it, never widen', async () => {
    const res = await transfer(destination)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ id: buyer, account: { id: destination } })
    expect(res.json().sellers.map((s: { id: string }) => s.id)).toEqual([seller])
    const licensees = await t.db.db
      .selectFrom('licensees')
      .select(['id', 'account_id'])
      .orderBy('id')
      .execute()
    expect(Object.fromEntries(licensees.map((l) => [l.id, l.account_id]))).toEqual({
      [live]: destination,
      [gone]: source,
    })
    const group = async (id: string) =>
      (await t.request({ method: 'GET', url: `${GROUPS}/${id}` })).json().buyers
    expect(await group(restricted)).toEqual([])
    expect((await group(mixed)).map((b: { id: string }) => b.id)).toEqual([otherBuyer])
    expect(await group(allBuyers)).toBeNull()
    const trail = await t.db.db
      .selectFrom('audit_events')
      .select(['object_id', 'event', 'details', 'account_id'])
      .where('event', 'in', ['transferred', 'updated'])
      .where('object_id', 'in', [buyer, live])
      .orderBy('id')
      .execute()
    expect(trail.map((e) => [e.object_id, e.event])).toEqual([
      [buyer, 'updated'],
      [buyer, 'transferred'],
      [live, 'updated'],
    ])
    expect(JSON.parse(trail[1]!.details!)).toMatchObject({
      from: { id: source },
      to: { id: destination },
    })
    // Each account's view: the source lost the buyer and licensee, the destination has them.
    expect(
      (await t.request({ method: 'GET', url: `${URL}/${buyer}`, token: sourceToken })).statusCode,
    ).toBe(404)
    expect(
      (await t.request({ method: 'GET', url: `${URL}/${buyer}`, token: destinationToken }))
        .statusCode,
    ).toBe(200)
    const lic = (token: string) =>
      t.request({ method: 'GET', url: `/public/v1/accounts/licensees/${live}`, token })
    expect((await lic(sourceToken)).statusCode).toBe(404)
    expect((await lic(destinationToken)).json().account.id).toBe(destination)
    // Nobody was moved or copied.
    const memberships = await t.db.db
      .selectFrom('account_users')
      .select('account_id')
      .where(
        'user_id',
        'in',
        members.map((m) => m.userId),
      )
      .execute()
    expect(memberships.every((m) => m.account_id === source)).toBe(true)
  })

  it("drops a licensee contact's user who is not a user of the destination", async () => {
    const licensee = await t.request({
      method: 'POST',
      url: '/public/v1/accounts/licensees',
      payload: {
        buyer: { id: buyer },
        seller: { id: seller },
        useBuyerAddress: true,
        contact: { firstName: 'Pepper', lastName: 'Potts', user: { id: members[0]!.userId } },
      },
    })
    expect(licensee.json().contact.user.id).toBe(members[0]!.userId)
    expect((await transfer(destination)).statusCode).toBe(200)
    const moved = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/licensees/${licensee.json().id}`,
      token: destinationToken,
    })
    expect(moved.json().contact).toEqual({
      name: 'Pepper Potts',
      firstName: 'Pepper',
      lastName: 'Potts',
      email: null,
    })
    expect(moved.body).not.toContain(members[0]!.userId)
  })

  it('lets a Client preview its own buyers only, and shows it no account of another organisation', async () => {
    const stranger = await createAccount(t.db.db, { type: 'Vendor', externalId: 'CDG-9' })
    const hidden = await details(`?destinationAccountId=${stranger}`, sourceToken)
    expect(hidden.statusCode).toBe(400)
    expect(entryIds(hidden)).toEqual(['DESTINATION_NOT_FOUND'])
    expect((await details(`?destinationAccountId=${destination}`, sourceToken)).statusCode).toBe(
      200,
    )
    expect((await details('', destinationToken)).statusCode).toBe(404)
    expect((await transfer(destination, sourceToken)).statusCode).toBe(403)
    const vendor = (await createApiToken(t.db.db, stranger)).credential
    expect((await details('', vendor)).statusCode).toBe(403)
    expect((await details('', undefined, 'BUY-0000-0000')).statusCode).toBe(404)
    expect(
      (await details('?destinationAccountId=nope', undefined, 'BUY-0000-0000')).statusCode,
    ).toBe(404)
  })

  it('refuses to move a Deleted buyer', async () => {
    await t.request({ method: 'DELETE', url: `${URL}/${buyer}` })
    const res = await transfer(destination)
    expect(res.statusCode).toBe(400)
    expect(entryIds(res)).toEqual(['BUYER_STATUS_INVALID'])
    expect(res.json().errors[0].properties).toEqual(['status'])
  })
})
