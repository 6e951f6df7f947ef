import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRecordingMailer } from '../../test/support/recording-mailer.js'
import {
  createServerDatabase,
  ROOT,
  SECRET_KEY,
  spawnNode,
  type ServerDatabase,
} from '../../test/support/spawned-server.js'
import { invitationCodeFrom } from '../../test/support/factories.js'
import { buildApp } from '../app.js'
import { testConfig } from '../config.js'
import { createEmailDispatcher } from '../email/email-dispatcher.js'
import { ensureFirstStart } from '../first-start.js'
import { decodeInvitationCode, encodeInvitationCode } from '../account-users/invitation-link.js'
import { FakeClock } from '../lib/clock.js'
import { createSecretBox, randomSecret, secretsEqual } from '../lib/secrets.js'
import { createServices } from '../services.js'
import type { Actor } from '../access/actor.js'
import type { Insertable } from 'kysely'
import type { Db } from './connect.js'
import type { AccountUserTable, UserTable } from './schema.js'
import { migrateToLatest } from './migrate.js'
import { SEALED_COLUMNS } from './sealed-columns.js'

const INVITATIONS = 10_000
const NEW_KEY = 'the-new-secret-key-after-rotation-0123456789'
const silent = { info() {}, warn() {}, error() {} }

/** `count` invitations as the invite use case stores them (sealed secret, user, group), in bulk. */
async function storeInvitations(db: Db, accountId: string, groupId: string, count: number) {
  const box = createSecretBox(SECRET_KEY)
  const now = new Date().toISOString()
  const expires = new Date(Date.now() + 7 * 24 * 3600_000).toISOString()
  const codes: string[] = []
  for (let start = 0; start < count; start += 500) {
    const users: Insertable<UserTable>[] = []
    const members: Insertable<AccountUserTable>[] = []
    const groups: Array<{ account_user_id: string; user_group_id: string }> = []
    for (let i = start; i < Math.min(count, start + 500); i += 1) {
      const id = `AUSR-9000-0000-${String(i).padStart(4, '0')}`
      const secret = randomSecret(32)
      codes.push(encodeInvitationCode(secret, id))
      users.push({
        id: `USR-8000-${String(i).padStart(4, '0')}`,
        email: `bulk-${i}@example.com`,
        email_key: `bulk-${i}@example.com`,
        first_name: 'Bulk',
        last_name: `Invitee ${i}`,
        phone_prefix: null,
        phone_number: null,
        icon: null,
        status: 'Invited' as const,
        status_before_block: null,
        password_hash: null,
        settings: null,
        last_login_at: null,
        invitation_accepted_at: null,
        created_at: now,
        created_by: null,
        updated_at: null,
        updated_by: null,
      })
      members.push({
        id,
        account_id: accountId,
        user_id: users[users.length - 1]!.id,
        status: 'Invited' as const,
        invitation_secret: box.seal(secret),
        invitation_sent_at: now,
        invitation_expires_at: expires,
        invitation_accepted_at: null,
        joined_at: null,
        access_at: null,
        last_login_at: null,
        version: 0,
        created_at: now,
        created_by: null,
        updated_at: null,
        updated_by: null,
      })
      groups.push({ account_user_id: id, user_group_id: groupId })
    }
    await db.db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values(users).execute()
      await trx.insertInto('account_users').values(members).execute()
      await trx.insertInto('account_user_groups').values(groups).execute()
    })
  }
  return codes
}

async function sealedValues(db: Db) {
  const values: string[] = []
  for (const { table, column } of SEALED_COLUMNS) {
    const rows = await db.db
      .selectFrom(table)
      .select(`${column} as value`)
      .where(column, 'is not', null)
      .execute()
    values.push(...rows.map((r) => String((r as { value: unknown }).value)))
  }
  return values
}

const opens = (key: string, sealed: string) => {
  try {
    createSecretBox(key).open(sealed)
    return true
  } catch {
    return false
  }
}

/** Runs `accounts rotate-key` as its own process; `killAtHalf` ends it with SIGKILL mid-way. */
async function rotateWithCli(database: ServerDatabase, options: { killAtHalf: boolean }) {
  const cli = spawnNode(
    ['--import', 'tsx', 'src/cli/main.ts', 'rotate-key', '--batch-size', '200'],
    {
      DATABASE_URL: database.url,
      DATA_DIR: database.dataDir,
      SECRET_KEY: NEW_KEY,
      SECRET_KEY_PREVIOUS: SECRET_KEY,
    },
  )
  if (options.killAtHalf) {
    cli.child.stderr!.on('data', () => {
      const match = /account_users\.invitation_secret: (\d+)\/(\d+)\n[^\n]*$/.exec(cli.output())
      if (match && Number(match[1]) >= Number(match[2]) / 2) cli.child.kill('SIGKILL')
    })
  }
  return { ...(await cli.exited), output: cli.output() }
}

describe('rotating SECRET_KEY over 10,000 invitations, interrupted half-way', () => {
  let database: ServerDatabase
  let db: Db
  let codes: string[]
  let accountId: string

  beforeAll(async () => {
    database = await createServerDatabase()
    db = database.open()
    await migrateToLatest(db.db)
    const first = await ensureFirstStart(
      { db: db.db, dialect: db.dialect, clock: new FakeClock() },
      {},
    )
    accountId = first.operationsAccountId
    codes = await storeInvitations(db, accountId, first.defaultGroupId, INVITATIONS)
  }, 120_000)
  afterAll(async () => {
    await db?.close()
    await database?.drop()
  })

  it('leaves every link working, nothing readable with the old key, and every queued email sendable', async () => {
    // Queued emails, sealed with the old key, through the real invite use case.
    const oldServices = createServices({
      database: db,
      clock: new FakeClock(),
      config: testConfig({ secretKey: SECRET_KEY }),
    })
    const actor: Actor = {
      kind: 'ApiToken',
      id: 'test',
      name: 'test',
      icon: null,
      accountId,
      accountName: 'Operations',
      accountType: 'Operations',
      modules: new Set(['MOD-1756']),
    }
    const groupId = (await db.db.selectFrom('user_groups').select('id').executeTakeFirstOrThrow())
      .id
    for (let i = 0; i < 5; i += 1) {
      await oldServices.invitations.invite({
        actor,
        accountId,
        user: { email: `queued-${i}@example.com`, firstName: 'Queued', lastName: String(i) },
        groups: [{ id: groupId }],
      })
    }
    const total = (await sealedValues(db)).length
    // Each real invite seals its secret, its mailbox proof (issue #12) and its queued email.
    expect(total).toBe(INVITATIONS + 5 * 3)

    const interrupted = await rotateWithCli(database, { killAtHalf: true })
    expect(interrupted.signal).toBe('SIGKILL')
    const midway = await sealedValues(db)
    const underNew = midway.filter((v) => opens(NEW_KEY, v)).length
    // Whole batches were committed before the kill, the rest untouched: half-way, not done.
    expect(underNew).toBeGreaterThanOrEqual(INVITATIONS / 2)
    expect(underNew).toBeLessThan(total)
    expect(midway.every((v) => opens(NEW_KEY, v) || opens(SECRET_KEY, v))).toBe(true)

    const resumed = await rotateWithCli(database, { killAtHalf: false })
    expect(resumed.code, resumed.output).toBe(0)
    expect(resumed.output).toMatch(/Every sealed value now opens with SECRET_KEY/)

    const after = await sealedValues(db)
    expect(after).toHaveLength(total)
    expect(after.filter((v) => opens(SECRET_KEY, v))).toEqual([])
    expect(after.every((v) => opens(NEW_KEY, v))).toBe(true)

    // Every link: its secret matches the stored one opened with the new key alone.
    const newBox = createSecretBox(NEW_KEY)
    const stored = new Map(
      (
        await db.db
          .selectFrom('account_users')
          .select(['id', 'invitation_secret'])
          .where('id', 'like', 'AUSR-9000-%')
          .execute()
      ).map((r) => [r.id, r.invitation_secret!]),
    )
    let working = 0
    for (const code of codes) {
      const { accountUserId, secret } = decodeInvitationCode(code)
      if (secretsEqual(newBox.open(stored.get(accountUserId!)!), secret)) working += 1
    }
    expect(working).toBe(INVITATIONS)

    // The service on the new key alone: links open the accept page, and the queued emails go out
    // with links that work too.
    const config = testConfig({ secretKey: NEW_KEY })
    const services = createServices({ database: db, clock: new FakeClock(), config })
    const app = await buildApp({ config, services, logger: false })
    try {
      for (const code of [codes[0]!, codes[4_999]!, codes[5_000]!, codes[INVITATIONS - 1]!]) {
        const page = await app.inject({ method: 'GET', url: `/accept-invite?code=${code}` })
        expect(page.statusCode).toBe(200)
        expect(page.body).toContain('Bulk')
      }
      const mailer = createRecordingMailer()
      const dispatcher = createEmailDispatcher({
        db: db.db,
        box: services.box,
        clock: new FakeClock(),
        mailer,
        logger: silent,
        config,
      })
      expect(await dispatcher.dispatchDue(50)).toBe(5)
      const code = invitationCodeFrom(mailer.sent[0]!.text)
      const page = await app.inject({ method: 'GET', url: `/accept-invite?code=${code}` })
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Queued')
      // The emailed link still proves the mailbox: its re-sealed proof matches, so it registers.
      const accepted = await app.inject({
        method: 'POST',
        url: `/public/v1/accounts/account-users/${decodeInvitationCode(code).accountUserId}/accept-invite`,
        payload: { code, password: 'Str0ng!Passw0rd', firstName: 'Queued', lastName: 'Person' },
      })
      expect(accepted.statusCode, accepted.body).toBe(200)
      expect(accepted.json().invitation.status).toBe('Active')
    } finally {
      await app.close()
    }
  }, 300_000)
})

describe('sealed columns', () => {
  it('lists every place that seals with the SecretBox', () => {
    // A new `box.seal(` call site stores a new sealed value: add its column to SEALED_COLUMNS
    // (and this list), or rotating SECRET_KEY would leave it unreadable.
    const sealers = filesUnder(join(ROOT, 'src'))
      .filter((f) => !f.endsWith('.test.ts') && /\bbox\.seal\(/.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(ROOT.length))
      .sort()
    expect(sealers).toEqual([
      'src/account-users/invitation-service.ts',
      'src/account-users/invite.ts',
      'src/email/outbox.ts',
      'src/webhooks/webhook-service.ts',
    ])
    expect(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`)).toEqual([
      'account_users.invitation_secret',
      'account_users.invitation_proof',
      'email_outbox.payload',
      'webhooks.secret',
    ])
  })
})

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  )
}
