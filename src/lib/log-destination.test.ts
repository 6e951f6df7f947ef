import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { buildApp } from '../app.js'
import { logDestination } from './log-destination.js'

/** A stdout stand-in that records what is written; `isTTY` as a terminal would report it. */
function fakeStdout(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean }
  if (isTTY) stream.isTTY = true
  const chunks: string[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')))
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') }
}

const ESC = '\u001b['

describe('log lines', () => {
  let t: TestApp
  afterEach(async () => t?.close())

  async function logOneRequest(
    stdout: ReturnType<typeof fakeStdout>,
    format: 'auto' | 'json' | 'pretty',
    logLevel = 'info',
  ) {
    t = await buildTestApp()
    const app = await buildApp({
      config: { ...t.config, logLevel },
      services: t.services,
      logger: { stream: logDestination(format, stdout.stream) },
    })
    await app.inject({ method: 'GET', url: '/healthz' })
    app.log.warn('a warning')
    await app.close()
    await new Promise((resolve) => setImmediate(resolve))
  }

  it('are pretty and coloured when stdout is a terminal', async () => {
    const stdout = fakeStdout(true)
    await logOneRequest(stdout, 'auto')
    const text = stdout.text()
    expect(text).toContain(ESC)
    expect(text).toMatch(/INFO.*request/)
    expect(() => JSON.parse(text.split('\n')[0]!)).toThrow()
  })

  it('are JSON lines when stdout is not a terminal', async () => {
    const stdout = fakeStdout(false)
    await logOneRequest(stdout, 'auto')
    const lines = stdout.text().trim().split('\n')
    expect(lines.length).toBeGreaterThan(1)
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('level')
    expect(stdout.text()).not.toContain(ESC)
  })

  it('follow LOG_FORMAT over the terminal check', async () => {
    const json = fakeStdout(true)
    await logOneRequest(json, 'json')
    expect(JSON.parse(json.text().split('\n')[0]!)).toHaveProperty('msg')
    await t.close()
    const pretty = fakeStdout(false)
    await logOneRequest(pretty, 'pretty')
    expect(pretty.text()).toMatch(/WARN.*a warning/)
    // Forced pretty into a pipe or file: readable, but no colour codes in it.
    expect(pretty.text()).not.toContain(ESC)
  })

  it('respect LOG_LEVEL', async () => {
    const stdout = fakeStdout(false)
    await logOneRequest(stdout, 'auto', 'warn')
    const lines = stdout
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number })
    expect(lines).toHaveLength(1)
    expect(lines[0]!.level).toBe(40)
  })
})
