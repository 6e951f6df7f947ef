import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { ensureBootstrapAdmin } from '../../src/sessions/bootstrap-admin.js'
import {
  inviteAndAccept,
  nextClientAddress,
  STRONG_PASSWORD,
  uniqueEmail,
} from './account-users.js'
import { createAccount, createUserGroup } from './factories.js'
import type { TestApp } from './test-app.js'

/**
 * A browser over `app.inject`: it keeps the cookies the service sets and sends them back, posts
 * forms as `application/x-www-form-urlencoded` (what a browser's form sends), and reads the
 * anti-forgery token from the last page it got, as the page's own forms carry it.
 */
export class Browser {
  readonly cookies = new Map<string, string>()
  /** the last HTML page received */
  html = ''
  readonly address: string

  constructor(
    readonly t: TestApp,
    options: { address?: string; userAgent?: string } = {},
  ) {
    this.address = options.address ?? nextClientAddress()
    this.userAgent =
      options.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36'
  }

  readonly userAgent: string

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private remember(response: LightMyRequestResponse): void {
    for (const c of response.cookies as Array<{
      name: string
      value: string
      maxAge?: number
      expires?: Date
    }>) {
      const expired =
        c.value === '' ||
        c.maxAge === 0 ||
        (c.expires !== undefined && c.expires.getTime() < Date.now())
      if (expired) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    if (String(response.headers['content-type'] ?? '').startsWith('text/html'))
      this.html = response.body
  }

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const response = await this.t.app.inject({
      ...options,
      remoteAddress: this.address,
      headers: {
        'user-agent': this.userAgent,
        ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...options.headers,
      },
    })
    this.remember(response)
    return response
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers })
  }

  /** Posts a form; `_csrf` is taken from the last page unless the fields say otherwise. */
  post(
    url: string,
    fields: Record<string, string | string[]> = {},
    headers: Record<string, string> = {},
  ) {
    const body = new URLSearchParams()
    const withToken = { _csrf: this.csrfToken() ?? '', ...fields }
    for (const [name, value] of Object.entries(withToken))
      for (const v of ([] as string[]).concat(value)) body.append(name, v)
    return this.request({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    })
  }

  /** The anti-forgery token of the last page's forms. */
  csrfToken(): string | undefined {
    return /name="_csrf" value="([^"]+)"/.exec(this.html)?.[1]
  }

  /** Signs in through the sign-in page, as a person does. */
  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/')
    return this.post('/sign-in', { email, password })
  }
}

/** The text of a page without its markup, for assertions on what a person reads. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
}

export interface Member {
  email: string
  password: string
  accountId: string
  userId: string
  accountUserId: string
}

/**
 * A person who registered in an account (invited by Operations, accepted with a password), in
 * a group with `modules` (default: Access Management). Without `accountId`, a new Client account.
 */
export async function registeredMember(
  t: TestApp,
  options: { accountId?: string; modules?: string[]; email?: string } = {},
): Promise<Member> {
  const accountId = options.accountId ?? (await createAccount(t.db.db, { type: 'Client' }))
  const groupId = await createUserGroup(t.db.db, accountId, {
    modules: options.modules ?? ['MOD-1756'],
  })
  const invited = await inviteAndAccept(t, {
    accountId,
    groupIds: [groupId],
    email: options.email ?? uniqueEmail('member'),
  })
  return {
    email: invited.email,
    password: STRONG_PASSWORD,
    accountId,
    userId: invited.userId,
    accountUserId: invited.accountUserId,
  }
}

/** The first-start administrator of the Operations account, with a password set through the setup link. */
export async function operationsAdmin(t: TestApp, password = STRONG_PASSWORD) {
  const result = await ensureBootstrapAdmin(
    { db: t.db.db, dialect: t.db.dialect, clock: t.clock },
    {
      email: 'admin@localhost',
      operationsAccountId: t.operations.accountId,
      groupId: t.operations.groupId,
      publicUrl: t.config.publicUrl,
    },
  )
  const token = new URL(result.setupUrl!).searchParams.get('token')!
  await t.services.sessions.setPasswordWithLink({ token, password })
  return { email: 'admin@localhost', password }
}
