/**
 * The soak's mixed load: workers that each repeat one operation at a time (invite, accept with the
 * emailed link, RQL lists, resend, send-new-invite once the window passed, group changes,
 * removals) on account users no other worker is touching, so that the only concurrent actor on a
 * row is the service itself (its expiry sweep, its other nodes). Every answer is checked as it
 * comes: anything the client cannot explain is a surprise, and the run fails.
 */
import type { Client, Outcome } from './client.js'
import { secretOfUrl, type Ledger, type Member, type WriteOp } from './ledger.js'
import type { MailWatcher } from './mailbox.js'
import { sleep } from './nodes.js'

export const PASSWORD = 'Soak-Passw0rd!'

export interface LoadContext {
  client: Client
  ledger: Ledger
  mail: MailWatcher
  ttlMs: number
  accountId: string
  groupIds: string[]
  /** answers the client cannot explain (the run fails on any) */
  surprises: string[]
  /** requests that never got an answer (a hang) */
  failures: string[]
}

let emails = 0

const usersPath = (ctx: LoadContext) => `/public/v1/accounts/${ctx.accountId}/users`
const memberPath = (ctx: LoadContext, m: Member) => `${usersPath(ctx)}/${m.userId}`

function describe(outcome: Outcome): string {
  if (outcome.kind !== 'answered') return `${outcome.kind}: ${outcome.reason}`
  return `${outcome.answer.status} ${outcome.answer.body.slice(0, 300)}`
}

function surprise(ctx: LoadContext, op: string, outcome: Outcome, extra = ''): void {
  if (outcome.kind === 'failed') ctx.failures.push(`${op}: ${outcome.reason}`)
  else ctx.surprises.push(`${op}${extra ? ` (${extra})` : ''}: ${describe(outcome)}`)
}

/** Reads the account user again after a write whose outcome is unknown. */
async function resync(ctx: LoadContext, m: Member, since: number): Promise<void> {
  const out = await ctx.client.send('get', { method: 'GET', path: memberPath(ctx, m) })
  if (out.kind !== 'answered') return surprise(ctx, 'get', out)
  if (out.answer.status === 404) {
    m.state = 'Removed'
    return
  }
  if (out.answer.status !== 200) return surprise(ctx, 'get', out)
  const body = out.answer.json
  m.state = body.invitation.status === 'Active' ? 'Active' : 'Invited'
  const secret = secretOfUrl(body.invitation.url)
  if (secret && secret !== m.secret) {
    m.secret = secret
  }
  // Whatever it did may have moved the deadline: it lies somewhere from then to now.
  m.windowFrom = Math.min(m.windowFrom, since)
  m.windowTo = Date.now()
}

/** Counts a write's outcome: acknowledged once, plus earlier attempts that may have committed. */
function count(m: Member, op: WriteOp, outcome: Outcome, acked: boolean): void {
  if (acked) m.acked[op] += 1
  if (outcome.kind !== 'failed') m.unknown[op] += outcome.maybeEarlier
  if (outcome.kind === 'ambiguous') m.unknown[op] += 1
}

async function findByEmail(ctx: LoadContext, email: string) {
  const out = await ctx.client.send('list', {
    method: 'GET',
    path: `${usersPath(ctx)}?eq(user.email,${encodeURIComponent(email)})&limit=1`,
  })
  if (out.kind !== 'answered' || out.answer.status !== 200) return undefined
  return (out.answer.json.data as any[])[0]
}

async function invite(ctx: LoadContext): Promise<void> {
  emails += 1
  const email = `soak-${emails}-${process.pid}@soak.test`
  const group = ctx.groupIds[emails % ctx.groupIds.length]!
  const sentAt = Date.now()
  const out = await ctx.client.send('invite', {
    method: 'POST',
    path: usersPath(ctx),
    body: {
      user: { email, firstName: 'Soak', lastName: `Invitee ${emails}` },
      groups: [{ id: group }],
    },
  })
  const add = (body: any, acked: boolean) =>
    ctx.ledger.add(
      {
        accountId: ctx.accountId,
        accountUserId: body.accountUserId,
        userId: body.id,
        email,
        state: 'Invited',
        secret: secretOfUrl(body.invitation?.url),
        windowFrom: sentAt,
        windowTo: Date.now(),
        groups: [group],
      },
      acked,
    )
  if (out.kind === 'answered' && out.answer.status === 201) {
    add(out.answer.json, true)
    return
  }
  const earlierMayHaveWritten =
    out.kind === 'ambiguous' ||
    (out.kind === 'answered' &&
      out.maybeEarlier > 0 &&
      out.answer.json?.code === 'ACCOUNT_USER_ALREADY_EXISTS')
  if (!earlierMayHaveWritten) return surprise(ctx, 'invite', out)
  const found = await findByEmail(ctx, email)
  if (found) add(found, false)
  else ctx.ledger.unknownInvites.push({ accountId: ctx.accountId, email })
}

/** A refusal the deadline explains: the request was answered once the window may have closed. */
function deadlineExplains(ctx: LoadContext, m: Member, outcome: Outcome, codes: string[]): boolean {
  return (
    outcome.kind === 'answered' &&
    outcome.answer.status === 400 &&
    codes.includes(String(outcome.answer.json?.code)) &&
    Date.now() >= m.windowFrom + ctx.ttlMs - 1000
  )
}

async function accept(ctx: LoadContext, m: Member): Promise<void> {
  const mail = ctx.mail.emailFor(m.secret!)!
  const out = await ctx.client.send('accept', {
    method: 'POST',
    path: `/public/v1/accounts/accounts/${ctx.accountId}/users/${m.userId}/accept-invite`,
    body: { code: mail.code, password: PASSWORD },
    auth: false,
    forwardedFor: m.address,
  })
  if (out.kind === 'answered' && out.answer.status === 200) {
    count(m, 'accept', out, true)
    m.state = 'Active'
    return
  }
  if (deadlineExplains(ctx, m, out, ['INVITATION_EXPIRED', 'INVITATION_STATUS_INVALID'])) return
  count(m, 'accept', out, false)
  if (out.kind === 'ambiguous') return resync(ctx, m, Date.now())
  surprise(ctx, 'accept', out, m.accountUserId)
}

async function resend(ctx: LoadContext, m: Member): Promise<void> {
  const sentAt = Date.now()
  const out = await ctx.client.send('resend', {
    method: 'POST',
    path: `${memberPath(ctx, m)}/resend-invite`,
  })
  if (out.kind === 'answered' && out.answer.status === 200) {
    count(m, 'resend', out, true)
    m.windowFrom = sentAt
    m.windowTo = Date.now()
    return
  }
  count(m, 'resend', out, false)
  if (deadlineExplains(ctx, m, out, ['INVITATION_STATUS_INVALID'])) return
  if (out.kind === 'ambiguous') return resync(ctx, m, sentAt)
  surprise(ctx, 'resend', out, m.accountUserId)
}

async function sendNew(ctx: LoadContext, m: Member): Promise<void> {
  const sentAt = Date.now()
  const out = await ctx.client.send('sendNew', {
    method: 'POST',
    path: `${memberPath(ctx, m)}/send-new-invite`,
  })
  if (out.kind === 'answered' && out.answer.status === 200) {
    count(m, 'sendNew', out, true)
    m.secret = secretOfUrl(out.answer.json.invitation.url)
    m.windowFrom = sentAt
    m.windowTo = Date.now()
    return
  }
  count(m, 'sendNew', out, false)
  const renewedEarlier =
    out.kind === 'answered' && out.maybeEarlier > 0 && out.answer.status === 400
  if (out.kind === 'ambiguous' || renewedEarlier) return resync(ctx, m, sentAt)
  surprise(ctx, 'sendNew', out, m.accountUserId)
}

async function changeGroups(ctx: LoadContext, m: Member): Promise<void> {
  const groups = ctx.groupIds.filter(() => Math.random() < 0.5)
  if (groups.length === 0) groups.push(ctx.groupIds[Math.floor(Math.random() * 3)]!)
  const out = await ctx.client.send('groups', {
    method: 'PUT',
    path: `${memberPath(ctx, m)}/groups`,
    body: groups.map((id) => ({ id })),
  })
  if (out.kind === 'answered' && out.answer.status === 200) {
    count(m, 'groups', out, true)
    m.groups = groups
    return
  }
  count(m, 'groups', out, false)
  m.groups = undefined
  if (out.kind === 'ambiguous') return resync(ctx, m, Date.now())
  surprise(ctx, 'groups', out, m.accountUserId)
}

async function remove(ctx: LoadContext, m: Member): Promise<void> {
  const out = await ctx.client.send('remove', { method: 'DELETE', path: memberPath(ctx, m) })
  if (out.kind === 'answered' && out.answer.status === 204) {
    count(m, 'remove', out, true)
    m.state = 'Removed'
    return
  }
  count(m, 'remove', out, false)
  const removedEarlier =
    out.kind === 'answered' && out.maybeEarlier > 0 && out.answer.status === 404
  if (removedEarlier) m.state = 'Removed'
  else if (out.kind === 'ambiguous') await resync(ctx, m, Date.now())
  else surprise(ctx, 'remove', out, m.accountUserId)
}

const LISTS = [
  'and(eq(invitation.status,Invited),ilike(user.email,*@soak.test))&order=-audit.created.at&limit=20',
  'eq(invitation.status,InvitationExpired)&order=-audit.created.at&limit=10',
  'eq(invitation.status,Active)&order=user.lastName&limit=20',
  'ilike(user.lastName,*7*)&limit=5&offset=3',
]

async function list(ctx: LoadContext): Promise<void> {
  const query = LISTS[Math.floor(Math.random() * LISTS.length)]!
  const out = await ctx.client.send('list', { method: 'GET', path: `${usersPath(ctx)}?${query}` })
  const body = out.kind === 'answered' ? out.answer.json : undefined
  const ok =
    out.kind === 'answered' &&
    out.answer.status === 200 &&
    Array.isArray(body?.data) &&
    typeof body?.$meta?.pagination?.total === 'number'
  if (!ok) surprise(ctx, 'list', out, query)
}

/** The operations, their weights, and which account users they may take. */
function nextOperation(ctx: LoadContext): (() => Promise<void>) | undefined {
  const now = Date.now()
  const roll = Math.random() * 18
  const on = (fits: (m: Member) => boolean, run: (c: LoadContext, m: Member) => Promise<void>) => {
    const m = ctx.ledger.pick(fits)
    if (!m) return undefined
    m.busy = true
    return () => run(ctx, m).finally(() => (m.busy = false))
  }
  const valid = (m: Member, marginMs: number) =>
    m.state === 'Invited' && now < m.windowFrom + ctx.ttlMs - marginMs
  if (roll < 4) return () => invite(ctx)
  if (roll < 7)
    return on(
      (m) => valid(m, 3000) && m.secret !== undefined && !!ctx.mail.emailFor(m.secret),
      accept,
    )
  if (roll < 11) return () => list(ctx)
  if (roll < 13) return on((m) => valid(m, 4000), resend)
  if (roll < 15)
    return on((m) => m.state === 'Invited' && now > m.windowTo + ctx.ttlMs + 1500, sendNew)
  if (roll < 17) return on((m) => m.state === 'Invited' || m.state === 'Active', changeGroups)
  return on((m) => m.state === 'Invited' || m.state === 'Active', remove)
}

/** Runs `workers` loops until `until()` (ms epoch; asked again after every operation). */
export async function runLoad(
  ctx: LoadContext,
  workers: number,
  until: () => number,
): Promise<void> {
  const worker = async () => {
    while (Date.now() < until()) {
      const op = nextOperation(ctx) ?? (() => list(ctx))
      await op()
      await sleep(5 + Math.random() * 30)
    }
  }
  await Promise.all(Array.from({ length: workers }, worker))
}

/** Heavy RQL lists (a leading-wildcard filter and a sort over a large account) at one node. */
export async function fillPool(
  ctx: LoadContext,
  node: number,
  concurrency: number,
  accountId: string,
  until: number,
): Promise<number> {
  let sent = 0
  const loop = async () => {
    while (Date.now() < until) {
      sent += 1
      const letter = 'aeilmnorsu'[sent % 10]
      const out = await ctx.client.send('slow-list', {
        method: 'GET',
        node,
        path: `/public/v1/accounts/${accountId}/users?ilike(user.firstName,*${letter}*)&order=user.lastName,-audit.created.at&limit=100&offset=${sent % 500}`,
      })
      if (out.kind !== 'answered' || out.answer.status !== 200) surprise(ctx, 'slow-list', out)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  return sent
}
