import type { FastifyRequest } from 'fastify'
import type { Multipart, MultipartFile } from '@fastify/multipart'
import { validationError } from '../errors.js'

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
 */
export function multipartJson(jsonPart: string, filePart: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!request.isMultipart()) return
    const parts = (request.body ?? {}) as Record<string, Multipart | Multipart[] | undefined>
    const json = first(parts[jsonPart])
    let body: unknown = {}
    if (json) {
      const text =
        json.type === 'file' ? (await json.toBuffer()).toString('utf8') : String(json.value)
      try {
        body = text.trim() === '' ? {} : JSON.parse(text)
      } catch {
        throw validationError({ [jsonPart]: ['The part is not valid JSON.'] })
      }
    }
    request.body = body
    const file = first(parts[filePart])
    if (file && file.type === 'file') {
      const data = await (file as MultipartFile).toBuffer()
      if (data.length > 0)
        request.upload = { data, contentType: file.mimetype, filename: file.filename }
    }
  }
}

function first(value: Multipart | Multipart[] | undefined): Multipart | undefined {
  return Array.isArray(value) ? value[0] : value
}
