import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../lib/clock.js'
import { createDevMailbox, type Logger } from './mailer.js'

const link = 'https://portal.example.test/accept-invite?code=c2VjcmV0LWludml0YXRpb24tY29kZQ'
const message = {
  from: 'SoftwareOne Marketplace <noreply@example.test>',
  to: 'ada@example.com',
  subject: 'You are invited to join Analytical Engines on SoftwareOne Marketplace',
  text: `Hello Ada,\n\nAccept here:\n${link}\n`,
  html: `<p>Hello Ada,</p><p><a href="${link}">Accept invitation</a></p>`,
  kind: 'invitation',
}

function recordingLogger() {
  const lines: { level: string; obj: object; msg: string }[] = []
  const logger: Logger = {
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  }
  return { logger, lines }
}

/** Just enough RFC 822 / MIME parsing to check what a mail client would see. */
function parseEml(raw: string) {
  const [head = '', ...rest] = raw.split('\r\n\r\n')
  const headers = new Map<string, string>()
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1]
  const parts = (boundary ? rest.join('\r\n\r\n').split(`--${boundary}`) : [])
    .map((part) => part.trim())
    .filter((part) => part && part !== '--')
    .map((part) => {
      const [partHead = '', ...body] = part.split('\r\n\r\n')
      const decoded = body
        .join('\r\n\r\n')
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      return { type: /content-type:\s*([^;\r\n]+)/i.exec(partHead)?.[1], body: decoded }
    })
  return { headers, parts }
}

describe('dev mailbox', () => {
  let dir: string

  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'dev-mailbox-')), 'mail')
  })
  afterEach(async () => rm(join(dir, '..'), { recursive: true, force: true }))

  it('writes each message as a multipart text + html .eml file, creating the folder', async () => {
    const clock = new FakeClock('2026-01-05T09:00:00.000Z')
    const mailbox = createDevMailbox({ dir, logger: recordingLogger().logger, clock })

    const sent = await mailbox.send(message)

    const files = await readdir(dir)
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^2026-01-05T09-00-00\.000Z-[0-9a-f]{8}-invitation\.eml$/)
    expect(sent.location).toBe(join(dir, files[0]!))
    expect(sent.messageId).toMatch(/^<.+@.+>$/)

    const { headers, parts } = parseEml(await readFile(sent.location!, 'utf8'))
    expect(headers.get('subject')).toBe(message.subject)
    expect(headers.get('to')).toBe(message.to)
    expect(headers.get('from')).toBe(message.from)
    expect(headers.get('message-id')).toBe(sent.messageId)
    expect(headers.get('date')).toBe('Mon, 05 Jan 2026 09:00:00 +0000')
    expect(headers.get('content-type')).toMatch(/^multipart\/alternative;/)
    expect(parts.map((part) => part.type)).toEqual(['text/plain', 'text/html'])
    expect(parts[0]!.body).toContain(link)
    expect(parts[1]!.body).toContain(`<a href="${link}">`)
  })

  it('names files so they sort by time and never collide', async () => {
    const clock = new FakeClock('2026-01-05T09:00:00.000Z')
    const mailbox = createDevMailbox({ dir, logger: recordingLogger().logger, clock })

    const first = await mailbox.send(message)
    const second = await mailbox.send(message)
    clock.advance(1)
    const third = await mailbox.send({ ...message, kind: undefined })

    const files = (await readdir(dir)).sort()
    expect(files).toHaveLength(3)
    expect(files[2]).toBe(third.location!.slice(dir.length + 1))
    expect(files[2]).toMatch(/-ada@example\.com\.eml$/)
    expect(first.location).not.toBe(second.location)
  })

  it('logs the file path only, never the link or body', async () => {
    const { logger, lines } = recordingLogger()
    const mailbox = createDevMailbox({ dir, logger })

    const sent = await mailbox.send(message)

    expect(lines).toEqual([
      { level: 'info', obj: { file: sent.location }, msg: 'email written to dev mailbox' },
    ])
    expect(JSON.stringify(lines)).not.toContain('accept-invite')
  })
})
