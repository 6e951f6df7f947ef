import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { systemClock, type Clock } from '../lib/clock.js'

export interface MailMessage {
  from: string
  to: string
  subject: string
  text: string
  html: string
  /** the outbox kind; only names the dev mailbox file, never becomes a header */
  kind?: string
  /** the Message-ID header (`<…@…>`): the same for every try of one outbox message */
  messageId?: string
}

export interface SentMail {
  messageId: string
  /** where the message went, when the transport can say (the dev mailbox's file) */
  location?: string
}

/** The one way out of the process for email; tests use the recording mailer. */
export interface Mailer {
  send(message: MailMessage): Promise<SentMail>
}

/** The slice of a pino logger the email code uses; Fastify's `app.log` satisfies it. */
export interface Logger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

function toMailOptions(message: MailMessage, date?: Date) {
  const { from, to, subject, text, html, messageId } = message
  return {
    from,
    to,
    subject,
    text,
    html,
    ...(messageId ? { messageId } : {}),
    ...(date ? { date } : {}),
  }
}

/**
 * Writes each message as an RFC 822 `.eml` file under `dir`, for development and demos:
 * any mail client opens it. Names start with the time, so a listing sorts oldest first.
 * Only the file path is logged: bodies carry invitation links.
 */
export function createDevMailbox(options: { dir: string; logger: Logger; clock?: Clock }): Mailer {
  const { dir, logger } = options
  const clock = options.clock ?? systemClock
  // streamTransport builds the real MIME (multipart/alternative text + html) without sending.
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  })
  return {
    async send(message) {
      const at = clock.now()
      const info = await transport.sendMail(toMailOptions(message, at))
      if (!Buffer.isBuffer(info.message)) throw new Error('stream transport returned no buffer')
      await mkdir(dir, { recursive: true })
      const name = [
        at.toISOString().replace(/:/g, '-'),
        randomBytes(4).toString('hex'),
        fileSafe(message.kind ?? message.to),
      ].join('-')
      const file = join(dir, `${name}.eml`)
      await writeFile(file, info.message, { flag: 'wx' })
      logger.info({ file }, 'email written to dev mailbox')
      return { messageId: info.messageId, location: file }
    },
  }
}

function fileSafe(label: string): string {
  return label.replace(/[^A-Za-z0-9._@-]+/g, '_').slice(0, 60) || 'message'
}

/**
 * Sends through the SMTP server at `url` (`smtp://user:pass@host:587`, `smtps://…`). A server
 * that does not answer fails the try within seconds (the dispatcher retries it) instead of
 * holding the sender for nodemailer's default minutes.
 */
export function createSmtpMailer(url: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  } as Parameters<typeof nodemailer.createTransport>[0])
  return {
    async send(message) {
      const info = await transport.sendMail(toMailOptions(message))
      return { messageId: info.messageId }
    },
    close: () => transport.close(),
  }
}
