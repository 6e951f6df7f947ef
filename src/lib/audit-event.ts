/** The stored actor of an audit event: who acted (`by`) and on behalf of which account (`of`). */
export interface StoredActor {
  id: string
  name: string
  icon: string | null
  of?: { id: string; name: string; icon: string | null }
}

/** An audit `Event` (§3.2): `{ at, by, of }`, with `by`/`of` absent when the system acted. */
export function auditEvent(at: Date, actor: StoredActor | null | undefined) {
  if (!actor) return { at: at.toISOString() }
  const { of, ...by } = actor
  return { at: at.toISOString(), by, ...(of ? { of } : {}) }
}
