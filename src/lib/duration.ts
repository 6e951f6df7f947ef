const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** Parses `90s`, `15m`, `12h`, `7d` into milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([smhd])\s*$/.exec(text)
  if (!match) return undefined
  const amount = Number(match[1])
  if (!Number.isSafeInteger(amount) || amount <= 0) return undefined
  return amount * UNIT_MS[match[2] as keyof typeof UNIT_MS]
}
