/**
 * Serialized list responses, kept while they are still exactly what the database would answer.
 *
 * A list request costs a count over every matching row (its `total`), and an administration UI
 * asks the same page again and again while nothing changes. An entry is served only while
 *  - the database's data version is the one read BEFORE the response was computed (so a write
 *    that happened meanwhile, or since, makes it unreachable), and
 *  - the clock is before the entry's `validUntil`: the first instant at which a time-derived
 *    value in it could change (for account users: the next invitation expiry).
 * Only where the database offers a data version (embedded SQLite: one process owns the writes,
 * and other processes' commits show in PRAGMA data_version); on PostgreSQL, shared by several
 * nodes, nothing is cached. Bounded by entries and by characters; least recently used out first.
 */
export interface ListCache {
  /** The data version to compute a new entry under; read it before running the queries. */
  version(): string
  get(key: string, now: Date): string | undefined
  set(key: string, entry: { json: string; version: string; validUntil: Date | null }): void
}

interface Entry {
  json: string
  version: string
  validUntil: number
}

export function createListCache(
  dataVersion: () => string,
  limits: { maxEntries?: number; maxChars?: number } = {},
): ListCache {
  const maxEntries = limits.maxEntries ?? 1000
  const maxChars = limits.maxChars ?? 16 * 1024 * 1024
  const entries = new Map<string, Entry>()
  let chars = 0

  const remove = (key: string, entry: Entry) => {
    entries.delete(key)
    chars -= entry.json.length
  }

  return {
    version: dataVersion,

    get(key, now) {
      const entry = entries.get(key)
      if (!entry) return undefined
      if (entry.version !== dataVersion() || now.getTime() >= entry.validUntil) {
        remove(key, entry)
        return undefined
      }
      // most recently used last
      entries.delete(key)
      entries.set(key, entry)
      return entry.json
    },

    set(key, { json, version, validUntil }) {
      if (version !== dataVersion() || json.length > maxChars / 4) return
      const old = entries.get(key)
      if (old) remove(key, old)
      entries.set(key, { json, version, validUntil: validUntil?.getTime() ?? Infinity })
      chars += json.length
      for (const [k, e] of entries) {
        if (entries.size <= maxEntries && chars <= maxChars) break
        remove(k, e)
      }
    },
  }
}
