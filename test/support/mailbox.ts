import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** One `.eml` file of the dev mailbox, as a mail client shows it. */
export interface MailboxMessage {
  file: string
  to: string
  subject: string
  /** the text/plain part, quoted-printable undone */
  text: string
}

/** Just enough RFC 822 / MIME to read what the dev mailbox wrote (nodemailer's output). */
export function parseEml(file: string, raw: string): MailboxMessage {
  const [head = '', ...rest] = raw.split('\r\n\r\n')
  const headers = new Map<string, string>()
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1]
  const body = rest.join('\r\n\r\n')
  const parts = boundary ? body.split(`--${boundary}`) : [body]
  const textPart = parts.find((part) => /content-type:\s*text\/plain/i.test(part)) ?? parts[0] ?? ''
  const encoded = textPart.split('\r\n\r\n').slice(1).join('\r\n\r\n')
  const text = /quoted-printable/i.test(textPart)
    ? Buffer.from(
        encoded
          .replace(/=\r\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      ).toString('utf8')
    : encoded
  return {
    file,
    to: (headers.get('to') ?? '').replace(/^.*<([^>]+)>.*$/, '$1'),
    subject: headers.get('subject') ?? '',
    text,
  }
}

export async function readMailbox(dir: string): Promise<MailboxMessage[]> {
  let files: string[]
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort()
  } catch {
    return []
  }
  return Promise.all(files.map(async (f) => parseEml(f, await readFile(join(dir, f), 'utf8'))))
}

/** Waits (polling, bounded) until the mailbox holds `count` messages matching `wanted`. */
export async function waitForMail(
  dir: string,
  wanted: (m: MailboxMessage) => boolean,
  options: { count?: number; timeoutMs?: number } = {},
): Promise<MailboxMessage[]> {
  const count = options.count ?? 1
  const deadline = Date.now() + (options.timeoutMs ?? 20_000)
  for (;;) {
    const found = (await readMailbox(dir)).filter(wanted)
    if (found.length >= count) return found
    if (Date.now() > deadline)
      throw new Error(`waited for ${count} message(s) in ${dir}; found ${found.length}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The path and query of the first link to `path` in a message (`/accept-invite?code=…`). */
export function linkIn(message: MailboxMessage, path: string): string {
  const match = new RegExp(`https?://[^/\\s]+(${path.replace(/[?]/g, '\\?')}[^\\s]*)`).exec(
    message.text,
  )
  if (!match) throw new Error(`no ${path} link in ${message.subject}`)
  return match[1]!
}
