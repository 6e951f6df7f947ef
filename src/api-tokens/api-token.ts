export type ApiTokenStatus = 'Active' | 'Disabled' | 'Deleted'

/** Allowed next statuses (§5.7): delete is final. */
export const API_TOKEN_TRANSITIONS: Record<ApiTokenStatus, readonly ApiTokenStatus[]> = {
  Active: ['Disabled', 'Deleted'],
  Disabled: ['Active', 'Deleted'],
  Deleted: [],
}
