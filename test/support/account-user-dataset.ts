import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'

/** One seeded account user as the API should report it at `now` (the oracle's view). */
export interface SeededAccountUser {
  id: string
  userId: string
  accountId: string
  email: string
  firstName: string
  lastName: string
  /** effective invitation status at `now` */
  status: 'Invited' | 'InvitationExpired' | 'Active'
  createdAt: string
  joinedAt: string | null
  groupIds: string[]
}

export interface SeededDataset {
  accounts: string[]
  groups: string[]
  accountUsers: SeededAccountUser[]
}

const FIRST = [
  'Ada',
  'Élodie',
  'Grace',
  'Zoë',
  'Linus',
  'Ömer',
  'Margaret',
  'Søren',
  'Alan',
  'Beatriz',
]
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Müller', 'Ødegaard', 'Núñez', 'Hamilton', 'Ritchie']
const DOMAINS = ['example.com', 'example.org', 'Exämple.net', 'corp.example.com']

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/**
 * Seeds `count` account users over three Client accounts, deterministically, in multi-row
 * inserts (fast enough for a million rows). Statuses cycle through Active, Invited, expired by
 * the clock only (still stored Invited), and stored InvitationExpired. Every seventh row shares
 * its creation instant with the previous one, so ordering needs its tie-break.
 */
export async function seedAccountUsers(
  db: Kysely<Database>,
  options: { count: number; now: Date; keepModel?: boolean; chunkSize?: number },
): Promise<SeededDataset> {
  const created = '2025-01-01T00:00:00.000Z'
  const accounts = [0, 1, 2].map((i) => `ACC-9000-000${i}`)
  await db
    .insertInto('accounts')
    .values(
      accounts.map((id, i) => ({
        id,
        name: `Dataset Account ${i}`,
        type: 'Client' as const,
        status: 'Active' as const,
        icon: null,
        external_id: null,
        external_name: null,
        external_ids: null,
        service_level: 'Express',
        address: null,
        technical_support_email: null,
        website: null,
        description: null,
        eligibility: null,
        created_at: created,
        created_by: null,
        updated_at: null,
        updated_by: null,
      })),
    )
    .execute()
  const groups = accounts.flatMap((_, a) => [0, 1].map((g) => `UGR-9${a}0${g}-0000`))
  await db
    .insertInto('user_groups')
    .values(
      groups.map((id, i) => ({
        id,
        account_id: accounts[Math.floor(i / 2)]!,
        name: `Dataset Group ${i}`,
        description: null,
        logo: null,
        is_default: i % 2 === 0 ? 1 : 0,
        all_buyers: 1,
        created_at: created,
        created_by: null,
        updated_at: null,
        updated_by: null,
      })),
    )
    .execute()

  const model: SeededAccountUser[] = []
  const chunk = options.chunkSize ?? 500
  const nowMs = options.now.getTime()
  const base = nowMs - (options.count + 10) * 60_000
  for (let start = 0; start < options.count; start += chunk) {
    const users = []
    const members = []
    const links = []
    for (let i = start; i < Math.min(options.count, start + chunk); i++) {
      const accountIndex = i % 3
      const accountId = accounts[accountIndex]!
      const userId = `USR-${pad(Math.floor(i / 10_000), 4)}-${pad(i % 10_000, 4)}`
      const id = `AUSR-${pad(Math.floor(i / 100_000_000), 4)}-${pad(Math.floor(i / 10_000) % 10_000, 4)}-${pad(i % 10_000, 4)}`
      const firstName = FIRST[i % FIRST.length]!
      const lastName = LAST[i % LAST.length]!
      const email = `${firstName.toLowerCase()}.${i}@${DOMAINS[i % DOMAINS.length]}`
      const createdAt = new Date(base + (i - (i % 7 === 6 ? 1 : 0)) * 60_000).toISOString()
      const kind = i % 5
      const stored = kind <= 1 ? 'Active' : kind === 4 ? 'InvitationExpired' : 'Invited'
      const expiresAt = new Date(
        kind === 3 || kind === 4 ? nowMs - 3_600_000 : nowMs + 86_400_000,
      ).toISOString()
      const joinedAt =
        stored === 'Active' ? new Date(base + i * 60_000 + 30_000).toISOString() : null
      const groupIds =
        i % 4 === 0
          ? [groups[accountIndex * 2]!, groups[accountIndex * 2 + 1]!]
          : [groups[accountIndex * 2 + (i % 2)]!]
      users.push({
        id: userId,
        email,
        email_key: email.toLowerCase(),
        first_name: firstName,
        last_name: lastName,
        phone_prefix: null,
        phone_number: null,
        icon: null,
        status: stored === 'Active' ? ('Active' as const) : ('Invited' as const),
        status_before_block: null,
        password_hash: null,
        settings: null,
        last_login_at: null,
        invitation_accepted_at: joinedAt,
        created_at: createdAt,
        created_by: null,
        updated_at: null,
        updated_by: null,
      })
      members.push({
        id,
        account_id: accountId,
        user_id: userId,
        status: stored as 'Active' | 'Invited' | 'InvitationExpired',
        invitation_secret: null,
        invitation_sent_at: createdAt,
        invitation_expires_at: expiresAt,
        invitation_accepted_at: joinedAt,
        joined_at: joinedAt,
        access_at: null,
        last_login_at: null,
        version: 0,
        created_at: createdAt,
        created_by: null,
        updated_at: null,
        updated_by: null,
      })
      for (const gid of groupIds) links.push({ account_user_id: id, user_group_id: gid })
      if (options.keepModel !== false) {
        model.push({
          id,
          userId,
          accountId,
          email,
          firstName,
          lastName,
          createdAt,
          joinedAt,
          groupIds,
          status: kind <= 1 ? 'Active' : kind === 2 ? 'Invited' : 'InvitationExpired',
        })
      }
    }
    await db.insertInto('users').values(users).execute()
    await db.insertInto('account_users').values(members).execute()
    await db.insertInto('account_user_groups').values(links).execute()
  }
  return { accounts, groups, accountUsers: model }
}
