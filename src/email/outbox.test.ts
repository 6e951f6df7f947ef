import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDb } from '../../test/support/database.js'
import type { Db } from '../db/connect.js'
import { FakeClock } from '../lib/clock.js'
import { createSecretBox } from '../lib/secrets.js'
import { enqueueEmail } from './outbox.js'
import { createEmailTemplates } from './templates/email-templates.js'

const code = 'S34uZlUcc/BRE7iUqRtPi7bxgpZcuW51h3gxZSzOLpw='
const url = `https://portal.example.test/accept-invite?code=${encodeURIComponent(code)}`
const templates = createEmailTemplates({
  branding: { productName: 'Accounts', supportUrl: null, logoUrl: null },
  publicUrl: 'https://portal.example.test',
})
const invitation = templates.invitation(
  { email: 'ada@example.com', firstName: 'Ada' },
  {
    accountName: 'Analytical Engines Ltd',
    inviterName: 'Charles Babbage',
    url,
    expiresAt: new Date('2026-01-12T09:00:00.000Z'),
  },
)

describe('enqueueEmail', () => {
  let database: Db
  const box = createSecretBox('outbox-test-key')
  const clock = new FakeClock()

  beforeAll(async () => {
    database = await createTestDb()
  })
  afterAll(async () => database.close())
  beforeEach(async () => {
    await database.db.deleteFrom('email_outbox').execute()
  })

  it('queues one pending message, due now', async () => {
    await enqueueEmail(database.db, { box, clock }, invitation)

    const rows = await database.db.selectFrom('email_outbox').selectAll().execute()
    expect(rows).toHaveLength(1)
    const [row] = rows
    expect(row).toMatchObject({ kind: 'invitation', status: 'pending', attempts: 0, sent_at: null })
    expect(new Date(row!.next_attempt_at).toISOString()).toBe(clock.now().toISOString())
    expect(new Date(row!.created_at).toISOString()).toBe(clock.now().toISOString())
    expect(JSON.parse(box.open(row!.payload))).toEqual(invitation)
  })

  it('stores the message sealed: no link, code, address or name in clear', async () => {
    await enqueueEmail(database.db, { box, clock }, invitation)

    const { payload } = await database.db
      .selectFrom('email_outbox')
      .select('payload')
      .executeTakeFirstOrThrow()
    expect(payload).toMatch(/^v1\./)
    const secrets = [url, code, encodeURIComponent(code), 'accept-invite', 'ada@example.com']
    for (const secret of secrets) expect(payload).not.toContain(secret)
  })

  it('commits with the caller transaction, and rolls back with it', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, { box, clock }, invitation)
        throw new Error('the state change failed')
      }),
    ).rejects.toThrow('the state change failed')
    expect(await database.db.selectFrom('email_outbox').select('id').execute()).toEqual([])

    await database.db.transaction().execute(async (trx) => {
      await enqueueEmail(trx, { box, clock }, invitation)
    })
    expect(await database.db.selectFrom('email_outbox').select('id').execute()).toHaveLength(1)
  })
})
