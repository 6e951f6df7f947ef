/**
 * The nodes' dev mailboxes (MAIL_DIR: one RFC 822 `.eml` file per delivery), read as the invitees
 * would: the emailed accept link (with its mailbox proof) of each invitation, and at the end every
 * delivery, to count them. A delivery is identified by its Message-ID; the same message delivered
 * twice under one Message-ID is a repeat a mail client recognises, under two it is a duplicate.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface Mail {
  file: string
  messageId: string
  to: string
  subject: string
  kind: 'invitation' | 'removal' | 'other'
  /** invitation: the `code` parameter of the emailed link, exactly as in the link */
  code?: string
  /** invitation: what the code carries */
  link?: { secret: string; accountUserId: string; proof?: string }
  /** invitation: the deadline the email states (minute precision) */
  expiresText?: string
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  return Buffer.from(bytes, 'latin1').toString('utf8')
}

function header(head: string, name: string): string | undefined {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ')
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)
  return match?.[1]?.trim()
}

/** The text/plain part of a message, decoded. */
function plainText(raw: string): string {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split)
  const body = raw.slice(split + 4)
  const type = header(head, 'Content-Type') ?? 'text/plain'
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
  if (!boundary) return decodePart(head, body)
  for (const part of body.split(`--${boundary}`)) {
    const at = part.indexOf('\r\n\r\n')
    if (at < 0) continue
    const partHead = part.slice(0, at)
    if (/^\s*Content-Type:\s*text\/plain/im.test(partHead))
      return decodePart(partHead, part.slice(at + 4))
  }
  return ''
}

function decodePart(head: string, body: string): string {
  const encoding = (header(head, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase()
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body)
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  return body
}

export function parseMail(file: string, raw: string): Mail {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'))
  const subject = header(head, 'Subject') ?? ''
  const mail: Mail = {
    file,
    messageId: header(head, 'Message-ID') ?? `(none: ${file})`,
    to: (header(head, 'To') ?? '').toLowerCase(),
    subject,
    kind: /invit/i.test(subject) ? 'invitation' : /removed/i.test(subject) ? 'removal' : 'other',
  }
  if (mail.kind === 'invitation') {
    const text = plainText(raw)
    const code = /accept-invite\?code=([A-Za-z0-9_%=-]+)/.exec(text)?.[1]
    if (code) {
      mail.code = decodeURIComponent(code)
      const inner = JSON.parse(Buffer.from(mail.code, 'base64url').toString('utf8')) as {
        code: string
        accountUserId: string
        proof?: string
      }
      mail.link = { secret: inner.code, accountUserId: inner.accountUserId, proof: inner.proof }
    }
    mail.expiresText = /expires on (.+?)\.\r?\n/.exec(text)?.[1]
  }
  return mail
}

/** Reads new files of the mail folders as they appear (each file once). */
export function createMailWatcher(dirs: string[]) {
  const seen = new Set<string>()
  const mails: Mail[] = []
  const bySecret = new Map<string, Mail>()
  let scanning: Promise<void> | undefined

  async function scanOnce(): Promise<void> {
    for (const dir of dirs) {
      let names: string[]
      try {
        names = await readdir(dir)
      } catch {
        continue // not created until the first delivery
      }
      for (const name of names) {
        if (!name.endsWith('.eml')) continue
        const file = join(dir, name)
        if (seen.has(file)) continue
        seen.add(file)
        const raw = await readFile(file, 'utf8')
        // A file still being written is read again on the next scan.
        // (A multipart message ends with its closing boundary, `--…--`.)
        if (!raw.trimEnd().endsWith('--')) {
          seen.delete(file)
          continue
        }
        const mail = parseMail(file, raw)
        mails.push(mail)
        if (mail.link && !bySecret.has(mail.link.secret)) bySecret.set(mail.link.secret, mail)
      }
    }
  }

  return {
    mails,
    /** scans unless a scan runs; resolves when the folders were read once since the call */
    scan(): Promise<void> {
      scanning ??= scanOnce().finally(() => (scanning = undefined))
      return scanning
    },
    /** the first email carrying this link secret (what the invitee clicks) */
    emailFor(secret: string): Mail | undefined {
      return bySecret.get(secret)
    },
  }
}

export type MailWatcher = ReturnType<typeof createMailWatcher>
