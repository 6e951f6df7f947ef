import type { Kysely } from 'kysely'
import { MODULES } from '../access/permissions.js'
import { parseJson } from '../db/rows.js'
import type { Database } from '../db/schema.js'
import type { Recipient } from '../email/templates/email-templates.js'
import type { UserSettings } from './account-user.js'

/** More administrators than this are not all mailed about one event. */
const MAX_ADMINISTRATORS = 50

/**
 * The people who administer an account's users: Active members (an Active person) whose groups
 * there grant Access Management. The ones who get "asked for a new link" and "webhook disabled".
 */
export async function findAccountAdministrators(
  db: Kysely<Database>,
  accountId: string,
): Promise<Recipient[]> {
  const rows = await db
    .selectFrom('account_users as au')
    .innerJoin('users as u', 'u.id', 'au.user_id')
    .select(['u.id', 'u.email', 'u.first_name', 'u.settings'])
    .where('au.account_id', '=', accountId)
    .where('au.status', '=', 'Active')
    .where('u.status', '=', 'Active')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('account_user_groups as aug')
          .innerJoin('user_group_modules as ugm', 'ugm.user_group_id', 'aug.user_group_id')
          .select('aug.account_user_id')
          .whereRef('aug.account_user_id', '=', 'au.id')
          .where('ugm.module_id', '=', MODULES.accessManagement.id),
      ),
    )
    .orderBy('u.id')
    .limit(MAX_ADMINISTRATORS)
    .execute()
  return rows.map((row) => {
    const settings = parseJson<UserSettings | null>(row.settings, null)
    return {
      email: row.email,
      firstName: row.first_name,
      locale: settings?.cultureCode ?? settings?.languageCode ?? null,
    }
  })
}
