import type { Kysely } from 'kysely'
import type { SecretBox } from '../lib/secrets.js'
import { SEALED_COLUMNS, type SealedColumn } from './sealed-columns.js'

export interface RotationProgress {
  table: string
  column: string
  /** rows of this column looked at so far, and how many there are */
  done: number
  total: number
}

export interface RotationResult {
  /** re-sealed under the new key by this run */
  rotated: number
  /** already under the new key (an earlier, interrupted run, or written by a node since) */
  alreadyRotated: number
  /** changed by the service between read and update: sealed anew, under the new key */
  changedMeanwhile: number
  /** rows neither key opens, as `table.column:key` (none, unless keys were mixed up) */
  unreadable: string[]
}

/**
 * Re-seals every sealed value under `to`, reading with `from`. Works in batches, one transaction
 * each, in key order; safe to interrupt at any point and to run again: what is already under the
 * new key is recognised and left alone, so a second run simply finishes the work. Each update is
 * guarded by the value it read, so a node changing a row meanwhile (with the new key, as every
 * node runs SECRET_KEY=new, SECRET_KEY_PREVIOUS=old during a rotation) wins.
 */
export async function rotateSecretKey(
  db: Kysely<any>,
  keys: { from: SecretBox; to: SecretBox },
  options: {
    batchSize?: number
    onProgress?: (progress: RotationProgress) => void
    signal?: AbortSignal
    columns?: readonly SealedColumn[]
  } = {},
): Promise<RotationResult> {
  const result: RotationResult = {
    rotated: 0,
    alreadyRotated: 0,
    changedMeanwhile: 0,
    unreadable: [],
  }
  for (const sealed of options.columns ?? SEALED_COLUMNS) {
    await rotateColumn(db, sealed, keys, result, options)
  }
  return result
}

async function rotateColumn(
  db: Kysely<any>,
  { table, key, column }: SealedColumn,
  keys: { from: SecretBox; to: SecretBox },
  result: RotationResult,
  options: {
    batchSize?: number
    onProgress?: (progress: RotationProgress) => void
    signal?: AbortSignal
  },
): Promise<void> {
  const batchSize = options.batchSize ?? 500
  const counted = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, 'is not', null)
    .executeTakeFirstOrThrow()
  const total = Number(counted.n)
  let done = 0
  let after: string | number | undefined
  options.onProgress?.({ table, column, done, total })
  for (;;) {
    options.signal?.throwIfAborted()
    let query = db
      .selectFrom(table)
      .select([`${key} as key`, `${column} as value`])
      .where(column, 'is not', null)
      .orderBy(key)
      .limit(batchSize)
    if (after !== undefined) query = query.where(key, '>', after)
    const rows = (await query.execute()) as Array<{ key: string | number; value: string }>
    if (rows.length === 0) return
    const changes: Array<{ key: string | number; value: string; resealed: string }> = []
    for (const row of rows) {
      if (opens(keys.to, row.value)) {
        result.alreadyRotated += 1
        continue
      }
      let plain: string
      try {
        plain = keys.from.open(row.value)
      } catch {
        result.unreadable.push(`${table}.${column}:${row.key}`)
        continue
      }
      changes.push({ ...row, resealed: keys.to.seal(plain) })
    }
    await db.transaction().execute(async (trx) => {
      for (const change of changes) {
        const updated = await trx
          .updateTable(table)
          .set({ [column]: change.resealed })
          .where(key, '=', change.key)
          .where(column, '=', change.value)
          .executeTakeFirst()
        if (updated.numUpdatedRows === 1n) result.rotated += 1
        else result.changedMeanwhile += 1
      }
    })
    done += rows.length
    after = rows[rows.length - 1]!.key
    options.onProgress?.({ table, column, done: Math.min(done, total), total })
  }
}

function opens(box: SecretBox, sealed: string): boolean {
  try {
    box.open(sealed)
    return true
  } catch {
    return false
  }
}
