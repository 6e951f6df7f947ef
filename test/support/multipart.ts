import { BOUNDARIES, wireMultipart, type WirePart } from './wire-multipart.js'

/** A 1×1 transparent PNG: the smallest real image the icon store accepts. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)

export interface MultipartFile {
  part: string
  data: Buffer
  type?: string
  filename?: string
}

/**
 * A multipart/form-data body as the official SDK puts it on the wire (httpx): the file part first,
 * then `jsonPart` as a field with its own `Content-Type: application/json` (issue #11: the shape an
 * earlier FormData-based helper never built). `jsonAsFile` sends the JSON as a file part with a
 * filename instead. Every other client shape: `wire-multipart.ts`.
 */
export async function multipartBody(
  jsonPart: string,
  value: unknown,
  file?: MultipartFile,
  options: { jsonAsFile?: boolean; rawJson?: string } = {},
): Promise<{ headers: Record<string, string>; payload: Buffer }> {
  const json: WirePart = {
    name: jsonPart,
    type: 'application/json',
    body: options.rawJson ?? JSON.stringify(value),
    ...(options.jsonAsFile ? { filename: `${jsonPart}.json` } : {}),
  }
  const parts: WirePart[] = file
    ? [
        {
          name: file.part,
          filename: file.filename ?? 'logo.png',
          type: file.type ?? 'image/png',
          body: file.data,
        },
        json,
      ]
    : [json]
  return Promise.resolve(wireMultipart(parts, BOUNDARIES.httpx))
}
