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
 * A real multipart/form-data body, built by the platform's FormData as the official clients'
 * HTTP libraries would send it: `jsonPart` carries the object as JSON (a plain field, or a file
 * part of type application/json with `jsonAsFile`), plus an optional file part.
 */
export async function multipartBody(
  jsonPart: string,
  value: unknown,
  file?: MultipartFile,
  options: { jsonAsFile?: boolean; rawJson?: string } = {},
): Promise<{ headers: Record<string, string>; payload: Buffer }> {
  const form = new FormData()
  const json = options.rawJson ?? JSON.stringify(value)
  if (options.jsonAsFile)
    form.append(jsonPart, new Blob([json], { type: 'application/json' }), `${jsonPart}.json`)
  else form.append(jsonPart, json)
  if (file) {
    form.append(
      file.part,
      new Blob([file.data], { type: file.type ?? 'image/png' }),
      file.filename ?? 'logo.png',
    )
  }
  const request = new Request('http://x', { method: 'POST', body: form })
  return {
    headers: { 'content-type': request.headers.get('content-type')! },
    payload: Buffer.from(await request.arrayBuffer()),
  }
}
