import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { multipartBody, TINY_PNG } from '../support/multipart.js'
import { invitationCodeFrom } from '../support/factories.js'
import { buildTestApp, type TestApp } from '../support/test-app.js'

const address = {
  addressLine1: '1 Main St',
  postCode: '08001',
  city: 'Barcelona',
  state: 'Catalonia',
  country: 'ES',
}

describe('scenario: Operations onboards a Client account; its administrator invites a colleague into Purchasing', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await buildTestApp()
  })
  afterEach(async () => t.close())

  it('shows the colleague exactly the Marketplace module and the one buyer of their group', async () => {
    // The official SDK always sends account creates as multipart, here with a logo.
    const account = await multipartBody(
      'account',
      {
        name: 'Contoso',
        type: 'Client',
        serviceLevel: 'Express',
        address,
        status: 'Active',
        icon: '',
      },
      { part: 'logo', data: TINY_PNG, filename: 'contoso.png' },
      { jsonAsFile: true },
    )
    const created = await t.request({
      method: 'POST',
      url: '/public/v1/accounts/accounts',
      ...account,
    })
    expect(created.statusCode).toBe(201)
    const contoso = created.json()
    expect(contoso).toMatchObject({ type: 'Client', status: 'Enabled', name: 'Contoso' })
    const [administrators] = contoso.groups
    expect(administrators).toMatchObject({ name: 'Administrators', isDefault: true })

    const redirect = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/accounts/${contoso.id}/icon`,
      token: null,
    })
    expect(redirect.statusCode).toBe(307)
    const logo = await t.request({
      method: 'GET',
      url: redirect.headers.location as string,
      token: null,
    })
    expect(logo.statusCode).toBe(200)
    expect(logo.headers['content-type']).toBe('image/png')
    expect(logo.rawPayload.equals(TINY_PNG)).toBe(true)

    const buyer = await multipartBody('buyer', {
      name: 'Contoso Spain',
      address,
      account: { id: contoso.id },
    })
    const createdBuyer = await t.request({
      method: 'POST',
      url: '/public/v1/accounts/buyers',
      ...buyer,
    })
    expect(createdBuyer.statusCode).toBe(201)
    expect(createdBuyer.json()).toMatchObject({
      status: 'Enabled',
      account: { id: contoso.id, name: 'Contoso', type: 'Client' },
    })
    const listed = await t.request({
      method: 'GET',
      url: `/public/v1/accounts/buyers?eq(account.id,'${contoso.id}')`,
    })
    expect(listed.json().data.map((b: { id: string }) => b.id)).toEqual([createdBuyer.json().id])

    // A second buyer, so "that buyer only" means something.
    const other = await multipartBody('buyer', {
      name: 'Contoso Portugal',
      address: { ...address, country: 'PT' },
      account: { id: contoso.id },
    })
    expect(
      (await t.request({ method: 'POST', url: '/public/v1/accounts/buyers', ...other })).statusCode,
    ).toBe(201)

    // Operations gives the client an API token and a "Purchasing" group: Marketplace, one buyer.
    const token = await t.request({
      method: 'POST',
      url: '/public/v1/accounts/api-tokens',
      payload: { account: { id: contoso.id }, name: 'Contoso admin', icon: '' },
    })
    expect(token.statusCode).toBe(201)
    const clientToken = token.json().token as string
    const purchasing = await t.request({
      method: 'POST',
      url: '/public/v1/accounts/user-groups',
      payload: {
        name: 'Purchasing',
        account: { id: contoso.id },
        logo: '',
        description: 'Buys for Spain',
        modules: [{ id: 'MOD-0478' }],
        buyers: [{ id: createdBuyer.json().id }],
      },
    })
    expect(purchasing.statusCode).toBe(201)

    // The client's administrator invites a colleague into Purchasing; the colleague accepts.
    const invited = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/accounts/${contoso.id}/users`,
      token: clientToken,
      payload: {
        user: { email: 'colleague@contoso.example', firstName: 'Cole', lastName: 'League' },
        groups: [{ id: purchasing.json().id }],
        invitation: { status: 'Invited' },
      },
    })
    expect(invited.statusCode).toBe(201)
    const [mail] = await t.deliverEmails()
    expect(mail!.subject).toContain('Contoso')
    const accepted = await t.request({
      method: 'POST',
      url: `/public/v1/accounts/accounts/${contoso.id}/users/${invited.json().id}/accept-invite`,
      token: null,
      payload: { code: invitationCodeFrom(mail!.text), password: 'Purch4se!Now' },
    })
    expect(accepted.statusCode).toBe(200)

    const colleague = (
      await t.request({
        method: 'GET',
        url: `/public/v1/accounts/accounts/${contoso.id}/users/${invited.json().id}`,
        token: clientToken,
      })
    ).json()
    expect(colleague.status).toBe('Active')
    expect(colleague.modules.map((m: { id: string }) => m.id)).toEqual(['MOD-0478'])
    expect(colleague.buyers).toEqual([
      { id: createdBuyer.json().id, name: 'Contoso Spain', icon: null },
    ])
  })
})
