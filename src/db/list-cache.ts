/**
 * Serialized list responses, kept while they are still exactly what the database would answer.
 *
 * A list request costs a count over every matching row (its `total`), and an administration UI
 * asks the same page again and again while nothing changes. An entry is served only while
 *  - the database's data version is the one read BEFORE the response was computed (a write that
 *    committed meanwhile, or since, moves the version on, so the entry is never matched again);
 *  - the clock is before the entry's `validUntil`: the first instant at which a time-derived
 *    value in it could change (for account users: the next invitation expiry).
 * The data version (see `Db.dataVersion`): on SQLite this connection's write count and PRAGMA
 * data_version (other processes' commits), read in microseconds; on PostgreSQL the current
 * snapshot, one round trip, which every node of a cluster sees change at any commit.
 * Bounded by entries and by characters; least recently used out first. Only the entries of one data
 * version are held: storing one of another version drops the rest.
 */
export interface ListCache {
  /** The data version now: read it before computing an entry, and to look one up. */
  version(): string | Promise<string>
  get(key: string, version: string, now: Date): string | undefined
  set(key: string, entry: { json: string; version: string; validUntil: Date | null }): void
}

interface Entry {
  json: string
  version: string
  validUntil: number
}

export function createListCache(
  dataVersion: () => string | Promise<string>,
  limits: { maxEntries?: number; maxChars?: number } = {},
): ListCache {
  const maxEntries = limits.maxEntries ?? 1000
  const maxChars = limits.maxChars ?? 16 * 1024 * 1024
  const entries = new Map<string, Entry>()
  let chars = 0
  /** the data version of every entry held: an entry of another one can never be served again */
  let heldVersion: string | undefined

  const remove = (key: string, entry: Entry) => {
    entries.delete(key)
    chars -= entry.json.length
  }

  return {
    version: dataVersion,

    get(key, version, now) {
      const entry = entries.get(key)
      if (!entry) return undefined
      if (entry.version !== version || now.getTime() >= entry.validUntil) {
        remove(key, entry)
        return undefined
      }
      // most recently used last
      entries.delete(key)
      entries.set(key, entry)
      return entry.json
    },

    set(key, { json, version, validUntil }) {
      if (json.length > maxChars / 4) return
      // The data version only moves on: once a list of a newer one is stored, the older entries
      // are dead weight (under steady writes, on several nodes, up to maxChars of it: issue #17).
      if (version !== heldVersion) {
        entries.clear()
        chars = 0
        heldVersion = version
      }
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
