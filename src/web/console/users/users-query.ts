/**
 * The Users page's filter, search, sort and page, as the query string of the API's RQL list
 * (`GET …/accounts/{ACC}/users?…`): the page asks exactly what a client of the API would.
 */
export const STATUS_FILTERS = ['all', 'Invited', 'InvitationExpired', 'Active', 'Blocked'] as const
export type StatusFilter = (typeof STATUS_FILTERS)[number]

export const SORTS = {
  name: { label: 'Name', order: 'firstName,lastName' },
  email: { label: 'Email', order: 'email' },
  '-created': { label: 'Newest first', order: '-audit.created.at' },
  status: { label: 'Status', order: 'status' },
  '-lastLogin': { label: 'Last sign-in', order: '-lastLoginAt' },
} as const
export type SortKey = keyof typeof SORTS

export const PAGE_SIZE = 25

export interface UsersQuery {
  status: StatusFilter
  /** searched in names and email addresses, case-insensitively */
  q: string
  sort: SortKey
  /** 1-based */
  page: number
}

/** Reads the page's own query string; anything unexpected falls back to the default. */
export function readUsersQuery(query: Record<string, unknown>): UsersQuery {
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : '')
  const status = STATUS_FILTERS.find((s) => s === text('status')) ?? 'all'
  const sort = (Object.keys(SORTS) as SortKey[]).find((s) => s === text('sort')) ?? 'name'
  const page = Number.parseInt(text('page'), 10)
  return {
    status,
    q: text('q').trim().slice(0, 100),
    sort,
    page: Number.isSafeInteger(page) && page > 0 && page <= 100_000 ? page : 1,
  }
}

/** A quoted RQL glob matching `text` anywhere: quotes escaped, stars literal, then percent-encoded. */
function containing(text: string): string {
  const literal = text.replace(/\\/g, '').replace(/'/g, "\\'").replace(/\*/g, '\\*')
  return encodeURIComponent(`'*${literal}*'`)
}

export function toRql(query: UsersQuery): string {
  const filters: string[] = []
  if (query.status !== 'all') filters.push(`eq(status,${query.status})`)
  if (query.q) {
    const like = containing(query.q)
    filters.push(`or(ilike(name,${like}),ilike(email,${like}))`)
  }
  const terms = [
    ...filters,
    `order=${SORTS[query.sort].order}`,
    `limit=${PAGE_SIZE}`,
    `offset=${(query.page - 1) * PAGE_SIZE}`,
  ]
  return terms.join('&')
}

/** The page's own URL for a query (links of the pager, the filter form's target). */
export function usersUrl(base: string, query: UsersQuery, changes: Partial<UsersQuery> = {}) {
  const next = { ...query, ...changes }
  const params = new URLSearchParams()
  if (next.status !== 'all') params.set('status', next.status)
  if (next.q) params.set('q', next.q)
  if (next.sort !== 'name') params.set('sort', next.sort)
  if (next.page > 1) params.set('page', String(next.page))
  const search = params.toString()
  return search ? `${base}?${search}` : base
}
