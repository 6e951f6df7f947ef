/**
 * What the soak's client knows it did: every account user it invited, each write it got an
 * answer for (acknowledged) and each whose outcome it cannot know (a connection broken after
 * sending, a 503 of a write that may have committed before the connection was lost). The final
 * checks hold the database to it: an acknowledged write exists exactly once, an unknown one at
 * most once.
 */

export type WriteOp = 'invite' | 'resend' | 'sendNew' | 'accept' | 'groups' | 'remove'

/** The audit event each write leaves on the account user. */
export const EVENT_OF: Record<WriteOp, string> = {
  invite: 'created',
  resend: 'invitation-resent',
  sendNew: 'invitation-renewed',
  accept: 'invitation-accepted',
  groups: 'updated',
  remove: 'deleted',
}

export interface Member {
  accountId: string
  accountUserId: string
  userId: string
  email: string
  /** the client's belief; `Unknown` after an ambiguous write until it read the row again */
  state: 'Invited' | 'Active' | 'Removed' | 'Unknown'
  /** the current link's secret (from `invitation.url` of the answers) */
  secret: string | undefined
  /** the deadline lies between windowFrom + TTL and windowTo + TTL (request sent … answered) */
  windowFrom: number
  windowTo: number
  busy: boolean
  acked: Record<WriteOp, number>
  unknown: Record<WriteOp, number>
  /** the groups of the last acknowledged change, while no later change is unknown */
  groups: string[] | undefined
  /** the XFF address this invitee accepts from */
  address: string
}

const zero = (): Record<WriteOp, number> => ({
  invite: 0,
  resend: 0,
  sendNew: 0,
  accept: 0,
  groups: 0,
  remove: 0,
})

export function createLedger() {
  const members = new Map<string, Member>()
  /** invites whose outcome is unknown and that were not found afterwards: 0 or 1 row each */
  const unknownInvites: Array<{ accountId: string; email: string }> = []
  const list: Member[] = []
  let addresses = 0

  return {
    members,
    list,
    unknownInvites,
    add(input: Omit<Member, 'busy' | 'acked' | 'unknown' | 'address'>, inviteAcked: boolean) {
      addresses += 1
      const member: Member = {
        ...input,
        busy: false,
        acked: zero(),
        unknown: zero(),
        address: `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`,
      }
      if (inviteAcked) member.acked.invite = 1
      else member.unknown.invite = 1
      members.set(member.accountUserId, member)
      list.push(member)
      return member
    },
    /** a random member that is free and passes `fits`, or undefined after a few tries */
    pick(fits: (m: Member) => boolean): Member | undefined {
      for (let i = 0; i < 30 && list.length > 0; i += 1) {
        const m = list[Math.floor(Math.random() * list.length)]!
        if (!m.busy && m.state !== 'Removed' && fits(m)) return m
      }
      return undefined
    },
  }
}

export type Ledger = ReturnType<typeof createLedger>

/** The `code` (secret) inside an `invitation.url`. */
export function secretOfUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined
  const code = new URL(url).searchParams.get('code')
  if (!code) return undefined
  return (JSON.parse(Buffer.from(code, 'base64url').toString('utf8')) as { code: string }).code
}
