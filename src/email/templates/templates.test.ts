import { describe, expect, it } from 'vitest'
import { formatUtcInstant } from './format.js'
import { renderInvitationEmail, renderRemovalEmail } from './invitation.js'

const invitation = {
  to: 'ada@example.com',
  firstName: 'Ada',
  accountName: 'Analytical Engines Ltd',
  inviterName: 'Charles Babbage',
  url: 'https://portal.example.test/accept-invite?code=eyJjb2RlIjoiUzM0In0&x=1',
  expiresAt: new Date('2026-01-13T09:00:00.000Z'),
}

describe('invitation email', () => {
  it('greets by first name and names the inviter, the account, the link and the expiry', () => {
    const email = renderInvitationEmail(invitation)

    expect(email.kind).toBe('invitation')
    expect(email.to).toBe('ada@example.com')
    expect(email.subject).toBe(
      'You are invited to join Analytical Engines Ltd on SoftwareOne Marketplace',
    )
    for (const body of [email.text, email.html]) {
      expect(body).toContain('Hello Ada,')
      expect(body).toContain('Charles Babbage has invited you to join Analytical Engines Ltd')
      expect(body).toContain('Tuesday, 13 January 2026 09:00 UTC')
    }
    expect(email.text).toContain(`\n${invitation.url}\n`)
    expect(email.html).toContain(
      'href="https://portal.example.test/accept-invite?code=eyJjb2RlIjoiUzM0In0&amp;x=1"',
    )
  })

  it('says when the link replaces an earlier one', () => {
    const email = renderInvitationEmail({ ...invitation, isNewLink: true })

    expect(email.subject).toBe(
      'Your new invitation to join Analytical Engines Ltd on SoftwareOne Marketplace',
    )
    expect(email.text).toContain('Charles Babbage has sent you a new invitation')
    expect(email.text).toContain('Links from earlier invitation emails no longer work.')
  })

  it('escapes every interpolated value in the HTML body', () => {
    const email = renderInvitationEmail({
      ...invitation,
      firstName: '<script>alert(1)</script>',
      accountName: 'Tom & Jerry\'s "Cheese"',
      inviterName: '<b>Mallory</b>',
      url: 'https://portal.example.test/accept-invite?code="><img src=x>',
    })

    expect(email.html).not.toContain('<script>')
    expect(email.html).not.toContain('<b>Mallory')
    expect(email.html).not.toContain('"><img')
    expect(email.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;,')
    expect(email.html).toContain('Tom &amp; Jerry&#39;s &quot;Cheese&quot;')
    expect(email.html).toContain('&lt;b&gt;Mallory&lt;/b&gt;')
    expect(email.text).toContain('Hello <script>alert(1)</script>,')
  })

  it('keeps the subject on one line', () => {
    const email = renderInvitationEmail({ ...invitation, accountName: 'Evil\r\nBcc: x@y.z' })

    expect(email.subject).toBe('You are invited to join Evil Bcc: x@y.z on SoftwareOne Marketplace')
  })
})

describe('removal email', () => {
  it('names the account and the groups the user left, escaped in HTML', () => {
    const email = renderRemovalEmail({
      to: 'ada@example.com',
      firstName: 'Ada',
      accountName: 'R&D <Labs>',
      groupNames: ['Admins', 'Buyers & <Sellers>'],
    })

    expect(email.kind).toBe('account-user-removed')
    expect(email.subject).toBe('You have been removed from R&D <Labs> on SoftwareOne Marketplace')
    expect(email.text).toContain('Hello Ada,')
    expect(email.text).toContain('You no longer have access to R&D <Labs>')
    expect(email.text).toContain('- Admins\n- Buyers & <Sellers>')
    expect(email.html).toContain('R&amp;D &lt;Labs&gt;')
    expect(email.html).toContain('<li>Buyers &amp; &lt;Sellers&gt;</li>')
    expect(email.html).not.toContain('<Labs>')
  })

  it('leaves out the group list when there were none', () => {
    const email = renderRemovalEmail({
      to: 'ada@example.com',
      firstName: 'Ada',
      accountName: 'Acme',
      groupNames: [],
    })

    expect(email.text).not.toContain('user groups')
    expect(email.html).not.toContain('<ul>')
  })
})

describe('formatUtcInstant', () => {
  it('spells out weekday, day, month, year and UTC time', () => {
    expect(formatUtcInstant(new Date('2026-01-13T09:00:00.000Z'))).toBe(
      'Tuesday, 13 January 2026 09:00 UTC',
    )
    expect(formatUtcInstant(new Date('2026-03-01T23:59:59.999+02:00'))).toBe(
      'Sunday, 1 March 2026 21:59 UTC',
    )
  })
})
