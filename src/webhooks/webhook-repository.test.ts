import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testDialect } from '../../test/support/database.js'
import { createAccount } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import {
  claimDeliveries,
  findDelivery,
  findDueDeliveries,
  insertDeliveries,
  markDelivered,
  releaseDeliveries,
} from './webhook-repository.js'

/** The dispatcher's set-based statements (issue #15): each row keeps its own outcome. */
describe(`webhook delivery claims and outcomes (${testDialect})`, () => {
  let t: TestApp
  let webhookId: string
  beforeEach(async () => {
    t = await buildTestApp()
    const account = await createAccount(t.db.db, { type: 'Client' })
    const res = await t.request({
      method: 'POST',
      url: '/public/v1/notifications/webhooks',
      payload: {
        url: 'https://hooks.example.com/x',
        events: ['account.*'],
        account: { id: account },
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    webhookId = res.json().id
  })
  afterEach(async () => t.close())

  async function queue(n: number) {
    const at = t.clock.now()
    return insertDeliveries(
      t.db.db,
      Array.from({ length: n }, (_, i) => ({
        webhookId,
        eventId: `msg_${i}`,
        eventType: 'account.updated',
        orderingKey: `ACC-${i}`,
        payload: `{"n":${i}}`,
        at,
      })),
    )
  }

  it('claims a batch once, records each delivered row with its own status and duration', async () => {
    const ids = await queue(4)
    const now = t.clock.now()
    expect((await findDueDeliveries(t.db.db, now, 10)).map((d) => d.id)).toEqual(ids)
    const claimed = await claimDeliveries(t.db.db, ids, now, 60_000)
    expect([...claimed].sort((a, b) => a - b)).toEqual(ids)
    // A second node, at the same moment, claims none of them.
    expect((await claimDeliveries(t.db.db, ids, now, 60_000)).size).toBe(0)
    expect(await findDueDeliveries(t.db.db, now, 10)).toEqual([])

    // Its lease ran out: another node took ids[1] over; our try of it is not recorded.
    t.clock.advance(61_000)
    const later = t.clock.now()
    expect([...(await claimDeliveries(t.db.db, [ids[1]!], later, 60_000))]).toEqual([ids[1]])
    const tries = [
      { id: ids[2]!, responseStatus: 204, durationMs: 7 },
      { id: ids[0]!, responseStatus: 201, durationMs: 1500 },
      { id: ids[1]!, responseStatus: 200, durationMs: 3 },
    ]
    const ours = await markDelivered(t.db.db, tries, now, later)
    expect([...ours].sort((a, b) => a - b)).toEqual([ids[0], ids[2]])
    const read = async (id: number) => findDelivery(t.db.db, webhookId, id)
    expect(await read(ids[0]!)).toMatchObject({
      status: 'Delivered',
      attempts: 1,
      responseStatus: 201,
      durationMs: 1500,
      deliveredAt: later,
    })
    expect(await read(ids[2]!)).toMatchObject({
      status: 'Delivered',
      responseStatus: 204,
      durationMs: 7,
    })
    expect(await read(ids[1]!)).toMatchObject({
      status: 'Sending',
      attempts: 2,
      responseStatus: null,
    })

    // A stopping node gives back what it did not try: due again at once, the try not counted;
    // what another node holds stays its own.
    await releaseDeliveries(t.db.db, [ids[1]!, ids[3]!], now)
    expect(await read(ids[3]!)).toMatchObject({ status: 'Pending', attempts: 0 })
    expect(await read(ids[1]!)).toMatchObject({ status: 'Sending', attempts: 2 })
    expect((await findDueDeliveries(t.db.db, t.clock.now(), 10)).map((d) => d.id)).toEqual([ids[3]])
  })
})
