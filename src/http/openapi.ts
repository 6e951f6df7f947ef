import { readFileSync } from 'node:fs'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify'
import { multipartPartsOf, type MultipartParts } from './multipart.js'
import { OFFICIAL_OPERATIONS } from './official-operations.js'
import { addProblemResponses, ProblemSchema, skipProblemSerializers } from './problem-responses.js'

// src/http and dist/http are both two levels below the package root.
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

export const OPENAPI_PATH = '/public/v1/openapi.json'
export const DOCS_PREFIX = '/docs'

/** Marks operations and fields that the official Accounts API does not have. */
export const EXTENSION = 'x-accounts-extension'

/**
 * Registers what the OpenAPI document is generated from: the shared Problem schema, the problem
 * responses every route gets, and @fastify/swagger, which collects each route as it is added.
 * Call before the authentication hooks and before any route.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  skipProblemSerializers(app)
  app.addSchema(ProblemSchema)
  app.addHook('onRoute', (route) => {
    // The reference page and its assets are documentation, readable without a token.
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`))
      route.config = { ...route.config, auth: 'public' }
    addProblemResponses(route)
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Accounts API',
        version: PACKAGE_VERSION,
        description:
          'A wire-compatible implementation of the SoftwareOne Marketplace Accounts API. ' +
          `Operations and fields marked \`${EXTENSION}\` are this service's own. Lists take RQL ` +
          'in the query string (docs/rql.md); every failure is an RFC 7807 problem.',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token: `idt:TKN-####-####:<secret>`.',
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    // Shared schemas keep their own names in components.schemas (`Problem`, not `def-0`).
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
    transform: ({ schema, url, route }) => ({ schema: describeOperation(schema, url, route), url }),
    transformObject: (document) =>
      'openapiObject' in document
        ? describeMultipartBodies(document.openapiObject)
        : document.swaggerObject,
  })
}

/** The document at OPENAPI_PATH and the Swagger UI reference page at DOCS_PREFIX (served locally). */
export async function apiDocs(app: FastifyInstance): Promise<void> {
  let document: string | undefined
  app.get(
    OPENAPI_PATH,
    {
      config: { auth: 'public' },
      schema: {
        summary: 'This OpenAPI document',
        response: {
          200: { description: 'OpenAPI 3.1', type: 'object', additionalProperties: true },
        },
      },
    },
    async (_request, reply) => {
      document ??= JSON.stringify(app.swagger())
      return reply.type('application/json; charset=utf-8').send(document)
    },
  )
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // No call leaves the machine: no validator badge, assets from the package.
    validatorUrl: false,
    uiConfig: { persistAuthorization: false, tryItOutEnabled: false, displayOperationId: true },
  })
}

const RQL_QUERY = {
  type: 'object',
  properties: {
    select: {
      type: 'string',
      description: 'Projection: `+field` adds (also omitted fields), `-field` removes.',
    },
    order: { type: 'string', description: 'Sort keys, `-` for descending: `-audit.created.at`.' },
    limit: { type: 'integer', minimum: 0, description: 'Page size (at most 100).' },
    offset: { type: 'integer', minimum: 0, description: 'Records to skip.' },
  },
}

const SELECT_QUERY = { type: 'object', properties: { select: RQL_QUERY.properties.select } }

type Schema = FastifySchema & Record<string, unknown>

function describeOperation(schema: FastifySchema | undefined, url: string, route: RouteOptions) {
  const config = (route.config ?? {}) as { auth?: string; operation?: string }
  const method = ([] as string[]).concat(route.method)[0] ?? 'GET'
  const path = url.replace(/:(\w+)/g, '{$1}')
  const described: Schema = {
    ...schema,
    operationId: operationIdOf(method, path),
    tags: [tagOf(path)],
    ...(config.operation
      ? { summary: config.operation, 'x-accounts-operation': config.operation }
      : {}),
  }
  const parts = multipartPartsOf(route)
  if (parts) described[MULTIPART_PARTS] = parts
  if (config.auth === 'public') described.security = []
  if (config.auth === 'optional') described.security = [{}, { bearerAuth: [] }]
  if (!OFFICIAL_OPERATIONS.has(`${method} ${path.replace(/\{\w+\}/g, '{}')}`))
    described[EXTENSION] = true
  if (method === 'GET' && !schema?.querystring) {
    if (config.operation?.endsWith('.list')) {
      described.querystring = RQL_QUERY
      described['x-accounts-rql'] = {
        filter:
          'An RQL expression written directly in the query string, e.g. ' +
          '`?and(eq(status,Active),ilike(name,*Corp*))` (docs/rql.md).',
      }
    } else if (config.operation?.endsWith('.get')) {
      described.querystring = SELECT_QUERY
    }
  }
  return described
}

/** Marks, until `describeMultipartBodies` replaces it, an operation that also takes multipart. */
const MULTIPART_PARTS = 'x-accounts-multipart-parts'

type MediaType = { schema?: unknown; encoding?: Record<string, { contentType: string }> }
type OpenApiOperation = {
  requestBody?: { content?: Record<string, MediaType> }
  [MULTIPART_PARTS]?: MultipartParts
}

/**
 * Adds `multipart/form-data` to the request body of each operation that takes it (§9.3): the
 * JSON part is the same object as the `application/json` body (sent with its own
 * `Content-Type: application/json`), the file part an image.
 */
function describeMultipartBodies<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, OpenApiOperation>> }).paths
  for (const operations of Object.values(paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const parts = operation[MULTIPART_PARTS]
      if (!parts) continue
      delete operation[MULTIPART_PARTS]
      const content = operation.requestBody?.content
      const json = content?.['application/json']
      if (!content || !json) continue
      content['multipart/form-data'] = {
        schema: {
          type: 'object',
          properties: {
            [parts.json]: json.schema,
            [parts.file]: {
              type: 'string',
              contentMediaType: 'image/*',
              description: 'The image: PNG, JPEG, GIF or WebP.',
            },
          },
        },
        encoding: {
          [parts.json]: { contentType: 'application/json' },
          [parts.file]: { contentType: 'image/*' },
        },
      }
    }
  }
  return document
}

function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/public\/v1\//, '')
    .split(/[/{}-]+/)
    .filter(Boolean)
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('')
}

function tagOf(path: string): string {
  if (path.startsWith('/public/v1/notifications/webhooks')) return 'webhooks'
  const match = /^\/public\/v1\/accounts\/([^/]+)(\/[^/]+)?(\/[^/]+)?/.exec(path)
  if (!match) return 'service'
  if (match[1]!.startsWith('{') || (match[1] === 'accounts' && match[3] === '/users'))
    return 'account-users'
  return match[1]!
}
