import { sql } from 'kysely'
import type { ScalarField } from './rql-fields.js'

/**
 * `audit.<event>.at` for an event kept only in the audit history (not in a column of the
 * object): the latest such event of the object whose id is `idColumn`. Both literals come from
 * the field maps, never from the query.
 */
export function latestEventAt(objectType: string, idColumn: string, event: string): ScalarField {
  return {
    type: 'date',
    sql: () =>
      sql`(SELECT max(ae_f.at) FROM audit_events AS ae_f WHERE ae_f.object_type = ${sql.lit(
        objectType,
      )} AND ae_f.object_id = ${sql.ref(idColumn)} AND ae_f.event = ${sql.lit(event)})`,
  }
}
