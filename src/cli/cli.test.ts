import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createServerDatabase,
  SECRET_KEY,
  type ServerDatabase,
} from '../../test/support/spawned-server.js'
import type { Db } from '../db/connect.js'
import { ensureFirstStart } from '../first-start.js'
import { createTokenAuthenticator } from '../api-tokens/api-token-authentication.js'
import { FakeClock, systemClock } from '../lib/clock.js'
import { runCli } from './main.js'

function capture() {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean }
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text }
}

describe('the admin CLI', () => {
  let database: ServerDatabase
  let db: Db
  let env: Record<string, string>
  const clock = new FakeClock()

  async function cli(...argv: string[]) {
    const stdout = capture()
    const stderr = capture()
    const code = await runCli(argv, { env, stdout: stdout.stream, stderr: stderr.stream, clock })
    await new Promise((resolve) => setImmediate(resolve))
    return { code, stdout: stdout.text(), stderr: stderr.text() }
  }
  async function cliJson(...argv: string[]) {
    const result = await cli('--json', ...argv)
    return { ...result, json: JSON.parse(result.stdout) as Record<string, any> }
  }

  beforeAll(async () => {
    database = await createServerDatabase()
    env = { DATABASE_URL: database.url, DATA_DIR: database.dataDir, SECRET_KEY }
    db = database.open()
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    await database?.drop()
  })

  it('migrates a new database step by step, reporting progress, then has nothing to do', async () => {
    const first = await cliJson('migrate')
    expect(first.code).toBe(0)
    expect(first.json.applied[0]).toBe('2026-11-26-0600-initial-schema')
    expect(first.json.applied.length).toBeGreaterThanOrEqual(8)
    // Not a terminal: one progress line per migration on stderr, nothing with --json on stdout.
    const plain = await cli('migrate')
    expect(plain.stdout).toBe('The database is up to date.\n')
    expect((await cliJson('migrate')).json.applied).toEqual([])
    await ensureFirstStart({ db: db.db, dialect: db.dialect, clock: systemClock }, {})
  })

  it('creates an account through the account service, validated like the API', async () => {
    const created = await cliJson('create-account', '--name', 'Acme', '--type', 'Client')
    expect(created.code).toBe(0)
    expect(created.json).toMatchObject({ name: 'Acme', type: 'Client', status: 'Enabled' })
    const stored = await db.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', created.json.id)
      .executeTakeFirst()
    expect(stored?.name).toBe('Acme')
    expect(JSON.parse(stored!.created_by!)).toMatchObject({ name: 'Admin CLI' })

    const refused = await cliJson('create-account', '--name', '', '--type', 'Partner')
    expect(refused.code).toBe(3)
    expect(Object.keys(refused.json.details.errors).sort()).toEqual(['name', 'type'])
    expect(refused.stderr).toMatch(/^accounts: Invalid input: name/)
  })

  it('creates an API token and prints its secret once; the token authenticates', async () => {
    const account = await cliJson('create-account', '--name', 'Tokens', '--type', 'Vendor')
    const created = await cliJson('create-token', '--account', account.json.id, '--name', 'ci')
    expect(created.code).toBe(0)
    const credential = created.json.token as string
    expect(credential).toMatch(/^idt:TKN-\d{4}-\d{4}:/)
    const actor = await createTokenAuthenticator({ db: db.db, clock: systemClock }).authenticate(
      credential,
    )
    expect(actor).toMatchObject({ accountId: account.json.id, accountType: 'Vendor' })
    const plain = await cli('create-token', '--account', account.json.id, '--name', 'again')
    expect(plain.stdout).toMatch(/shown once.*\n\n {2}idt:TKN-\d{4}-\d{4}:\S+\n/)
  })

  it('invites, lists with an RQL filter and sends a new invitation, never printing the link', async () => {
    const account = await cliJson('create-account', '--name', 'Invites', '--type', 'Client')
    const group = await db.db
      .selectFrom('user_groups')
      .select('id')
      .where('account_id', '=', account.json.id)
      .executeTakeFirstOrThrow()
    const invite = (email: string) =>
      cliJson(
        'invite',
        ...['--account', account.json.id, '--email', email],
        ...['--first-name', 'Ada', '--last-name', 'Lovelace', '--group', group.id],
      )
    const ada = await invite('ada@example.com')
    expect(ada.code, ada.stderr).toBe(0)
    expect(ada.json.invitation.status).toBe('Invited')
    expect(ada.json.invitation.url).toBeUndefined()
    expect(ada.stdout).not.toMatch(/code=/)
    await invite('grace@example.com')
    const queued = await db.db.selectFrom('email_outbox').select('kind').execute()
    expect(queued.filter((e) => e.kind === 'invitation')).toHaveLength(2)

    const listed = await cliJson(
      'list-users',
      ...['--account', account.json.id, '--filter', 'ilike(email,*ada*)'],
    )
    expect(listed.code).toBe(0)
    expect(listed.json.data.map((u: { id: string }) => u.id)).toEqual([ada.json.id])
    expect(listed.json.$meta.pagination.total).toBe(1)
    const plain = await cli(
      'list-users',
      '--account',
      account.json.id,
      '--filter',
      'eq(status,Invited)',
    )
    expect(plain.stdout).toMatch(/2 of 2\n$/)

    const before = await db.db
      .selectFrom('account_users')
      .select('invitation_secret')
      .where('user_id', '=', ada.json.id)
      .executeTakeFirstOrThrow()
    const sendNew = () =>
      cliJson('send-new-invite', ...['--account', account.json.id, '--user', ada.json.id])
    const early = await sendNew()
    expect(early.code).toBe(3)
    expect(early.json.details.code).toBe('INVITATION_STATUS_INVALID')
    clock.advance(7 * 24 * 3600_000)
    const renewed = await sendNew()
    expect(renewed.code, renewed.stderr).toBe(0)
    expect(renewed.json.invitation.url).toBeUndefined()
    const after = await db.db
      .selectFrom('account_users')
      .select('invitation_secret')
      .where('user_id', '=', ada.json.id)
      .executeTakeFirstOrThrow()
    expect(after.invitation_secret).not.toBe(before.invitation_secret)
  })

  it('reports what the services refuse with exit code 3, usage mistakes with 2', async () => {
    const missing = await cliJson('list-users', '--account', 'ACC-0000-0000')
    expect(missing.code).toBe(3)
    expect(missing.json.details.code).toBe('ACCOUNT_NOT_FOUND')
    const ops = await db.db
      .selectFrom('accounts')
      .select('id')
      .where('type', '=', 'Operations')
      .executeTakeFirstOrThrow()
    const badQuery = await cliJson('list-users', '--account', ops.id, '--filter', 'eq(nope,1)')
    expect(badQuery.code).toBe(3)
    expect(badQuery.json.details.code).toBe('RQL_UNKNOWN_FIELD')
    const usage = await cli('invite', '--account', ops.id)
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/required option/)
    const noPrevious = await cli('rotate-key')
    expect(noPrevious.code).toBe(2)
    expect(noPrevious.stderr).toMatch(/SECRET_KEY_PREVIOUS/)
  })
})
