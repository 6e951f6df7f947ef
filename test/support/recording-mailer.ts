import type { MailMessage, Mailer, SentMail } from '../../src/email/mailer.js'

export interface RecordingMailer extends Mailer {
  /** every message the mailer accepted, in order */
  readonly sent: MailMessage[]
  /** every message it was asked to send, accepted or not, in order */
  readonly attempts: MailMessage[]
  /** makes the next `count` sends reject with `error` (default: a connection refusal) */
  failNext(count: number, error?: Error): void
}

/** The fake mail transport for tests: records what would have left the process. */
export function createRecordingMailer(): RecordingMailer {
  const sent: MailMessage[] = []
  const attempts: MailMessage[] = []
  let failuresLeft = 0
  let failure = new Error('connect ECONNREFUSED 127.0.0.1:25')
  return {
    sent,
    attempts,
    failNext(count, error) {
      failuresLeft = count
      if (error) failure = error
    },
    async send(message): Promise<SentMail> {
      // Yield like a real transport, so concurrent dispatchers interleave in tests.
      attempts.push(message)
      await new Promise((resolve) => setImmediate(resolve))
      if (failuresLeft > 0) {
        failuresLeft -= 1
        throw failure
      }
      sent.push(message)
      return { messageId: message.messageId ?? `<recorded-${sent.length}@test>` }
    },
  }
}
