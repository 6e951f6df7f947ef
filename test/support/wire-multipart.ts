/**
 * multipart/form-data bodies byte for byte as real clients put them on the wire, built by hand
 * (not through a FormData that only makes the shapes a server already reads). Issue #11: the
 * official SDK's JSON part is a field with its own Content-Type, which the old helper never built.
 */

export interface WirePart {
  name: string
  /** `filename="…"` in Content-Disposition: a file part; absent: a plain field */
  filename?: string
  /** the part's own Content-Type header; absent: none (curl's and browsers' plain fields) */
  type?: string
  body: string | Buffer
}

export interface WireBody {
  headers: Record<string, string>
  payload: Buffer
}

/** Boundaries in each client's own style (any token is valid; these are what they look like). */
export const BOUNDARIES = {
  curl: '------------------------kU6JGeTvGJQhVFuGmlAgCl',
  httpx: '9d2e4f1a6c0b83e57f21a4c9d0e6b3f8',
  chrome: '----WebKitFormBoundaryq3Xz9aB7TgH2mK1p',
} as const

/** Each part: `--boundary`, its headers, a blank line, its bytes; then the closing delimiter. */
export function wireMultipart(parts: WirePart[], boundary: string): WireBody {
  const chunks: Buffer[] = []
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`
    if (part.filename !== undefined) head += `; filename="${part.filename}"`
    head += '\r\n'
    if (part.type !== undefined) head += `Content-Type: ${part.type}\r\n`
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(part.body), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat(chunks),
  }
}

/** How a client sends the object's JSON part. */
export const JSON_PART_SHAPES = {
  /** curl `-F 'account={…}'`; a browser's `FormData.append('account', text)` */
  'a plain field (curl -F name=json)': (name: string, json: string) => ({
    part: { name, body: json },
    boundary: BOUNDARIES.curl,
  }),
  /** curl `-F 'account={…};type=application/json'`; httpx `(None, json, 'application/json')` (the SDK) */
  'a field typed application/json (curl ;type=, httpx, the SDK)': (name: string, json: string) => ({
    part: { name, type: 'application/json', body: json },
    boundary: BOUNDARIES.httpx,
  }),
  'a field typed application/json; charset=utf-8': (name: string, json: string) => ({
    part: { name, type: 'application/json; charset=utf-8', body: json },
    boundary: BOUNDARIES.httpx,
  }),
  /** curl `-F 'account=@account.json;type=application/json'` */
  'a file part with a filename (curl -F name=@file.json)': (name: string, json: string) => ({
    part: { name, filename: `${name}.json`, type: 'application/json', body: json },
    boundary: BOUNDARIES.curl,
  }),
  /** a browser's `FormData.append('account', new Blob([json], { type: 'application/json' }))` */
  'a browser Blob (filename="blob")': (name: string, json: string) => ({
    part: { name, filename: 'blob', type: 'application/json', body: json },
    boundary: BOUNDARIES.chrome,
  }),
} satisfies Record<string, (name: string, json: string) => { part: WirePart; boundary: string }>

/** How a client sends the image part. */
export const IMAGE_PART_SHAPES = {
  /** curl `-F logo=@logo.png`; httpx `files={'logo': open('logo.png', 'rb')}` (the SDK) */
  'a file part with a filename (curl -F name=@logo.png, the SDK)': (name: string, png: Buffer) => ({
    name,
    filename: 'logo.png',
    type: 'image/png',
    body: png,
  }),
  /** curl `-F 'logo=<logo.png;type=image/png'`; httpx `(None, png, 'image/png')` */
  'a field typed image/png without a filename': (name: string, png: Buffer) => ({
    name,
    type: 'image/png',
    body: png,
  }),
  /** curl `-F 'logo=<logo.png'`: the bytes as a field with no type at all */
  'a field with no type and no filename': (name: string, png: Buffer) => ({ name, body: png }),
  /** a browser's `FormData.append('logo', new Blob([png], { type: 'image/png' }))` */
  'a browser Blob (filename="blob")': (name: string, png: Buffer) => ({
    name,
    filename: 'blob',
    type: 'image/png',
    body: png,
  }),
} satisfies Record<string, (name: string, png: Buffer) => WirePart>

/**
 * The official SDK's request: httpx puts the file first (the SDK adds its JSON part to `files`
 * after the logo), the JSON compact and UTF-8 (`separators=(",", ":")`, `ensure_ascii=False`).
 */
export function sdkMultipart(jsonPart: string, value: unknown, file?: WirePart): WireBody {
  const json: WirePart = { name: jsonPart, type: 'application/json', body: JSON.stringify(value) }
  return wireMultipart(file ? [file, json] : [json], BOUNDARIES.httpx)
}
