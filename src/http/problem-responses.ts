import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { ERROR_CATALOGUE, type ErrorCode } from '../errors.js'

/** RFC 7807 problem details as every failure is sent (`src/http/problem.ts`). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'The RFC 9110 section of the status.' }),
    title: Type.String({ description: 'The HTTP reason phrase.' }),
    status: Type.Integer(),
    detail: Type.String(),
    traceId: Type.String({ description: 'Also sent as the x-trace-id header and logged.' }),
    code: Type.Unsafe<ErrorCode>({
      type: 'string',
      enum: Object.keys(ERROR_CATALOGUE),
      description: "This service's stable error code (docs/api-errors.md).",
      'x-accounts-extension': true,
    }),
    errors: Type.Optional(
      Type.Union([
        Type.Record(Type.String(), Type.Array(Type.String()), {
          description: 'Request validation: field → messages.',
        }),
        Type.Array(
          Type.Object({
            id: Type.String(),
            message: Type.String(),
            properties: Type.Optional(Type.Array(Type.String())),
            parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          }),
          { description: 'Business rules: one entry per broken rule, `id` = the code.' },
        ),
      ]),
    ),
  },
  { $id: 'Problem', title: 'Problem' },
)

const REASONS: Record<string, string> = {
  400: 'Bad Request: validation, RQL or a business rule',
  401: 'Unauthorized: no valid bearer token',
  403: 'Forbidden: the account type may not use this operation',
  404: 'Not Found',
  409: 'Conflict: changed by another request; retry',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
}

const PROBLEM_TYPE = 'application/problem+json'

const problemResponse = (status: string) => ({
  description: REASONS[status] ?? 'Problem',
  content: { [PROBLEM_TYPE]: { schema: { $ref: 'Problem#' } } },
})

/**
 * Fastify's own serializer compiler, except for problem responses: problems are sent as strings
 * already (`sendProblem`), and compiling a serializer for each route and status would add about
 * half a second to every start for code that never runs.
 */
export function skipProblemSerializers(app: FastifyInstance): void {
  const fastJsonStringify = SerializerSelector()
  app.setSchemaController({
    compilersFactory: {
      buildSerializer: (externalSchemas: unknown, options: unknown) => {
        const compile = fastJsonStringify(externalSchemas, options as never)
        return (route: { contentType?: string } & Parameters<typeof compile>[0]) =>
          route.contentType === PROBLEM_TYPE ? JSON.stringify : compile(route)
      },
    },
  })
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])

/**
 * An onRoute hook: every route declares the problem responses it can send, so the OpenAPI
 * document lists them without each route file repeating them. Problems are sent pre-serialized
 * (`sendProblem`), so these schemas describe the wire and never reshape a body.
 */
export function addProblemResponses(route: RouteOptions): void {
  const methods = ([] as string[]).concat(route.method)
  if (methods.every((m) => m === 'HEAD')) return
  const isPublic = (route.config as { auth?: string } | undefined)?.auth === 'public'
  const statuses = ['400', '404', '500']
  if (!isPublic) statuses.push('401', '403')
  if (methods.some((m) => WITH_BODY.has(m))) statuses.push('409', '413', '415')
  else if (methods.includes('DELETE')) statuses.push('409')
  const schema = (route.schema ??= {})
  const response = (schema.response ??= {}) as Record<string, unknown>
  for (const status of statuses) response[status] ??= problemResponse(status)
}
