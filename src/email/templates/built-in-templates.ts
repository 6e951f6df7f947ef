/**
 * The built-in email templates, in Mustache (https://mustache.github.io/mustache.5.html): `{{x}}`
 * inserts a variable (HTML-escaped in `.html` parts, as is in the others), `{{#x}}…{{/x}}` shows
 * a block when x is set or repeats it over a list, `{{^x}}…{{/x}}` when x is unset. A file in
 * TEMPLATES_DIR named `<kind>.subject.txt`, `<kind>.text.txt`, `<kind>.html`, `layout.text.txt`
 * or `layout.html` replaces the part of that name; docs/email-templates.md lists the variables.
 */
export interface TemplateParts {
  subject: string
  text: string
  html: string
}

export const EMAIL_KINDS = [
  'invitation',
  'invitation-reminder',
  'invitation-confirmation',
  'account-user-removed',
  'new-link-requested',
  'webhook-disabled',
  'password-reset',
  'invitation-declined',
] as const

export type EmailKind = (typeof EMAIL_KINDS)[number]

const BUTTON =
  'display: inline-block; padding: 10px 18px; background: #472aff; color: #ffffff; text-decoration: none; border-radius: 4px'

/** Wraps every message: `{{{body}}}` is the rendered part of the kind. */
export const LAYOUT = {
  text: `{{{body}}}

{{productName}}
{{#supportUrl}}
Help: {{supportUrl}}
{{/supportUrl}}
`,
  html: `<!doctype html>
<html lang="{{lang}}">
<head><meta charset="utf-8"><title>{{subject}}</title></head>
<body style="font-family: Arial, sans-serif; line-height: 1.5; color: #1f1f1f;">
{{#logoUrl}}
<p><img src="{{logoUrl}}" alt="{{productName}}" style="max-height: 48px"></p>
{{/logoUrl}}
{{{body}}}
<p>{{productName}}{{#supportUrl}} · <a href="{{supportUrl}}">Help</a>{{/supportUrl}}</p>
</body>
</html>
`,
}

export const BUILT_IN_TEMPLATES: Record<EmailKind, TemplateParts> = {
  invitation: {
    subject: `{{#isNewLink}}Your new invitation to join {{accountName}} on {{productName}}{{/isNewLink}}{{^isNewLink}}You are invited to join {{accountName}} on {{productName}}{{/isNewLink}}`,
    text: `Hello {{firstName}},

{{inviterName}} has {{#isNewLink}}sent you a new invitation{{/isNewLink}}{{^isNewLink}}invited you{{/isNewLink}} to join {{accountName}} on {{productName}}.
{{#isNewLink}}
Links from earlier invitation emails no longer work.
{{/isNewLink}}

To accept the invitation, open this link:
{{url}}

This personal invitation expires on {{expiresAt}}.
If you were not expecting it, you can ignore this email.`,
    html: `<p>Hello {{firstName}},</p>
<p>{{inviterName}} has {{#isNewLink}}sent you a new invitation{{/isNewLink}}{{^isNewLink}}invited you{{/isNewLink}} to join {{accountName}} on {{productName}}.{{#isNewLink}} Links from earlier invitation emails no longer work.{{/isNewLink}}</p>
<p><a href="{{url}}" style="${BUTTON}">Accept invitation</a></p>
<p>Or copy this link into your browser:<br><a href="{{url}}">{{url}}</a></p>
<p>This personal invitation expires on <strong>{{expiresAt}}</strong>.</p>
<p>If you were not expecting it, you can ignore this email.</p>`,
  },
  'invitation-reminder': {
    subject: `Reminder: your invitation to join {{accountName}} on {{productName}} expires soon`,
    text: `Hello {{firstName}},

{{inviterName}} invited you to join {{accountName}} on {{productName}}, and the invitation expires on {{expiresAt}}.

To accept it, open this link:
{{url}}

If you do not want to join, you can ignore this email.`,
    html: `<p>Hello {{firstName}},</p>
<p>{{inviterName}} invited you to join {{accountName}} on {{productName}}, and the invitation expires on <strong>{{expiresAt}}</strong>.</p>
<p><a href="{{url}}" style="${BUTTON}">Accept invitation</a></p>
<p>Or copy this link into your browser:<br><a href="{{url}}">{{url}}</a></p>
<p>If you do not want to join, you can ignore this email.</p>`,
  },
  'invitation-confirmation': {
    subject: `Your code to join {{accountName}} on {{productName}}`,
    text: `Hello {{firstName}},

Someone is accepting your invitation to join {{accountName}} on {{productName}} with a copied invitation link. To confirm that it is you, enter this code:

{{code}}

The code works once, until {{expiresAt}}.
If it was not you, do not share the code with anyone; you can ignore this email.`,
    html: `<p>Hello {{firstName}},</p>
<p>Someone is accepting your invitation to join {{accountName}} on {{productName}} with a copied invitation link. To confirm that it is you, enter this code:</p>
<p style="font-size: 24px; letter-spacing: 4px"><strong>{{code}}</strong></p>
<p>The code works once, until <strong>{{expiresAt}}</strong>.</p>
<p>If it was not you, do not share the code with anyone; you can ignore this email.</p>`,
  },
  'account-user-removed': {
    subject: `You have been removed from {{accountName}} on {{productName}}`,
    text: `Hello {{firstName}},

You no longer have access to {{accountName}} on {{productName}}.
{{#hasGroups}}

You were removed from these user groups:
{{#groupNames}}
- {{.}}
{{/groupNames}}
{{/hasGroups}}

Your access to any other account is unchanged.
If you think this is a mistake, contact an administrator of the account.`,
    html: `<p>Hello {{firstName}},</p>
<p>You no longer have access to {{accountName}} on {{productName}}.</p>
{{#hasGroups}}
<p>You were removed from these user groups:</p>
<ul>
{{#groupNames}}
<li>{{.}}</li>
{{/groupNames}}
</ul>
{{/hasGroups}}
<p>Your access to any other account is unchanged.</p>
<p>If you think this is a mistake, contact an administrator of the account.</p>`,
  },
  'new-link-requested': {
    subject: `{{inviteeName}} asks for a new invitation to {{accountName}}`,
    text: `Hello {{firstName}},

The invitation of {{inviteeName}} ({{inviteeEmail}}) to join {{accountName}} on {{productName}} expired on {{expiredAt}}, and they have asked for a new one.

To send it, open the account's users and choose "Send new invitation":
{{usersUrl}}

If they should not join, you can ignore this email.`,
    html: `<p>Hello {{firstName}},</p>
<p>The invitation of {{inviteeName}} ({{inviteeEmail}}) to join {{accountName}} on {{productName}} expired on <strong>{{expiredAt}}</strong>, and they have asked for a new one.</p>
<p><a href="{{usersUrl}}" style="${BUTTON}">Open the users of {{accountName}}</a></p>
<p>There, choose “Send new invitation”. If they should not join, you can ignore this email.</p>`,
  },
  'webhook-disabled': {
    subject: `A webhook of {{accountName}} on {{productName}} was disabled`,
    text: `Hello {{firstName}},

The webhook {{webhookId}} of {{accountName}} ({{webhookUrl}}) has been disabled: its deliveries failed for {{retryWindow}}.
The last failure: {{lastError}}

Fix the endpoint, then enable the webhook again (POST /public/v1/notifications/webhooks/{{webhookId}}/enable). Deliveries that had not failed yet resume then; failed ones can be sent again from its delivery log (…/deliveries/{id}/redeliver). Events that happen while it is disabled are not queued for it.`,
    html: `<p>Hello {{firstName}},</p>
<p>The webhook <strong>{{webhookId}}</strong> of {{accountName}} (<code>{{webhookUrl}}</code>) has been disabled: its deliveries failed for {{retryWindow}}.</p>
<p>The last failure: {{lastError}}</p>
<p>Fix the endpoint, then enable the webhook again (<code>POST /public/v1/notifications/webhooks/{{webhookId}}/enable</code>). Deliveries that had not failed yet resume then; failed ones can be sent again from its delivery log. Events that happen while it is disabled are not queued for it.</p>`,
  },
  'password-reset': {
    subject: `Reset your {{productName}} password`,
    text: `Hello {{firstName}},

Someone asked to reset the password of {{email}} on {{productName}}. To choose a new password, open this link:
{{url}}

The link works once, until {{expiresAt}}. Choosing a new password signs you out everywhere.
If it was not you, ignore this email: your password stays as it is.`,
    html: `<p>Hello {{firstName}},</p>
<p>Someone asked to reset the password of {{email}} on {{productName}}. To choose a new password, open this link:</p>
<p><a href="{{url}}" style="${BUTTON}">Choose a new password</a></p>
<p>Or copy this link into your browser:<br><a href="{{url}}">{{url}}</a></p>
<p>The link works once, until <strong>{{expiresAt}}</strong>. Choosing a new password signs you out everywhere.</p>
<p>If it was not you, ignore this email: your password stays as it is.</p>`,
  },
  'invitation-declined': {
    subject: `{{inviteeEmail}} declined the invitation to {{accountName}}`,
    text: `Hello,

{{inviteeName}} ({{inviteeEmail}}) declined the invitation to join {{accountName}} on {{productName}}. The pending invitation was removed; you can invite them again if it was a mistake.`,
    html: `<p>Hello,</p>
<p>{{inviteeName}} ({{inviteeEmail}}) declined the invitation to join {{accountName}} on {{productName}}. The pending invitation was removed; you can invite them again if it was a mistake.</p>`,
  },
}
