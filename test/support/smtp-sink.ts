import net from 'node:net'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'

export interface CapturedMail {
  from: string
  to: string[]
  /** the raw RFC 822 message */
  raw: string
  messageId: string | undefined
  subject: string | undefined
}

export interface SmtpSink {
  url: string
  port: number
  mails: CapturedMail[]
  /**
   * What the next transactions answer at RCPT TO: undefined accepts; a code (421, 550…) refuses
   * with that reply. Called once per recipient.
   */
  rcptReply: (session: SMTPServerSession, index: number) => number | undefined
  /** Called when a message has been received, before the server answers 250 (the test may kill the sender here). */
  onMessage: (mail: CapturedMail) => void | Promise<void>
  close(): Promise<void>
}

/** A real SMTP server (the `smtp-server` package) on 127.0.0.1 that keeps what it receives. */
export async function startSmtpSink(port: number): Promise<SmtpSink> {
  let rcpts = 0
  const sink: SmtpSink = {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails: [],
    rcptReply: () => undefined,
    onMessage: () => {},
    close: async () => {},
  }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, session, callback) {
      const code = sink.rcptReply(session, rcpts++)
      if (code === undefined) return callback()
      const error = Object.assign(
        new Error(code >= 500 ? 'No such user here' : 'Try again later'),
        {
          responseCode: code,
        },
      )
      callback(error)
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const header = (name: string) =>
          new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(raw.split(/\r?\n\r?\n/)[0] ?? '')?.[1]?.trim()
        const mail: CapturedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          messageId: header('Message-ID'),
          subject: header('Subject'),
        }
        sink.mails.push(mail)
        void Promise.resolve(sink.onMessage(mail)).then(() => callback())
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return sink
}

/** A server that accepts each connection and drops it at once (an SMTP server that fails). */
export async function startDroppingServer(
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
