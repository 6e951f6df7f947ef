import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import Mustache from 'mustache'
import type { Branding } from '../../web/branding.js'
import type { OutgoingEmail } from '../email.js'
import {
  BUILT_IN_TEMPLATES,
  EMAIL_KINDS,
  LAYOUT,
  type EmailKind,
  type TemplateParts,
} from './built-in-templates.js'
import { escapeHtml, formatInstant, oneLine } from './format.js'

/** Who a message goes to: the address, the greeting, and their locale for dates when known. */
export interface Recipient {
  email: string
  firstName: string
  /** a user's `settings.cultureCode` or `languageCode` */
  locale?: string | null | undefined
}

export interface EmailTemplateOptions {
  branding: Branding
  /** makes the logo's path absolute for mail clients */
  publicUrl: string
  /** TEMPLATES_DIR: files here replace built-in parts (read once, now) */
  templatesDir?: string | null | undefined
}

/**
 * Renders every email the service sends, each with a subject, a text part and an HTML part, from
 * the built-in templates or their replacements in TEMPLATES_DIR, with the product's branding.
 * A replacement that does not parse stops the start-up (better than a broken email later).
 */
export function createEmailTemplates(options: EmailTemplateOptions) {
  const { parts, layout } = loadTemplates(options.templatesDir)
  const { branding } = options
  const logoUrl =
    branding.logoUrl && branding.logoUrl.startsWith('/')
      ? `${options.publicUrl}${branding.logoUrl}`
      : branding.logoUrl
  const common = {
    productName: branding.productName,
    supportUrl: branding.supportUrl,
    logoUrl,
  }
  const asIs = { escape: (value: unknown) => String(value) }
  const asHtml = { escape: (value: unknown) => escapeHtml(String(value)) }

  function render(
    kind: EmailKind,
    recipient: Recipient,
    variables: Record<string, unknown>,
  ): OutgoingEmail {
    const template = parts[kind]
    const view = {
      ...common,
      firstName: recipient.firstName,
      lang: (recipient.locale ?? 'en').split(/[-_]/)[0] || 'en',
      ...variables,
    }
    const subject = oneLine(Mustache.render(template.subject, view, {}, asIs))
    const textBody = Mustache.render(template.text, view, {}, asIs).trim()
    const htmlBody = Mustache.render(template.html, view, {}, asHtml).trim()
    return {
      kind,
      to: recipient.email,
      subject,
      text: Mustache.render(layout.text, { ...view, subject, body: textBody }, {}, asIs),
      html: Mustache.render(layout.html, { ...view, subject, body: htmlBody }, {}, asHtml),
    }
  }
  const date = (at: Date, recipient: Recipient) => formatInstant(at, recipient.locale)

  return {
    /** An invitation (invite, resend) or, with `isNewLink`, a send-new-invite. */
    invitation(
      to: Recipient,
      input: {
        accountName: string
        inviterName: string
        url: string
        expiresAt: Date
        isNewLink?: boolean
      },
    ) {
      return render('invitation', to, {
        ...input,
        isNewLink: input.isNewLink ?? false,
        expiresAt: date(input.expiresAt, to),
      })
    },
    /** INVITATION_REMINDER before the link lapses. */
    invitationReminder(
      to: Recipient,
      input: { accountName: string; inviterName: string; url: string; expiresAt: Date },
    ) {
      return render('invitation-reminder', to, {
        ...input,
        expiresAt: date(input.expiresAt, to),
      })
    },
    /** The one-time code that confirms a copied link (six digits, on a line of its own). */
    invitationConfirmation(
      to: Recipient,
      input: { accountName: string; code: string; expiresAt: Date },
    ) {
      return render('invitation-confirmation', to, {
        ...input,
        expiresAt: date(input.expiresAt, to),
      })
    },
    /** Access to one account ended; the groups the membership had went with it. */
    accountUserRemoved(to: Recipient, input: { accountName: string; groupNames: string[] }) {
      return render('account-user-removed', to, {
        ...input,
        hasGroups: input.groupNames.length > 0,
      })
    },
    /** To an administrator: an invitee whose link expired asks for a new one. */
    newLinkRequested(
      to: Recipient,
      input: {
        accountName: string
        inviteeName: string
        inviteeEmail: string
        expiredAt: Date
        usersUrl: string
      },
    ) {
      return render('new-link-requested', to, {
        ...input,
        expiredAt: date(input.expiredAt, to),
      })
    },
    /** To an administrator: a webhook failed for its whole retry window and was disabled. */
    webhookDisabled(
      to: Recipient,
      input: {
        accountName: string
        webhookId: string
        webhookUrl: string
        retryWindow: string
        lastError: string
      },
    ) {
      return render('webhook-disabled', to, input)
    },
    /** "Forgot password": the single-use link to choose a new password (issue #14). */
    passwordReset(to: Recipient, input: { url: string; expiresAt: Date }) {
      return render('password-reset', to, {
        ...input,
        email: to.email,
        expiresAt: date(input.expiresAt, to),
      })
    },
    /** To whoever sent an invitation: the invitee declined it (issue #14). */
    invitationDeclined(
      to: string,
      input: { inviteeName: string; inviteeEmail: string; accountName: string },
    ) {
      return render('invitation-declined', { email: to, firstName: '' }, input)
    },
  }
}

export type EmailTemplates = ReturnType<typeof createEmailTemplates>

const PART_FILES = { subject: 'subject.txt', text: 'text.txt', html: 'html' } as const

function loadTemplates(dir: string | null | undefined): {
  parts: Record<EmailKind, TemplateParts>
  layout: { text: string; html: string }
} {
  const parts = Object.fromEntries(
    EMAIL_KINDS.map((kind) => [kind, { ...BUILT_IN_TEMPLATES[kind] }]),
  ) as Record<EmailKind, TemplateParts>
  const layout = { ...LAYOUT }
  if (!dir) return { parts, layout }
  const files = new Set(readdirSync(dir))
  const read = (name: string) => {
    const text = readFileSync(join(dir, name), 'utf8')
    try {
      Mustache.parse(text)
    } catch (error) {
      throw new Error(`TEMPLATES_DIR: ${name} is not a valid template: ${(error as Error).message}`)
    }
    return text
  }
  for (const kind of EMAIL_KINDS) {
    for (const [part, suffix] of Object.entries(PART_FILES) as Array<
      [keyof TemplateParts, string]
    >) {
      const name = `${kind}.${suffix}`
      if (files.has(name)) parts[kind][part] = read(name)
    }
  }
  if (files.has('layout.text.txt')) layout.text = read('layout.text.txt')
  if (files.has('layout.html')) layout.html = read('layout.html')
  return { parts, layout }
}
