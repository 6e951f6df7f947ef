import type { AccountType } from '../access/actor.js'

/** A signed-in browser, as the console sees it (never its secret). */
export interface Session {
  /** the public handle: the session list and "sign out" name it */
  id: string
  userId: string
  /** the account the person last opened */
  accountId: string | null
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
  userAgent: string | null
  clientAddress: string | null
}

/** The person a session stands for. */
export interface SessionUser {
  id: string
  email: string
  firstName: string
  lastName: string
  icon: string | null
}

/** A session that authenticated: the row and its person. */
export interface SignedIn {
  session: Session
  user: SessionUser
}

/** One Active membership the person may open in the console. */
export interface Membership {
  accountUserId: string
  accountId: string
  accountName: string
  accountType: AccountType
  /** the member's last use of the account (`audit.access`) */
  accessAt: Date | null
}

/** Where the sign-in forms come from and what the session list shows of the browser. */
export interface ClientInfo {
  clientAddress: string
  userAgent: string | undefined
}

/** How long a single-use link to choose a password works. */
export const PASSWORD_TOKEN_TTL_MS = { reset: 30 * 60_000, setup: 60 * 60_000 } as const

export type PasswordTokenPurpose = keyof typeof PASSWORD_TOKEN_TTL_MS

/** `last_seen_at` (and so the idle limit) moves at most this often: not a write per request. */
export const LAST_SEEN_RESOLUTION_MS = 60_000

/** `audit.access` of the membership the console acts through moves at most this often. */
export const ACCESS_RESOLUTION_MS = 60_000
