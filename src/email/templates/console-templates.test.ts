import { describe, expect, it } from 'vitest'
import { createEmailTemplates } from './email-templates.js'

const templates = createEmailTemplates({
  branding: { productName: 'SoftwareOne Marketplace', supportUrl: null, logoUrl: null },
  publicUrl: 'https://portal.example.test',
})
const renderPasswordResetEmail = (input: {
  to: string
  firstName: string
  url: string
  expiresAt: Date
}) =>
  templates.passwordReset(
    { email: input.to, firstName: input.firstName },
    { url: input.url, expiresAt: input.expiresAt },
  )
const renderDeclinedEmail = ({
  to,
  ...input
}: {
  to: string
  inviteeName: string
  inviteeEmail: string
  accountName: string
}) => templates.invitationDeclined(to, input)

describe('password reset email (issue #14)', () => {
  it('carries the single-use link and its expiry, escaped in HTML', () => {
    const url = 'https://portal.example.test/set-password?token=abc&x="><img src=x>'
    const email = renderPasswordResetEmail({
      to: 'ada@example.com',
      firstName: '<b>Ada</b>',
      url,
      expiresAt: new Date('2026-01-13T09:30:00.000Z'),
    })
    expect(email.kind).toBe('password-reset')
    expect(email.subject).toBe('Reset your SoftwareOne Marketplace password')
    expect(email.text).toContain(`\n${url}\n`)
    expect(email.text).toContain('Tuesday, 13 January 2026 09:30 UTC')
    expect(email.text).toContain('If it was not you, ignore this email')
    expect(email.html).not.toContain('"><img')
    expect(email.html).not.toContain('<b>Ada')
    expect(email.html).toContain('Hello &lt;b&gt;Ada&lt;/b&gt;,')
  })
})

describe('invitation declined email (issue #14)', () => {
  it('tells the inviter who declined which account, on one subject line', () => {
    const email = renderDeclinedEmail({
      to: 'boss@example.com',
      inviteeName: 'Eve <Existing>',
      inviteeEmail: 'eve@example.com',
      accountName: 'Acme\r\nBcc: x@y.z',
    })
    expect(email).toMatchObject({ kind: 'invitation-declined', to: 'boss@example.com' })
    expect(email.subject).toBe('eve@example.com declined the invitation to Acme Bcc: x@y.z')
    expect(email.text).toContain('Eve <Existing> (eve@example.com) declined the invitation to join')
    expect(email.html).toContain('Eve &lt;Existing&gt;')
  })
})
