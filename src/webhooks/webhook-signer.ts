import { createHmac, randomBytes } from 'node:crypto'

/**
 * Standard Webhooks (https://www.standardwebhooks.com/): the secret is `whsec_` + base64 of
 * random bytes; the signed content is `{webhook-id}.{webhook-timestamp}.{body}`; the signature
 * header is `v1,` + base64 of its HMAC-SHA256 under the secret's bytes.
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

export interface SignedHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

export function signWebhook(
  secret: string,
  message: { id: string; timestamp: Date; body: string },
): SignedHeaders {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const seconds = String(Math.floor(message.timestamp.getTime() / 1000))
  const signature = createHmac('sha256', key)
    .update(`${message.id}.${seconds}.${message.body}`)
    .digest('base64')
  return {
    'webhook-id': message.id,
    'webhook-timestamp': seconds,
    'webhook-signature': `v1,${signature}`,
  }
}

/** A message id (`msg_…`): the same for every try of one event to one endpoint. */
export function newWebhookMessageId(): string {
  return `msg_${randomBytes(16).toString('hex')}`
}
