/**
 * Every column that holds a value sealed with the SecretBox (`box.seal`). Rotating SECRET_KEY
 * re-seals each of them; a new sealed column must be listed here (a test looks for seal calls).
 * Hashes and HMACs (token secrets, passwords, one-time codes) are not here: they cannot be
 * re-encrypted, and the one-time codes simply lapse (15 minutes).
 */
export const SEALED_COLUMNS = [
  { table: 'account_users', key: 'id', column: 'invitation_secret' },
  // the mailbox proof only the emailed link carries (issue #12); random, so it survives rotation
  { table: 'account_users', key: 'id', column: 'invitation_proof' },
  { table: 'email_outbox', key: 'id', column: 'payload' },
  // a webhook's signing secret (issue #15): shown once, kept to sign every delivery
  { table: 'webhooks', key: 'id', column: 'secret' },
] as const

export type SealedColumn = (typeof SEALED_COLUMNS)[number]
