/**
 * Every column that holds a value sealed with the SecretBox (`box.seal`). Rotating SECRET_KEY
 * re-seals each of them; a new sealed column must be listed here (a test looks for seal calls).
 */
export const SEALED_COLUMNS = [
  { table: 'account_users', key: 'id', column: 'invitation_secret' },
  { table: 'email_outbox', key: 'id', column: 'payload' },
] as const

export type SealedColumn = (typeof SEALED_COLUMNS)[number]
