const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char)
}

/** Header values are one line: a stray newline in an account name must not end the subject. */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim()
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** `Tuesday, 13 January 2026 09:00 UTC`: spelled out, so no reader mistakes day for month. */
export function formatUtcInstant(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const weekday = WEEKDAYS[at.getUTCDay()] ?? ''
  const month = MONTHS[at.getUTCMonth()] ?? ''
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`
  return `${weekday}, ${at.getUTCDate()} ${month} ${at.getUTCFullYear()} ${time} UTC`
}

/** Wraps escaped body markup in the minimal document every template shares. */
export function htmlDocument(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family: Arial, sans-serif; line-height: 1.5; color: #1f1f1f;">',
    body,
    '</body>',
    '</html>',
  ].join('\n')
}

export const PLATFORM_NAME = 'SoftwareOne Marketplace'
