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

/**
 * An instant as the recipient reads dates: in their locale (a user's `settings.cultureCode` or
 * `languageCode`, e.g. `de-DE`) when known and supported, else spelled out in English; always in
 * UTC (the service knows no one's time zone), and saying so.
 */
export function formatInstant(at: Date, locale?: string | null): string {
  const supported = locale ? safeSupported(locale) : undefined
  if (!supported) return formatUtcInstant(at)
  const formatted = new Intl.DateTimeFormat(supported, {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(at)
  return `${formatted} UTC`
}

function safeSupported(locale: string): string | undefined {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale])[0]
  } catch {
    return undefined // not a well-formed language tag
  }
}
