import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  inviteAndAccept,
  inviteUser,
  scopedUsersPath,
} from '../../../../test/support/account-users.js'
import { Browser, registeredMember, type Member } from '../../../../test/support/console.js'
import { buildTestApp, type TestApp } from '../../../../test/support/test-app.js'
import { readUsersQuery, toRql } from './users-query.js'

/** The emails of the page's rows, in order. */
function emailsOf(html: string): string[] {
  return [...html.matchAll(/<span class="sub">([^<]+@[^<]+)<\/span>/g)].map((m) => m[1]!)
}

describe('the Users page lists through the same RQL list as the API (issue #14)', () => {
  let t: TestApp
  let ada: Member
  const browser = () => new Browser(t)
  beforeAll(async () => {
    t = await buildTestApp()
    ada = await registeredMember(t, { email: 'ada.admin@example.com' })
    for (let i = 0; i < 28; i++) {
      const email = `person-${String(i).padStart(2, '0')}@${i % 2 ? 'example.org' : 'example.com'}`
      if (i % 3 === 0) await inviteAndAccept(t, { accountId: ada.accountId, email })
      else await inviteUser(t, { accountId: ada.accountId, email })
    }
  })
  afterAll(async () => t.close())

  it.each([
    '',
    'status=Invited',
    'status=Active&sort=email',
    'q=EXAMPLE.ORG&sort=-created',
    'q=person-1&status=Invited&sort=email',
    'sort=email&page=2',
    'status=InvitationExpired',
  ])('answers ?%s with the rows the API answers', async (search) => {
    const b = browser()
    await b.signIn(ada.email, ada.password)
    const page = await b.get(
      `/console/accounts/${ada.accountId}/users${search ? `?${search}` : ''}`,
    )
    expect(page.statusCode).toBe(200)
    const rql = toRql(readUsersQuery(Object.fromEntries(new URLSearchParams(search))))
    const api = await t.request({ method: 'GET', url: `${scopedUsersPath(ada.accountId)}?${rql}` })
    expect(api.statusCode).toBe(200)
    const expected = (api.json().data as Array<{ email: string }>).map((u) => u.email)
    expect(emailsOf(page.body)).toEqual(expected)
    const total = api.json().$meta.pagination.total as number
    expect(page.body).toContain(total === 0 ? '>0 users<' : `of ${total} users`)
  })

  it('searches for text with quotes, stars and ampersands literally', async () => {
    const b = browser()
    await b.signIn(ada.email, ada.password)
    for (const q of ["O'Brien", '*', 'a&b=c', '50%', '\\*']) {
      const page = await b.get(
        `/console/accounts/${ada.accountId}/users?q=${encodeURIComponent(q)}`,
      )
      expect(page.statusCode, q).toBe(200)
      expect(emailsOf(page.body), q).toEqual([])
    }
  })

  it('answers an htmx filter change with the results alone', async () => {
    const b = browser()
    await b.signIn(ada.email, ada.password)
    const res = await b.get(`/console/accounts/${ada.accountId}/users?status=Active`, {
      'hx-request': 'true',
      'hx-target': 'results',
    })
    expect(res.body.startsWith('<div id="results">')).toBe(true)
    expect(res.body).not.toContain('<html')
  })
})
