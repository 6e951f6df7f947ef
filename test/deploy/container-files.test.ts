import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

/**
 * No container engine runs here and Debian has no hadolint: these are the structural checks CI
 * can make on the Dockerfile and compose.yaml (hadolint's rules that matter for this image).
 */
const ROOT = new URL('../..', import.meta.url).pathname
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')
const configSource = read('src/config.ts')

interface Instruction {
  keyword: string
  args: string
}

function instructions(dockerfile: string): Instruction[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/)
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') }
    })
}

describe('Dockerfile', () => {
  const all = instructions(read('Dockerfile'))
  const stages: Instruction[][] = []
  for (const i of all) {
    if (i.keyword === 'FROM') stages.push([])
    stages[stages.length - 1]?.push(i)
  }
  const final = stages[stages.length - 1]!
  const names = stages.map((s) => / AS (\S+)$/i.exec(s[0]!.args)?.[1])

  it('is multi-stage, on pinned base images', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    for (const stage of stages) {
      const image = stage[0]!.args.split(/\s+/)[0]!
      expect(image).toMatch(/^[\w./-]+:[\w.-]+$/)
      expect(image).not.toMatch(/:latest$/)
    }
  })

  it('runs as a user other than root, with a readiness healthcheck and plain node', () => {
    const user = final.filter((i) => i.keyword === 'USER').pop()
    expect(user?.args).toBeTruthy()
    expect(user!.args).not.toMatch(/^(root|0)(:|$)/)
    const healthcheck = final.find((i) => i.keyword === 'HEALTHCHECK')
    expect(healthcheck?.args).toMatch(/\/readyz/)
    const cmd = final.filter((i) => i.keyword === 'CMD').pop()
    expect(JSON.parse(cmd!.args)).toEqual(['node', 'dist/main.js'])
    expect(final.map((i) => i.args).join('\n')).not.toMatch(/\btsx\b/)
  })

  it('copies between stages by name and from the context only what exists', () => {
    for (const copy of all.filter((i) => i.keyword === 'COPY')) {
      const from = /--from=(\S+)/.exec(copy.args)?.[1]
      const paths = copy.args
        .split(/\s+/)
        .filter((p) => !p.startsWith('--'))
        .slice(0, -1)
      if (from) expect(names).toContain(from)
      else for (const path of paths) expect(existsSync(join(ROOT, path)), path).toBe(true)
    }
    expect(all.some((i) => i.keyword === 'ADD')).toBe(false)
  })

  it('installs Debian packages lean and leaves no apt lists behind (hadolint DL3009, DL3015)', () => {
    for (const run of all.filter((i) => /apt-get install/.test(i.args))) {
      expect(run.args).toMatch(/--no-install-recommends/)
      expect(run.args).toMatch(/-y\b/)
      expect(run.args).toMatch(/rm -rf \/var\/lib\/apt\/lists/)
    }
  })

  it('sets only variables the service reads', () => {
    for (const env of all.filter((i) => i.keyword === 'ENV')) {
      for (const name of env.args.match(/\b([A-Z_]+)=/g) ?? []) {
        const variable = name.slice(0, -1)
        // Read by the runtime (Node, glibc's malloc), not by the service.
        if (!['NODE_ENV', 'MALLOC_MMAP_THRESHOLD_'].includes(variable))
          expect(configSource).toContain(`env.${variable}`)
      }
    }
  })
})

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<string, Record<string, any>>
  }
  const services = compose.services
  const apis = Object.entries(services).filter(([, s]) => s.build !== undefined)

  it('runs PostgreSQL, two API nodes built from this Dockerfile, and a mail catcher', () => {
    expect(services.postgres?.image).toMatch(/^postgres:15/)
    expect(services.postgres?.healthcheck?.test).toBeTruthy()
    expect(apis.map(([name]) => name).sort()).toEqual(['api-1', 'api-2'])
    expect(services.mail?.image).toMatch(/mailpit:v[\d.]+$/)
  })

  it('points both nodes at the same database, key and mail catcher, on different host ports', () => {
    const envs = apis.map(([, s]) => s.environment as Record<string, string>)
    for (const env of envs) {
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//)
      expect(env.SMTP_URL).toBe('smtp://mail:1025')
      expect(env.SECRET_KEY).toMatch(/^\$\{SECRET_KEY:\?/)
      for (const variable of Object.keys(env)) expect(configSource).toContain(`env.${variable}`)
    }
    expect(new Set(envs.map((e) => e.DATABASE_URL)).size).toBe(1)
    const hostPorts = apis.flatMap(([, s]) => (s.ports as string[]).map((p) => p.split(':')[0]))
    expect(new Set(hostPorts).size).toBe(hostPorts.length)
    for (const [, s] of apis) {
      expect(s.depends_on.postgres.condition).toBe('service_healthy')
    }
  })
})
