import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteBody } from '../support/factories.js'
import {
  BOOTSTRAP_TOKEN,
  createServerDatabase,
  startServer,
  type ServerDatabase,
  type SpawnedServer,
} from '../support/spawned-server.js'

const PORT = 18620
const WORKERS = 16
const MAX_PER_WORKER = 150

interface Outcome {
  email: string
  status?: number
  id?: string
  error?: string
}

/** The real server gets SIGTERM in the middle of a stream of invitations. */
describe('graceful shutdown of the real process', () => {
  let database: ServerDatabase
  let server: SpawnedServer
  beforeAll(async () => {
    database = await createServerDatabase()
    server = await startServer(database, PORT, { SHUTDOWN_TIMEOUT_MS: '10000' })
  }, 90_000)
  afterAll(async () => {
    server?.child.kill('SIGKILL')
    await database?.drop()
  })

  it('loses no acknowledged request, answers those in flight, then exits 0 within its bound', async () => {
    expect(server.output()).toContain('Operations API token: the one given in BOOTSTRAP_TOKEN.')
    const auth = { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' }
    const groups = (await (
      await fetch(`${server.base}/public/v1/accounts/user-groups`, { headers: auth })
    ).json()) as { data: Array<{ id: string; account: { id: string } }> }
    const { id: groupId, account } = groups.data[0] as { id: string; account: { id: string } }

    const outcomes: Outcome[] = []
    let acknowledged = 0
    let signalled = false
    let signalledAt = 0
    const worker = async (w: number) => {
      for (let i = 0; i < MAX_PER_WORKER; i += 1) {
        const outcome: Outcome = { email: `burst-${w}-${i}@example.com` }
        outcomes.push(outcome)
        try {
          const res = await fetch(`${server.base}/public/v1/accounts/${account.id}/users`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify(inviteBody(outcome.email, [groupId])),
          })
          outcome.status = res.status
          const body = (await res.json()) as { id?: string }
          if (res.status === 201) {
            outcome.id = body.id
            acknowledged += 1
          }
        } catch (error) {
          outcome.error = String((error as Error).cause ?? error)
          return // the listener is closed: nothing more will be accepted
        }
        // SIGTERM once the stream is flowing, with every worker's next request on its way.
        if (!signalled && acknowledged >= 40) {
          signalled = true
          signalledAt = outcomes.length
          server.child.kill('SIGTERM')
        }
      }
    }
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
    const exit = await server.exited

    expect(signalled).toBe(true)
    expect(exit).toEqual({ code: 0, signal: null })
    // Requests sent after SIGTERM were either answered in full or refused: never a 500.
    for (const o of outcomes) expect([undefined, 201, 503]).toContain(o.status)
    expect(outcomes.length).toBeGreaterThan(signalledAt)

    const db = database.open()
    try {
      const stored = await db.db
        .selectFrom('account_users as au')
        .innerJoin('users as u', 'u.id', 'au.user_id')
        .select(['u.id', 'u.email'])
        .where('au.account_id', '=', account.id)
        .where('au.status', '=', 'Invited')
        .execute()
      const storedIds = new Set(stored.map((r) => r.id))
      const answered = outcomes.filter((o) => o.status === 201)
      expect(answered.length).toBe(acknowledged)
      for (const o of answered) expect(storedIds.has(o.id!), o.email).toBe(true)
      // A request whose connection failed was never processed: none was cut off half-answered.
      const storedEmails = new Set(stored.map((r) => r.email))
      const failed = outcomes.filter((o) => o.error !== undefined)
      for (const o of failed) expect(storedEmails.has(o.email), o.email).toBe(false)
      expect(stored.length).toBe(answered.length)
      // Every stored invitation has its email queued or sent, and no claim is left behind.
      const outbox = await db.db.selectFrom('email_outbox').select(['status']).execute()
      expect(outbox.length).toBe(stored.length)
      expect(outbox.filter((e) => e.status === 'sending')).toEqual([])
    } finally {
      await db.close()
    }
  }, 90_000)
})
