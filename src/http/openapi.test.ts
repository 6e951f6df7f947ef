import { Validator } from '@seriousme/openapi-schema-validator'
import type { RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/support/test-app.js'
import { ERROR_CATALOGUE } from '../errors.js'
import { multipartPartsOf, type MultipartParts } from './multipart.js'

interface Operation {
  operationId?: string
  security?: unknown[]
  parameters?: Array<{ name: string; in: string }>
  requestBody?: { content: Record<string, unknown> }
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>
  [extension: `x-${string}`]: unknown
}
type Document = {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> }
}

const observed: Array<{
  method: string
  url: string
  auth?: string
  hidden?: boolean
  multipart?: MultipartParts
}> = []

function record(route: RouteOptions) {
  for (const method of ([] as string[]).concat(route.method)) {
    observed.push({
      method,
      url: route.url,
      auth: (route.config as { auth?: string } | undefined)?.auth,
      hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true,
      multipart: multipartPartsOf(route),
    })
  }
}

/**
 * Every route that is part of the API: not the reference page's own assets, and not the
 * console's pages and assets (issue #14), which are HTML for people and marked `hide`.
 */
function apiRoutes(routes: typeof observed) {
  return routes.filter((r) => r.method !== 'HEAD' && !/^\/docs(\/|$)/.test(r.url) && !r.hidden)
}

const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}')

/** The routes the document leaves out: the completeness rule itself. */
function undocumented(routes: typeof observed, doc: Document) {
  return apiRoutes(routes)
    .filter((r) => !doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()])
    .map((r) => `${r.method} ${r.url}`)
}

describe('the OpenAPI document (GET /public/v1/openapi.json)', () => {
  let t: TestApp
  let doc: Document
  beforeAll(async () => {
    t = await buildTestApp({}, { onRoute: record })
    const response = await t.request({ method: 'GET', url: '/public/v1/openapi.json', token: null })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    doc = response.json()
  })
  afterAll(async () => t.close())

  const operations = () =>
    apiRoutes(observed).map((r) => ({
      ...r,
      op: doc.paths[toOpenApiPath(r.url)]![r.method.toLowerCase()]!,
    }))

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0')
    const result = await new Validator().validate(structuredClone(doc) as never)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
  })

  it('documents every registered route', () => {
    expect(apiRoutes(observed).length).toBeGreaterThan(50)
    expect(undocumented(observed, doc)).toEqual([])
  })

  it('leaves out only the pages for people: the sign-in and console pages and their assets', () => {
    const hidden = observed.filter((r) => r.hidden).map((r) => r.url)
    expect(hidden).toContain('/console/accounts/:accountId/users')
    expect(hidden).toContain('/sign-in')
    for (const url of hidden)
      expect(url).toMatch(
        /^\/(console|assets|sign-in|sign-out|forgot-password|set-password|docs|$)/,
      )
    expect(undocumented(observed, doc)).toEqual([])
  })

  it('would report a route added without documentation', () => {
    const extra = [...observed, { method: 'POST', url: '/public/v1/accounts/widgets/:id/spin' }]
    expect(undocumented(extra, doc)).toEqual(['POST /public/v1/accounts/widgets/:id/spin'])
  })

  it('gives every operation a success response, the problems it can send, and a unique id', () => {
    const ids = new Set<string>()
    for (const { method, url, auth, op } of operations()) {
      const where = `${method} ${url}`
      expect(
        Object.keys(op.responses).some((s) => /^[23]/.test(s)),
        where,
      ).toBe(true)
      const expected = ['400', '404', '500', ...(auth === 'public' ? [] : ['401', '403'])]
      for (const status of expected) {
        const content = op.responses[status]?.content ?? {}
        // The accept-invite page answers its own 400s with a page; everything else with a problem.
        if (url === '/accept-invite' && status === '400') {
          expect(Object.keys(content)).toEqual(['text/html'])
          continue
        }
        // @fastify/swagger rewrites the shared schema's $ref into components
        expect(content['application/problem+json']?.schema?.$ref, `${where} ${status}`).toBe(
          '#/components/schemas/Problem',
        )
      }
      expect(op.operationId, where).toBeTruthy()
      expect(ids.has(op.operationId!), where).toBe(false)
      ids.add(op.operationId!)
    }
  })

  it('describes the problem body with every error code', () => {
    const problem = doc.components.schemas.Problem!
    expect(Object.keys(problem.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'traceId', 'code', 'errors']),
    )
    expect(problem.properties.code!.enum).toEqual(Object.keys(ERROR_CATALOGUE))
  })

  it('requires a bearer token except on public routes', () => {
    const schemes = (doc as unknown as { components: { securitySchemes: object } }).components
      .securitySchemes
    expect(schemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    })
    expect((doc as unknown as { security: unknown }).security).toEqual([{ bearerAuth: [] }])
    for (const { auth, op, method, url } of operations()) {
      if (auth === 'public') expect(op.security, `${method} ${url}`).toEqual([])
      else expect(op.security, `${method} ${url}`).not.toEqual([])
    }
  })

  it('lists the RQL parameters on every list and select on reads by id', () => {
    const list = doc.paths['/public/v1/accounts/account-users']!.get!
    expect(list.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'query:limit',
      'query:offset',
      'query:order',
      'query:select',
    ])
    expect(list['x-accounts-rql']).toBeTruthy()
    const read = doc.paths['/public/v1/accounts/user-groups/{id}']!.get!
    expect(read.parameters!.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(['select'])
    const lists = operations().filter((o) =>
      o.op['x-accounts-operation']?.toString().endsWith('.list'),
    )
    expect(lists.length).toBeGreaterThanOrEqual(8)
    for (const { op } of lists) expect(op['x-accounts-rql']).toBeTruthy()
  })

  it('documents request bodies from the route schemas', () => {
    const invite = doc.paths['/public/v1/accounts/{accountId}/users']!.post!
    expect(Object.keys(invite.requestBody!.content)).toContain('application/json')
  })

  it('documents multipart/form-data on exactly the operations that read it, with their parts', () => {
    type Multipart = {
      schema: { properties: Record<string, { $ref?: string; contentMediaType?: string }> }
      encoding: Record<string, { contentType: string }>
    }
    const taking = operations().filter((o) => o.multipart)
    expect(taking.length).toBeGreaterThanOrEqual(5)
    for (const { op, multipart, method, url } of operations()) {
      const media = op.requestBody?.content['multipart/form-data'] as Multipart | undefined
      if (!multipart) {
        expect(media, `${method} ${url}`).toBeUndefined()
        continue
      }
      const json = op.requestBody!.content['application/json'] as { schema: unknown }
      expect(media!.schema.properties[multipart.json], `${method} ${url}`).toEqual(json.schema)
      expect(media!.schema.properties[multipart.file]!.contentMediaType).toBe('image/*')
      expect(media!.encoding[multipart.json]).toEqual({ contentType: 'application/json' })
      expect(op).not.toHaveProperty('x-accounts-multipart-parts')
    }
    const create = doc.paths['/public/v1/accounts/accounts']!.post!.requestBody!.content
    expect(Object.keys(create).sort()).toEqual(['application/json', 'multipart/form-data'])
    expect(Object.keys((create['multipart/form-data'] as Multipart).schema.properties)).toEqual([
      'account',
      'logo',
    ])
  })

  it('marks what the official API does not have as our extension', () => {
    expect(doc.paths['/public/v1/accounts/accounts']!.get!['x-accounts-extension']).toBeUndefined()
    expect(doc.paths['/public/v1/accounts/{accountId}/users']!.post!['x-accounts-extension']).toBe(
      undefined,
    )
    expect(doc.paths['/readyz']!.get!['x-accounts-extension']).toBe(true)
    expect(doc.paths['/accept-invite']!.get!['x-accounts-extension']).toBe(true)
    expect(
      doc.paths['/public/v1/accounts/accounts/{accountId}/users']!.get!['x-accounts-extension'],
    ).toBe(true)
  })

  it('is served to anyone, without a token', async () => {
    const again = await t.request({ method: 'GET', url: '/public/v1/openapi.json', token: null })
    expect(again.json()).toEqual(doc)
  })
})
