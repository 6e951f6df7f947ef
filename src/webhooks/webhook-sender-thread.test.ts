import { afterEach, describe, expect, it } from 'vitest'
import { startReceiver, type Receiver } from '../../test/support/webhook-receiver.js'
import { startThreadedSender, type ThreadedSender } from './webhook-sender-thread.js'

// This file's port (the brief's range 18500-18599).
const PORT = 18560

/** Issue #15: deliveries are sent from a thread of their own, under the same policy. */
describe('the webhook sender on its own thread', () => {
  let sender: ThreadedSender | undefined
  let receiver: Receiver | undefined
  afterEach(async () => {
    await sender?.close()
    await receiver?.close()
  })

  it('delivers, answers with the status, and keeps the SSRF policy and the timeout', async () => {
    receiver = await startReceiver(PORT)
    receiver.respond = (r) => (r.body === `{"n":2}` ? 500 : 204)
    sender = startThreadedSender({
      policy: { allowNetworks: ['127.0.0.0/8'] },
      timeoutMs: 2000,
      userAgent: 'test webhooks',
    })
    const post = (n: number, url = receiver!.url) =>
      sender!.send({ url, headers: { 'webhook-id': `msg_${n}` }, body: JSON.stringify({ n }) })
    expect(sender.onThread).toBe(true)
    const answers = await Promise.all([post(1), post(2), post(3)])
    expect(answers.map((a) => [a.status, a.error])).toEqual([
      [204, null],
      [500, 'the endpoint answered 500'],
      [204, null],
    ])
    expect(receiver.received.map((r) => r.headers['user-agent'])).toEqual(
      Array(3).fill('test webhooks'),
    )
    expect(receiver.received.map((r) => r.headers['webhook-id']).sort()).toEqual([
      'msg_1',
      'msg_2',
      'msg_3',
    ])
    // Not allowed by the policy the thread was given: refused there, nothing sent.
    const refused = await post(4, 'http://10.0.0.1/hooks')
    expect(refused.status).toBeNull()
    expect(refused.error).toMatch(/^refused: 10\.0\.0\.1 is a private/)
    const plain = await post(5, 'http://192.168.1.1/hooks')
    expect(plain.error).toMatch(/^refused:/)
    expect(receiver.received).toHaveLength(3)

    expect(sender.onThread).toBe(true)

    // After close, sending goes on in this thread, under the same policy.
    await sender.close()
    expect(sender.onThread).toBe(false)
    expect((await post(6)).status).toBe(204)
    expect((await post(7, 'http://10.0.0.1/hooks')).error).toMatch(/^refused:/)
    expect(receiver.received).toHaveLength(4)
  })
})
