import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  inviteUser,
  LEGACY_PATH,
  STRONG_PASSWORD,
} from '../../test/support/account-users.js'
import { createApiToken, createUserGroup } from '../../test/support/factories.js'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { recordAccountAccess } from './account-user-repository.js'

const SETTINGS_KEYS = [
  'configurable',
  'default',
  'eligibility',
  'obsolete',
  'paid',
  'sharedAccount',
  'type',
]

/** Issue #11 item 6: the send-new-invite response and the account-user audit, field for field. */
describe('account-user audit and module settings, as the API reference shows them', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  it('answers send-new-invite with the documented members, module settings with obsolete and eligibility', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(t.config.invitationTtlMs)
    const res = await t.request({
      method: 'POST',
      url: `${LEGACY_PATH}/${invited.accountUserId}/send-new-invite?select=audit`,
    })
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(Object.keys(body)).toEqual([
      'id',
      'user',
      'account',
      'groups',
      'buyers',
      'modules',
      'invitation',
      'lastLoginAt',
      'audit',
    ])
    expect(body.modules.length).toBeGreaterThan(0)
    for (const module of body.modules) {
      expect(Object.keys(module.settings).sort()).toEqual(SETTINGS_KEYS)
      expect(module.settings).toMatchObject({
        obsolete: false,
        eligibility: { multi: true, single: true },
      })
    }
    expect(body.audit).toMatchObject({
      created: { at: expect.any(String) },
      updated: { at: t.clock.now().toISOString() },
      invitationAcceptedAt: null,
    })
  })

  it('carries obsolete and eligibility in every module shape: the catalogue, groups, tokens, account users', async () => {
    const token = await createApiToken(t.db.db, t.operations.accountId, { modules: ['MOD-1756'] })
    const group = await createUserGroup(t.db.db, t.operations.accountId, { modules: ['MOD-0478'] })
    const invited = await inviteUser(t, { groupIds: [group] })
    const shapes = [
      (await t.request({ method: 'GET', url: '/public/v1/accounts/modules/MOD-0478' })).json(),
      ...(await t.request({ method: 'GET', url: '/public/v1/accounts/modules' })).json().data,
      ...(
        await t.request({ method: 'GET', url: `/public/v1/accounts/user-groups/${group}` })
      ).json().modules,
      ...(
        await t.request({ method: 'GET', url: `/public/v1/accounts/api-tokens/${token.id}` })
      ).json().modules,
      ...(await t.request({ method: 'GET', url: invited.path })).json().modules,
    ]
    expect(shapes.length).toBeGreaterThanOrEqual(10)
    for (const module of shapes) {
      expect(Object.keys(module.settings).sort()).toEqual(SETTINGS_KEYS)
    }
  })

  it('shows joined and access as date events beside created, updated and invitationAcceptedAt', async () => {
    const invited = await inviteUser(t)
    t.clock.advance(60_000)
    const joinedAt = t.clock.now().toISOString()
    const accepted = await acceptInvite(t, invited.path, {
      code: invited.code,
      password: STRONG_PASSWORD,
    })
    expect(accepted.statusCode).toBe(200)
    t.clock.advance(60_000)
    expect(await recordAccountAccess(t.db.db, invited.accountUserId, t.clock.now())).toBe(true)
    const legacy = (
      await t.request({
        method: 'GET',
        url: `${LEGACY_PATH}/${invited.accountUserId}?select=audit`,
      })
    ).json()
    expect(Object.keys(legacy.audit)).toEqual([
      'created',
      'updated',
      'invitationAcceptedAt',
      'access',
      'joined',
    ])
    expect(legacy.audit).toMatchObject({
      invitationAcceptedAt: joinedAt,
      access: { at: t.clock.now().toISOString() },
      joined: { at: joinedAt },
    })
    expect(Object.keys(legacy.audit.access)).toEqual(['at'])
    const scoped = (await t.request({ method: 'GET', url: `${invited.path}?select=audit` })).json()
    expect(scoped.audit).toMatchObject({
      access: { at: t.clock.now().toISOString() },
      joined: { at: joinedAt },
    })
  })

  it('records access only for an Active membership, and only forward in time', async () => {
    const invited = await inviteUser(t)
    expect(await recordAccountAccess(t.db.db, invited.accountUserId, t.clock.now())).toBe(false)
    await acceptInvite(t, invited.path, { code: invited.code, password: STRONG_PASSWORD })
    const later = new Date(t.clock.now().getTime() + 5_000)
    expect(await recordAccountAccess(t.db.db, invited.accountUserId, later)).toBe(true)
    expect(await recordAccountAccess(t.db.db, invited.accountUserId, t.clock.now())).toBe(false)
    const read = (await t.request({ method: 'GET', url: `${invited.path}?select=audit` })).json()
    expect(read.audit.access).toEqual({ at: later.toISOString() })
    const version = await t.db.db
      .selectFrom('account_users')
      .select('version')
      .where('id', '=', invited.accountUserId)
      .executeTakeFirstOrThrow()
    const again = new Date(later.getTime() + 1)
    await recordAccountAccess(t.db.db, invited.accountUserId, again)
    const after = await t.db.db
      .selectFrom('account_users')
      .select('version')
      .where('id', '=', invited.accountUserId)
      .executeTakeFirstOrThrow()
    expect(after.version).toBe(version.version)
  })
})
