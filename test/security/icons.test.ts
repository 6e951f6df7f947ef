import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialect } from '../support/database.js'
import { createAccount, createBuyer } from '../support/factories.js'
import { multipartBody, TINY_PNG } from '../support/multipart.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'
import { ADDRESS } from '../access/access-fixture.js'
import { API, adminInvites, createTenant } from './attack-support.js'

/** A distinct valid PNG per `n`: TINY_PNG with `n` appended after its IEND chunk. */
const png = (n: number) => Buffer.concat([TINY_PNG, Buffer.from(`#${n}`)])

/**
 * Issue #12: "replaced icons stay stored and publicly served forever (ten 9 MB logos grew the
 * database by 90 MB)". An object holds one icon; replacing or deleting it removes the bytes.
 */
describe(`issue #12: replaced and deleted icons are removed (${testDialect})`, () => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(async () => t.close())

  const iconCount = async () =>
    Number(
      (
        await t.db.db
          .selectFrom('icons')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  async function upload(url: string, part: string, value: object, file: string, n: number) {
    const body = await multipartBody(part, value, { part: file, data: png(n) })
    const res = await t.request({ method: 'PUT', url, ...body })
    expect(res.statusCode, res.body).toBe(200)
    return String(res.json().icon ?? res.json().logo)
  }

  it('keeps one stored logo per account however often it is replaced', async () => {
    const accountId = await createAccount(t.db.db, { name: 'Logo churn' })
    const before = await iconCount()
    const paths: string[] = []
    for (let n = 0; n < 10; n++)
      paths.push(
        await upload(`${API}/accounts/${accountId}`, 'account', { name: 'Logo churn' }, 'logo', n),
      )
    expect(await iconCount()).toBe(before + 1)
    const old = await t.app.inject({ method: 'GET', url: paths[0]! })
    expect(old.statusCode).toBe(404)
    const current = await t.app.inject({ method: 'GET', url: paths[9]! })
    expect(current.statusCode).toBe(200)
  })

  it('removes a replaced buyer logo and user icon, and a deleted object\u2019s icon', async () => {
    const accountId = await createAccount(t.db.db, { name: 'Buyer churn' })
    const buyerId = await createBuyer(t.db.db, accountId)
    const tenant = await createTenant(t, 'Icons')
    const invited = await adminInvites(t, tenant, 'icon-owner@example.com')
    const before = await iconCount()
    await upload(
      `${API}/buyers/${buyerId}`,
      'buyer',
      { name: 'Buyer', address: ADDRESS },
      'logo',
      100,
    )
    await upload(
      `${API}/buyers/${buyerId}`,
      'buyer',
      { name: 'Buyer', address: ADDRESS },
      'logo',
      101,
    )
    await upload(`${API}/users/${invited.userId}`, 'user', {}, 'icon', 200)
    const userIcon = await upload(`${API}/users/${invited.userId}`, 'user', {}, 'icon', 201)
    expect(await iconCount()).toBe(before + 2)

    // Operations blocks, then deletes the user (§6.2).
    await t.request({ method: 'POST', url: `${API}/users/${invited.userId}/block`, payload: {} })
    const deleted = await t.request({ method: 'DELETE', url: `${API}/users/${invited.userId}` })
    expect(deleted.statusCode).toBe(204)
    expect(await iconCount()).toBe(before + 1)
    expect((await t.app.inject({ method: 'GET', url: userIcon })).statusCode).toBe(404)
  })

  it('gives two objects uploading the same image an icon each: replacing one keeps the other', async () => {
    const first = await createAccount(t.db.db, { name: 'Twin 1' })
    const second = await createAccount(t.db.db, { name: 'Twin 2' })
    const one = await upload(`${API}/accounts/${first}`, 'account', { name: 'Twin 1' }, 'logo', 300)
    const two = await upload(
      `${API}/accounts/${second}`,
      'account',
      { name: 'Twin 2' },
      'logo',
      300,
    )
    await upload(`${API}/accounts/${first}`, 'account', { name: 'Twin 1' }, 'logo', 301)
    expect((await t.app.inject({ method: 'GET', url: one })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: two })).statusCode).toBe(200)
  })
})
