import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEmailTemplates, type EmailTemplateOptions } from './email-templates.js'
import { formatInstant, formatUtcInstant } from './format.js'

const ada = { email: 'ada@example.com', firstName: 'Ada' }
const invitation = {
  accountName: 'Analytical Engines Ltd',
  inviterName: 'Charles Babbage',
  url: 'https://portal.example.test/accept-invite?code=eyJjb2RlIjoiUzM0In0&x=1',
  expiresAt: new Date('2026-01-13T09:00:00.000Z'),
}
const plain: EmailTemplateOptions = {
  branding: { productName: 'Accounts', supportUrl: null, logoUrl: null },
  publicUrl: 'https://portal.example.test',
}
const branded: EmailTemplateOptions = {
  branding: {
    productName: 'Contoso Portal',
    supportUrl: 'https://help.contoso.example/',
    logoUrl: '/assets/logo',
  },
  publicUrl: 'https://portal.contoso.example',
}

describe('invitation email', () => {
  it('greets by first name and names the inviter, the account, the link and the expiry', () => {
    const email = createEmailTemplates(plain).invitation(ada, invitation)

    expect(email.kind).toBe('invitation')
    expect(email.to).toBe('ada@example.com')
    expect(email.subject).toBe('You are invited to join Analytical Engines Ltd on Accounts')
    for (const body of [email.text, email.html]) {
      expect(body).toContain('Hello Ada,')
      expect(body).toContain('Charles Babbage has invited you to join Analytical Engines Ltd')
      expect(body).toContain('Tuesday, 13 January 2026 09:00 UTC')
    }
    expect(email.text).toContain(`\n${invitation.url}\n`)
    expect(email.html).toContain(
      'href="https://portal.example.test/accept-invite?code=eyJjb2RlIjoiUzM0In0&amp;x=1"',
    )
    expect(email.html).toMatch(/^<!doctype html>/)
  })

  it('says when the link replaces an earlier one', () => {
    const email = createEmailTemplates(plain).invitation(ada, { ...invitation, isNewLink: true })

    expect(email.subject).toBe('Your new invitation to join Analytical Engines Ltd on Accounts')
    expect(email.text).toContain('Charles Babbage has sent you a new invitation')
    expect(email.text).toContain('Links from earlier invitation emails no longer work.')
  })

  it('carries the product name, the support link and the logo of the branding', () => {
    const email = createEmailTemplates(branded).invitation(ada, invitation)

    expect(email.subject).toBe('You are invited to join Analytical Engines Ltd on Contoso Portal')
    expect(email.text).toContain('\nContoso Portal\nHelp: https://help.contoso.example/\n')
    expect(email.html).toContain(
      '<img src="https://portal.contoso.example/assets/logo" alt="Contoso Portal"',
    )
    expect(email.html).toContain('<a href="https://help.contoso.example/">Help</a>')
    expect(createEmailTemplates(plain).invitation(ada, invitation).html).not.toContain('<img')
  })

  it('writes the expiry in the recipient locale when known, in UTC', () => {
    const email = createEmailTemplates(plain).invitation({ ...ada, locale: 'de-DE' }, invitation)

    expect(email.text).toContain('Dienstag, 13. Januar 2026 um 09:00 UTC')
    expect(email.html).toContain('<html lang="de">')
  })

  it('escapes every interpolated value in the HTML body', () => {
    const email = createEmailTemplates(plain).invitation(
      { ...ada, firstName: '<script>alert(1)</script>' },
      {
        ...invitation,
        accountName: 'Tom & Jerry\'s "Cheese"',
        inviterName: '<b>Mallory</b>',
        url: 'https://portal.example.test/accept-invite?code="><img src=x>',
      },
    )

    expect(email.html).not.toContain('<script>')
    expect(email.html).not.toContain('<b>Mallory')
    expect(email.html).not.toContain('"><img')
    expect(email.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;,')
    expect(email.html).toContain('Tom &amp; Jerry&#39;s &quot;Cheese&quot;')
    expect(email.html).toContain('&lt;b&gt;Mallory&lt;/b&gt;')
    expect(email.text).toContain('Hello <script>alert(1)</script>,')
  })

  it('keeps the subject on one line', () => {
    const email = createEmailTemplates(plain).invitation(ada, {
      ...invitation,
      accountName: 'Evil\r\nBcc: x@y.z',
    })

    expect(email.subject).toBe('You are invited to join Evil Bcc: x@y.z on Accounts')
  })
})

describe('the other kinds', () => {
  const templates = createEmailTemplates(plain)

  it('removal: names the account and the groups the user left, escaped in HTML', () => {
    const email = templates.accountUserRemoved(ada, {
      accountName: 'R&D <Labs>',
      groupNames: ['Admins', 'Buyers & <Sellers>'],
    })

    expect(email.kind).toBe('account-user-removed')
    expect(email.subject).toBe('You have been removed from R&D <Labs> on Accounts')
    expect(email.text).toContain('Hello Ada,')
    expect(email.text).toContain('You no longer have access to R&D <Labs>')
    expect(email.text).toContain('- Admins\n- Buyers & <Sellers>')
    expect(email.html).toContain('R&amp;D &lt;Labs&gt;')
    expect(email.html).toContain('<li>Buyers &amp; &lt;Sellers&gt;</li>')
    expect(email.html).not.toContain('<Labs>')
    const none = templates.accountUserRemoved(ada, { accountName: 'Acme', groupNames: [] })
    expect(none.text).not.toContain('user groups')
    expect(none.html).not.toContain('<ul>')
  })

  it('reminder: the link, the inviter and when it expires', () => {
    const email = templates.invitationReminder(ada, invitation)
    expect(email.kind).toBe('invitation-reminder')
    expect(email.subject).toBe(
      'Reminder: your invitation to join Analytical Engines Ltd on Accounts expires soon',
    )
    expect(email.text).toContain(`\n${invitation.url}\n`)
    expect(email.text).toContain('expires on Tuesday, 13 January 2026 09:00 UTC')
  })

  it('the one-time code stands on a line of its own', () => {
    const email = templates.invitationConfirmation(ada, {
      accountName: 'Acme',
      code: '012345',
      expiresAt: invitation.expiresAt,
    })
    expect(email.text).toMatch(/^012345$/m)
  })

  it('new link requested: names the invitee and links to the users page', () => {
    const email = templates.newLinkRequested(
      { email: 'admin@example.com', firstName: 'Grace' },
      {
        accountName: 'Acme',
        inviteeName: 'Ada Lovelace',
        inviteeEmail: 'ada@example.com',
        expiredAt: invitation.expiresAt,
        usersUrl: 'https://portal.example.test/console/accounts/ACC-1234-5678/users',
      },
    )
    expect(email.subject).toBe('Ada Lovelace asks for a new invitation to Acme')
    expect(email.text).toContain('Hello Grace,')
    expect(email.text).toContain(
      '\nhttps://portal.example.test/console/accounts/ACC-1234-5678/users\n',
    )
  })
})

describe('TEMPLATES_DIR', () => {
  let dir: string | undefined
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
    dir = undefined
  })

  it('replaces the parts it has files for, with the same variables; the rest stay built in', () => {
    dir = mkdtempSync(join(tmpdir(), 'templates-'))
    writeFileSync(join(dir, 'invitation.subject.txt'), '{{productName}}: join {{accountName}}\n')
    writeFileSync(
      join(dir, 'invitation.text.txt'),
      'Hi {{firstName}}, {{inviterName}} invites you. {{url}} (until {{expiresAt}})',
    )
    writeFileSync(
      join(dir, 'layout.html'),
      '<html><body>{{{body}}}<footer>{{productName}}</footer></body></html>',
    )
    const email = createEmailTemplates({ ...branded, templatesDir: dir }).invitation(
      ada,
      invitation,
    )

    expect(email.subject).toBe('Contoso Portal: join Analytical Engines Ltd')
    expect(email.text).toContain(
      `Hi Ada, Charles Babbage invites you. ${invitation.url} (until Tuesday, 13 January 2026 09:00 UTC)`,
    )
    expect(email.html).toMatch(/^<html><body><p>Hello Ada,<\/p>/)
    expect(email.html).toContain('<footer>Contoso Portal</footer>')
    const removal = createEmailTemplates({ ...branded, templatesDir: dir }).accountUserRemoved(
      ada,
      {
        accountName: 'Acme',
        groupNames: [],
      },
    )
    expect(removal.subject).toBe('You have been removed from Acme on Contoso Portal')
  })

  it('refuses a replacement that does not parse, at start', () => {
    dir = mkdtempSync(join(tmpdir(), 'templates-'))
    writeFileSync(join(dir, 'invitation.html'), '<p>{{#broken}}</p>')
    expect(() => createEmailTemplates({ ...plain, templatesDir: dir })).toThrow(
      /invitation\.html is not a valid template/,
    )
  })
})

describe('formatting instants', () => {
  it('spells out weekday, day, month, year and UTC time', () => {
    expect(formatUtcInstant(new Date('2026-01-13T09:00:00.000Z'))).toBe(
      'Tuesday, 13 January 2026 09:00 UTC',
    )
    expect(formatUtcInstant(new Date('2026-03-01T23:59:59.999+02:00'))).toBe(
      'Sunday, 1 March 2026 21:59 UTC',
    )
  })

  it('uses a known locale, and UTC spelled out for an unknown or malformed one', () => {
    const at = new Date('2026-01-13T09:00:00.000Z')
    expect(formatInstant(at, 'en-US')).toBe('Tuesday, January 13, 2026 at 9:00 AM UTC')
    expect(formatInstant(at, 'not a locale!')).toBe('Tuesday, 13 January 2026 09:00 UTC')
    expect(formatInstant(at, null)).toBe('Tuesday, 13 January 2026 09:00 UTC')
  })
})
