import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  inviteUser,
  LEGACY_PATH,
  scopedUsersPath,
  type Invited,
} from '../../test/support/account-users.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'

describe('account-user errors and wire details', () => {
  let t: TestApp
  let invited: Invited
  beforeEach(async () => {
    t = await buildTestApp()
    invited = await inviteUser(t)
  })
  afterEach(async () => t.close())

  const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'traceId', 'errors']

  it('renders a business-rule failure as top-level RFC 7807 problem details', async () => {
    const res = await t.request({ method: 'POST', url: `${invited.path}/send-new-invite` })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const body = res.json()
    expect(Object.keys(body)).toEqual(expect.arrayContaining(PROBLEM_KEYS))
    expect(body).toMatchObject({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'Bad Request',
      status: 400,
    })
    expect(body.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/)
    expect(body.errors[0]).toMatchObject({
      id: 'INVITATION_STATUS_INVALID',
      properties: ['invitation.status'],
    })
  })

  it('renders a 404 with the Not Found reason phrase', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${scopedUsersPath(invited.accountId)}/USR-9999-9999`,
    })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
      title: 'Not Found',
      status: 404,
    })
    expect(typeof res.json().detail).toBe('string')
  })

  it.each(['INVALID-ID', 'USR-0000', 'AUSR-0000-0000', 'USR-0000-0000'])(
    'answers 404 for the id %s on every method',
    async (id) => {
      const base = `${scopedUsersPath(invited.accountId)}/${id}`
      const calls = [
        { method: 'GET' as const, url: base },
        { method: 'DELETE' as const, url: base },
        { method: 'PUT' as const, url: base, payload: { groups: [{ id: t.operations.groupId }] } },
        { method: 'POST' as const, url: `${base}/resend-invite` },
        { method: 'POST' as const, url: `${base}/accept-invite`, payload: { code: invited.code } },
        { method: 'POST' as const, url: `${base}/groups`, payload: { id: t.operations.groupId } },
        { method: 'GET' as const, url: `${LEGACY_PATH}/${id}` },
      ]
      for (const call of calls) {
        const res = await t.request(call)
        expect(res.statusCode, `${call.method} ${call.url}`).toBe(404)
        expect(res.json().title).toBe('Not Found')
      }
    },
  )

  it('answers 404 for an unknown account in the path', async () => {
    for (const accountId of ['ACC-0000-0000', 'INVALID-ID']) {
      const res = await t.request({
        method: 'GET',
        url: `${scopedUsersPath(accountId)}/${invited.userId}`,
      })
      expect(res.statusCode).toBe(404)
    }
  })

  it('answers 404 for an unknown well-formed id even when the body is invalid', async () => {
    const base = `${scopedUsersPath(invited.accountId)}/USR-9999-9999`
    const calls = [
      { method: 'PUT' as const, url: base, payload: { groups: 'nonsense' } },
      { method: 'POST' as const, url: `${base}/groups`, payload: { id: 42 } },
      { method: 'PUT' as const, url: `${base}/groups`, payload: { not: 'a list' } },
      { method: 'POST' as const, url: `${base}/accept-invite`, payload: { code: 7 } },
      { method: 'POST' as const, url: `${LEGACY_PATH}/AUSR-9999-9999-9999/groups`, payload: [] },
    ]
    for (const call of calls)
      expect((await t.request(call)).statusCode, `${call.method} ${call.url}`).toBe(404)
  })

  it('answers 400 for a body that is not JSON', async () => {
    const res = await t.request({
      method: 'POST',
      url: `${invited.path}/groups`,
      headers: { 'content-type': 'application/json' },
      payload: '{"id": ',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      title: 'Bad Request',
      status: 400,
      code: 'BODY_INVALID_JSON',
    })
  })

  it('answers 415 for a text/plain body', async () => {
    const res = await t.request({
      method: 'POST',
      url: `${invited.path}/groups`,
      headers: { 'content-type': 'text/plain' },
      payload: 'id=UGR-0000-0000',
    })
    expect(res.statusCode).toBe(415)
    expect(res.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type' })
  })

  it('runs an action POST with no body at all', async () => {
    const res = await t.request({ method: 'POST', url: `${invited.path}/resend-invite` })
    expect(res.statusCode).toBe(200)
    expect(res.json().invitation.status).toBe('Invited')
  })

  it('runs an action POST with a JSON content type and an empty body', async () => {
    const res = await t.request({
      method: 'POST',
      url: `${invited.path}/resend-invite`,
      headers: { 'content-type': 'application/json' },
      payload: '',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().invitation.status).toBe('Invited')
  })

  it('runs an action POST with an empty JSON object', async () => {
    const res = await t.request({
      method: 'POST',
      url: `${invited.path}/resend-invite`,
      payload: {},
    })
    expect(res.statusCode).toBe(200)
  })

  it('answers every non-DELETE success with a JSON object', async () => {
    const base = scopedUsersPath(invited.accountId)
    const responses = [
      await t.request({ method: 'GET', url: base }),
      await t.request({ method: 'GET', url: invited.path }),
      await t.request({ method: 'GET', url: `${invited.path}/groups` }),
      await t.request({
        method: 'POST',
        url: `${invited.path}/groups`,
        payload: { id: t.operations.groupId },
      }),
      await t.request({
        method: 'PUT',
        url: `${invited.path}/groups`,
        payload: [{ id: t.operations.groupId }],
      }),
      await t.request({ method: 'PUT', url: invited.path, payload: {} }),
      await t.request({ method: 'POST', url: `${invited.path}/resend-invite` }),
      await t.request({ method: 'GET', url: LEGACY_PATH }),
    ]
    for (const res of responses) {
      expect(res.statusCode, res.body).toBeLessThan(300)
      expect(res.headers['content-type']).toMatch(/^application\/json/)
      const body = res.json()
      expect(typeof body === 'object' && body !== null && !Array.isArray(body)).toBe(true)
    }
  })

  it('refuses a call without a token with 401 problem details', async () => {
    const res = await t.request({ method: 'GET', url: invited.path, token: null })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized' })
  })
})
