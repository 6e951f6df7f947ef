import type { Clock } from './clock.js'

/** A fixed-window counter per key: how many hits since the window began, and when it ends. */
export interface WindowCount {
  count: number
  /** milliseconds until the window ends (0 when no window is open) */
  ttlMs: number
}

export interface WindowCounters {
  /** Counts one hit on `key`, opening a window of `windowMs` when none is open. */
  hit(key: string, windowMs: number): Promise<WindowCount>
  /** The count of the open window, without counting. */
  peek(key: string, windowMs: number): Promise<WindowCount>
  /** Ends the key's window now (a lockout lifted by a password reset). */
  clear(key: string): Promise<void>
}

/**
 * Counters in this process's memory, for a single node (SQLite). At most `capacity` keys: when
 * full, windows that ended are dropped first, then the oldest.
 */
export function createMemoryCounters(clock: Clock, capacity = 50_000): WindowCounters {
  const windows = new Map<string, { count: number; endsAt: number }>()

  function makeRoom(now: number) {
    if (windows.size < capacity) return
    for (const [key, window] of windows) if (window.endsAt <= now) windows.delete(key)
    while (windows.size >= capacity) windows.delete(windows.keys().next().value!)
  }

  return {
    async hit(key, windowMs) {
      const now = clock.now().getTime()
      let window = windows.get(key)
      if (!window || window.endsAt <= now) {
        makeRoom(now)
        window = { count: 0, endsAt: now + windowMs }
        windows.set(key, window)
      }
      window.count += 1
      return { count: window.count, ttlMs: window.endsAt - now }
    },
    async peek(key) {
      const now = clock.now().getTime()
      const window = windows.get(key)
      if (!window || window.endsAt <= now) return { count: 0, ttlMs: 0 }
      return { count: window.count, ttlMs: window.endsAt - now }
    },
    async clear(key) {
      windows.delete(key)
    },
  }
}
