import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors.js'

/**
 * JSON in the media types the official spec declares. An empty body reads as "no body":
 * the SDK posts invitation actions with a JSON content type and nothing after it (§9.4).
 */
export function registerBodyParsers(app: FastifyInstance): void {
  // Fastify also reads text/plain by default; the API takes JSON only, so that answers 415.
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser(
    /^(application\/json|text\/json|application\/[\w.+-]+\+json)\b/i,
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = String(body).trim()
      if (text === '') return done(null, undefined)
      try {
        done(null, JSON.parse(text))
      } catch (error) {
        done(
          new AppError('BODY_INVALID_JSON', {
            detail: `The request body is not valid JSON: ${(error as Error).message}`,
            errors: { body: ['Not valid JSON.'] },
          }),
          undefined,
        )
      }
    },
  )
}

/**
 * A POST or PUT without a body is read as `{}`: invitation and status actions are sent bare by
 * the SDK, and a create without a body then gets the usual field-by-field validation problem.
 */
export function registerEmptyBodyDefault(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PUT')) {
      request.body = {}
    }
  })
}
