/**
 * The soak's verdict, from the database, the mail folders and the client's ledger once every node
 * has stopped:
 *  1. every acknowledged write exists exactly once (an unknown one at most once);
 *  2. every invitation, resend and send-new produced exactly one email (deliveries deduplicated by
 *     Message-ID; a second delivery under another Message-ID is a duplicate), every removal of an
 *     Active member one removal email, and nothing is left in the outbox;
 *  3. every expiry was recorded exactly once (one audit event), never before the deadline;
 *  4. every account user's stored state is the one its audit history leads to.
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { EVENT_OF, type Ledger, type WriteOp } from './ledger.js'
import type { Mail } from './mailbox.js'

export interface CheckResult {
  name: string
  failures: string[]
  /** figures for the report */
  notes: string[]
}

interface AuditRow {
  id: number
  object_id: string
  event: string
  at: string | Date
}

const iso = (value: string | Date | null) =>
  value === null
    ? null
    : value instanceof Date
      ? value.toISOString()
      : new Date(value).toISOString()

export async function runChecks(input: {
  db: Kysely<Database>
  ledger: Ledger
  mails: Mail[]
  ttlMs: number
  /** when the checks run: every deadline before this (minus the sweep's lag) must be stored */
  endedAt: Date
  /** accounts seeded directly (no audit history), for the pool-filling lists */
  bulkAccountIds: string[]
  /** account users the service made at its first start (the first administrator): not checked */
  setupAccountUserIds: string[]
}): Promise<CheckResult[]> {
  const { db, ledger, mails, ttlMs } = input
  const setup = new Set(input.setupAccountUserIds)
  const rows = (
    await db
      .selectFrom('account_users')
      .select(['id', 'account_id', 'user_id', 'status', 'invitation_expires_at'])
      .execute()
  ).filter((r) => !setup.has(r.id))
  const rowById = new Map(rows.map((r) => [r.id, r]))
  const audits = (
    (await db
      .selectFrom('audit_events')
      .select(['id', 'object_id', 'event', 'at'])
      .where('object_type', '=', 'account-user')
      .orderBy('id')
      .execute()) as AuditRow[]
  ).filter((a) => !setup.has(a.object_id))
  const history = new Map<string, AuditRow[]>()
  for (const a of audits) history.set(a.object_id, [...(history.get(a.object_id) ?? []), a])
  const groupRows = await db
    .selectFrom('account_user_groups')
    .select(['account_user_id', 'user_group_id'])
    .execute()
  const groupsOf = new Map<string, string[]>()
  for (const g of groupRows)
    groupsOf.set(g.account_user_id, [...(groupsOf.get(g.account_user_id) ?? []), g.user_group_id])

  const results: CheckResult[] = []

  // 1. acknowledged writes
  {
    const failures: string[] = []
    let acked = 0
    let unknown = 0
    for (const m of ledger.list) {
      const events = history.get(m.accountUserId) ?? []
      for (const op of Object.keys(EVENT_OF) as WriteOp[]) {
        acked += m.acked[op]
        unknown += m.unknown[op]
        const n = events.filter((e) => e.event === EVENT_OF[op]).length
        const max = op === 'invite' || op === 'remove' || op === 'accept' ? 1 : Infinity
        if (n < m.acked[op] || n > Math.min(max, m.acked[op] + m.unknown[op]))
          failures.push(
            `${m.accountUserId} ${op}: ${n} ${EVENT_OF[op]} event(s), acknowledged ${m.acked[op]}, unknown ${m.unknown[op]}`,
          )
      }
      const row = rowById.get(m.accountUserId)
      const removed = events.some((e) => e.event === 'deleted')
      if (!row && !removed) failures.push(`${m.accountUserId}: no row and no removal`)
      if (row && removed) failures.push(`${m.accountUserId}: removed, yet the row is there`)
      if (row && m.acked.accept > 0 && row.status !== 'Active')
        failures.push(`${m.accountUserId}: accepted, stored ${row.status}`)
      if (row && m.groups) {
        const stored = [...(groupsOf.get(m.accountUserId) ?? [])].sort()
        if (stored.join() !== [...m.groups].sort().join())
          failures.push(
            `${m.accountUserId}: groups ${stored.join()} ≠ acknowledged ${m.groups.join()}`,
          )
      }
    }
    const byEmail = await db.selectFrom('users').select(['email_key']).execute()
    const emailCount = new Map<string, number>()
    for (const u of byEmail) emailCount.set(u.email_key, (emailCount.get(u.email_key) ?? 0) + 1)
    for (const m of ledger.list)
      if ((emailCount.get(m.email.toLowerCase()) ?? 0) !== 1)
        failures.push(`${m.email}: ${emailCount.get(m.email.toLowerCase()) ?? 0} user rows`)
    for (const u of ledger.unknownInvites)
      if ((emailCount.get(u.email) ?? 0) > 1) failures.push(`${u.email}: several user rows`)
    const created = audits.filter((a) => a.event === 'created').map((a) => a.object_id)
    const known = new Set(ledger.list.map((m) => m.accountUserId))
    const strangers = created.filter((id) => !known.has(id))
    if (strangers.length > ledger.unknownInvites.length)
      failures.push(`${strangers.length} account users created that the client never heard of`)
    results.push({
      name: 'every acknowledged write exists exactly once (an unknown one at most once)',
      failures,
      notes: [
        `${ledger.list.length} account users invited, ${acked} acknowledged writes, ${unknown} with an unknown outcome (503 or broken connection), ${ledger.unknownInvites.length} invites unknown and not found`,
      ],
    })
  }

  // 2. emails
  {
    const failures: string[] = []
    const byMessageId = new Map<string, Mail[]>()
    for (const mail of mails)
      byMessageId.set(mail.messageId, [...(byMessageId.get(mail.messageId) ?? []), mail])
    const repeats = [...byMessageId.values()].filter((list) => list.length > 1).length
    const distinct = [...byMessageId.values()].map((list) => list[0]!)
    const invitationsOf = new Map<string, Mail[]>()
    for (const mail of distinct) {
      if (mail.kind !== 'invitation' || !mail.link) continue
      const id = mail.link.accountUserId
      invitationsOf.set(id, [...(invitationsOf.get(id) ?? []), mail])
    }
    let expected = 0
    for (const [id, events] of history) {
      if (!events.some((e) => e.event === 'created')) continue
      const sends = events.filter((e) =>
        ['created', 'invitation-resent', 'invitation-renewed'].includes(e.event),
      ).length
      const links = 1 + events.filter((e) => e.event === 'invitation-renewed').length
      expected += sends
      const got = invitationsOf.get(id) ?? []
      if (got.length !== sends)
        failures.push(`${id}: ${got.length} invitation emails for ${sends} sends`)
      const secrets = new Set(got.map((m) => m.link!.secret)).size
      if (got.length === sends && secrets !== links)
        failures.push(`${id}: ${secrets} distinct links for ${links} issued`)
      if (got.some((m) => !m.link!.proof)) failures.push(`${id}: an emailed link without its proof`)
    }
    const removalsExpected = new Map<string, number>()
    for (const [id, events] of history) {
      const deleted = events.findIndex((e) => e.event === 'deleted')
      if (deleted < 0 || !events.slice(0, deleted).some((e) => e.event === 'invitation-accepted'))
        continue
      const email = ledger.members.get(id)?.email.toLowerCase()
      if (email) removalsExpected.set(email, (removalsExpected.get(email) ?? 0) + 1)
    }
    const removalsGot = new Map<string, number>()
    for (const mail of distinct)
      if (mail.kind === 'removal') removalsGot.set(mail.to, (removalsGot.get(mail.to) ?? 0) + 1)
    for (const email of new Set([...removalsExpected.keys(), ...removalsGot.keys()]))
      if ((removalsExpected.get(email) ?? 0) !== (removalsGot.get(email) ?? 0))
        failures.push(
          `${email}: ${removalsGot.get(email) ?? 0} removal emails for ${removalsExpected.get(email) ?? 0} removals`,
        )
    const others = distinct.filter((m) => m.kind === 'other')
    if (others.length) failures.push(`${others.length} unexpected emails (${others[0]!.subject})`)
    const outbox = await db
      .selectFrom('email_outbox')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute()
    const left = outbox.filter((o) => o.status !== 'sent')
    for (const o of left)
      failures.push(`${Number(o.n)} emails ${o.status} in the outbox at the end`)
    results.push({
      name: 'every invitation, resend and send-new produced exactly one email',
      failures,
      notes: [
        `${mails.length} deliveries, ${distinct.length} distinct Message-IDs (${repeats} repeated under the same Message-ID); ${expected} invitation emails expected; ${[...removalsGot.values()].reduce((a, b) => a + b, 0)} removal emails; outbox: ${outbox.map((o) => `${o.status} ${Number(o.n)}`).join(', ')}`,
      ],
    })
  }

  // 3 + 4. expiries and histories
  {
    const failures: string[] = []
    const lagMs = 5000
    let expiries = 0
    let histories = 0
    for (const row of rows) {
      const events = history.get(row.id) ?? []
      const expired = events.filter((e) => e.event === 'invitation-expired')
      expiries += expired.length
      if (!events.some((e) => e.event === 'created')) {
        // Seeded rows (no history of their own): expired at most once, and stored so if due.
        if (!input.bulkAccountIds.includes(row.account_id)) {
          failures.push(`${row.id}: no 'created' event`)
          continue
        }
        const due =
          row.invitation_expires_at !== null &&
          new Date(row.invitation_expires_at).getTime() <= input.endedAt.getTime() - lagMs
        if (expired.length > 1) failures.push(`${row.id}: expired ${expired.length} times`)
        if (row.status === 'Invited' && due)
          failures.push(`${row.id}: past its deadline, not swept`)
        continue
      }
      histories += 1
      failures.push(...replay(row, events, ttlMs, input.endedAt.getTime() - lagMs))
    }
    for (const [id, events] of history)
      if (!rowById.has(id) && !events.some((e) => e.event === 'deleted'))
        failures.push(`${id}: events but no row and no removal`)
    results.push({
      name: 'every expiry recorded exactly once; no account user in a state its history cannot explain',
      failures,
      notes: [`${expiries} expiries recorded; ${histories} histories replayed against their rows`],
    })
  }
  return results
}

/**
 * Replays one account user's audit history: each event must be allowed in the state the earlier
 * ones left, an expiry only at or after the deadline the last send set (created / resent /
 * renewed + TTL) and only once per invitation; the stored row must be where the history ends.
 */
function replay(
  row: { id: string; status: string; invitation_expires_at: string | Date | null },
  events: AuditRow[],
  ttlMs: number,
  sweptBefore: number,
): string[] {
  const problems: string[] = []
  let state: 'Invited' | 'Expired' | 'Active' | 'Removed' | 'None' = 'None'
  let deadline = 0
  for (const e of events) {
    const at = new Date(e.at).getTime()
    const bad = (why: string) =>
      problems.push(`${row.id}: ${e.event} at ${iso(e.at)} ${why} (state ${state})`)
    switch (e.event) {
      case 'created':
        if (state !== 'None') bad('twice')
        state = 'Invited'
        deadline = at + ttlMs
        break
      case 'invitation-resent':
        if (state !== 'Invited' || at >= deadline) bad('on an invitation not valid')
        deadline = at + ttlMs
        break
      case 'invitation-expired':
        if (state === 'Expired') bad('a second time for one invitation')
        else if (state !== 'Invited') bad('on no invitation')
        else if (at < deadline) bad(`before the deadline ${new Date(deadline).toISOString()}`)
        state = 'Expired'
        break
      case 'invitation-renewed':
        if (!(state === 'Expired' || (state === 'Invited' && at >= deadline)))
          bad('while the invitation was valid')
        state = 'Invited'
        deadline = at + ttlMs
        break
      case 'invitation-accepted':
        if (state !== 'Invited' || at >= deadline) bad('on an invitation not valid')
        state = 'Active'
        break
      case 'updated':
        if (state === 'None' || state === 'Removed') bad('without a member')
        break
      case 'deleted':
        if (state === 'None' || state === 'Removed') bad('without a member')
        state = 'Removed'
        break
      default:
        bad('unknown event')
    }
  }
  if (state === 'Removed') return problems
  const stored = row.status
  const storedDeadline = iso(row.invitation_expires_at)
  if (state === 'Active' && stored !== 'Active')
    problems.push(`${row.id}: history Active, stored ${stored}`)
  if (state === 'Expired' && stored !== 'InvitationExpired')
    problems.push(`${row.id}: history expired, stored ${stored}`)
  if (state === 'Invited') {
    if (stored !== 'Invited') problems.push(`${row.id}: history Invited, stored ${stored}`)
    else if (deadline <= sweptBefore) problems.push(`${row.id}: deadline passed, never swept`)
  }
  if (
    (state === 'Invited' || state === 'Expired') &&
    storedDeadline !== new Date(deadline).toISOString()
  )
    problems.push(
      `${row.id}: stored deadline ${storedDeadline}, history says ${new Date(deadline).toISOString()}`,
    )
  return problems
}

/** A snapshot of what is still moving: emails not yet sent, invitations past due not yet stored. */
export async function pendingWork(db: Kysely<Database>, now: Date) {
  const outbox = await sql<{
    n: number
  }>`SELECT count(*) AS n FROM email_outbox WHERE status <> 'sent' AND status <> 'failed'`.execute(
    db,
  )
  const due = await db
    .selectFrom('account_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'Invited')
    .where('invitation_expires_at', '<=', new Date(now.getTime() - 3000).toISOString())
    .executeTakeFirstOrThrow()
  return { unsent: Number(outbox.rows[0]!.n), due: Number(due.n) }
}
