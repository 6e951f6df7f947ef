/** A rendered message, as the outbox stores it (sealed) and the dispatcher sends it. */
export interface OutgoingEmail {
  /** the message type, e.g. `invitation`; kept in clear in the outbox for operators */
  kind: string
  to: string
  subject: string
  text: string
  html: string
}

/** Reads an opened outbox payload back into a message; throws when a field is missing. */
export function parseOutgoingEmail(json: string): OutgoingEmail {
  const value = JSON.parse(json) as Record<string, unknown>
  const fields = ['kind', 'to', 'subject', 'text', 'html'] as const
  for (const field of fields) {
    if (typeof value[field] !== 'string') throw new Error(`outbox payload lacks ${field}`)
  }
  const { kind, to, subject, text, html } = value as unknown as OutgoingEmail
  return { kind, to, subject, text, html }
}
