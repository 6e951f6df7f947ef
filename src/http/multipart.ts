import type { FastifyRequest, RouteOptions } from 'fastify'
import { validationError } from '../errors.js'
import { multipartFailure } from './problem.js'

export interface Upload {
  data: Buffer
  contentType: string
  filename: string | undefined
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the file part of a multipart create/update (`logo` or `icon`), when one was sent */
    upload: Upload | undefined
  }
}

/**
 * A preValidation hook for endpoints that take JSON or multipart (§9.3): the official clients
 * send a `jsonPart` (the object as JSON, even with no file) and an optional `filePart`. The
 * JSON becomes the body the route schema validates; the file goes to `request.upload`.
 *
 * Clients put the JSON part on the wire in every shape: a plain field (curl `-F 'account={…}'`),
 * a field with its own `Content-Type: application/json` (curl `;type=application/json`, httpx
 * `(None, json, 'application/json')`, the official SDK), or a file part with a filename (a browser's
 * `Blob` arrives as `filename="blob"`). The image likewise comes with or without a filename. So
 * both named parts are always read as bytes and decoded here: the multipart plugin would parse a
 * JSON-typed field itself (and turn a binary field into text).
 */
export function multipartJson(jsonPart: string, filePart: string) {
  const named = new Set([jsonPart, filePart])
  const hook = async (request: FastifyRequest): Promise<void> => {
    if (!request.isMultipart()) return
    const parts = await readParts(request, named)
    const json = parts.get(jsonPart)
    request.body = json ? parseJsonPart(jsonPart, json.data) : {}
    const file = parts.get(filePart)
    if (file && file.data.length > 0) request.upload = file
  }
  HOOK_PARTS.set(hook, { json: jsonPart, file: filePart })
  return hook
}

/** The parts a route's multipart hook reads (its OpenAPI request body is described from them). */
export interface MultipartParts {
  json: string
  file: string
}
const HOOK_PARTS = new WeakMap<object, MultipartParts>()

/** The parts the route reads when it is sent multipart, or undefined when it takes only JSON. */
export function multipartPartsOf(route: Pick<RouteOptions, 'preValidation'>) {
  const hooks = ([] as unknown[]).concat(route.preValidation ?? [])
  for (const hook of hooks) {
    const parts = typeof hook === 'function' ? HOOK_PARTS.get(hook) : undefined
    if (parts) return parts
  }
  return undefined
}

/** The first part of each wanted name, as bytes; every other part is read and dropped. */
async function readParts(
  request: FastifyRequest,
  wanted: ReadonlySet<string>,
): Promise<Map<string, Upload>> {
  const found = new Map<string, Upload>()
  const isPartAFile = (name: string | undefined, type: string | undefined, filename?: string) =>
    (name !== undefined && wanted.has(name)) || filename !== undefined || type !== 'text/plain'
  try {
    for await (const part of request.parts({ isPartAFile })) {
      if (part.type !== 'file') continue
      const data = await part.toBuffer()
      if (!wanted.has(part.fieldname) || found.has(part.fieldname)) continue
      found.set(part.fieldname, {
        data,
        contentType: part.mimetype,
        filename: part.filename || undefined,
      })
    }
  } catch (error) {
    throw multipartFailure(error)
  }
  return found
}

function parseJsonPart(name: string, data: Buffer): unknown {
  // JSON on the wire is UTF-8 (RFC 8259 §8.1); a byte-order mark is tolerated.
  const text = data.toString('utf8').replace(/^\uFEFF/, '')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw validationError({ [name]: ['The part is not valid JSON.'] })
  }
}
