import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import {
  type CollectionField,
  type CompileContext,
  type FieldMap,
  type ScalarField,
  textColumn,
  dateColumn,
} from '../rql/rql-fields.js'

const text = textColumn
const instant = dateColumn

/**
 * The member's email; `ilike` on it reads `account_users.user_email_key`, the database's copy of
 * `users.email_key` (its stored lowercase), so that a count filtered on it needs no join to users.
 * The key is the lowercase email for every user an account-user list can show: it is set at invite
 * from the trimmed email, the email cannot change, and only a deleted user's key is rewritten,
 * after its memberships are gone.
 */
const memberEmail: ScalarField = { ...text('u.email'), folded: () => sql.ref('au.user_email_key') }

/** `Invited` past its deadline reads as `InvitationExpired` before the sweep stores it. */
export const effectiveInvitationStatusSql = (ctx: CompileContext) =>
  sql<string>`(CASE WHEN au.status = 'Invited' AND au.invitation_expires_at <= ${ctx.now.toISOString()} THEN 'InvitationExpired' ELSE au.status END)`

/**
 * "The effective status is `status`", on the stored columns: the same rows as comparing the CASE
 * above, two-valued on every row, so `NOT` is exact. A stored `Invited` always has a deadline
 * (the database refuses one without: migration 2026-11-26-1300), so `Invited` is one index range,
 * `status = 'Invited' AND invitation_expires_at > now`.
 */
function invitationStatusIs(status: string, ctx: CompileContext): Expression<SqlBool> {
  const now = ctx.now.toISOString()
  switch (status) {
    case 'Invited':
      return sql<SqlBool>`(au.status = 'Invited' AND au.invitation_expires_at > ${now})`
    case 'InvitationExpired':
      return sql<SqlBool>`(au.status = 'InvitationExpired' OR (au.status = 'Invited' AND au.invitation_expires_at <= ${now}))`
    default:
      // Only stored Invited rows change their reading; au.status is NOT NULL.
      return sql<SqlBool>`(au.status = ${status})`
  }
}

/**
 * eq/in of one status that is a single stored status (Invited, Active) becomes `au.status = …`
 * (+ the deadline), which the (status, created_at DESC, id) indexes walk in list order, one page
 * and done. InvitationExpired (stored InvitationExpired OR Invited past the deadline) and lists of
 * several statuses keep the CASE comparison: as an OR of two index ranges, SQLite would fetch and
 * sort every match instead of walking created_at and stopping after a page. ne/out select what is
 * left, which no index narrows; they compile to NOT(…) of the stored-column predicates.
 */
const invitationStatus: ScalarField = {
  type: 'string',
  sql: effectiveInvitationStatusSql,
  values: ['Invited', 'InvitationExpired', 'Active'],
  compare: (op, values, ctx) => {
    const statuses = [...new Set(values)]
    if (op === 'in') {
      return statuses.length === 1 && statuses[0] !== 'InvitationExpired'
        ? invitationStatusIs(statuses[0]!, ctx)
        : undefined
    }
    const parts = statuses.map((status) => invitationStatusIs(status, ctx))
    // The effective status is never NULL, so `out` is exactly the complement of `in`.
    return sql<SqlBool>`(NOT ${parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` OR `)})`})`
  },
}

/**
 * A name or phone column as this account sees it (issue #12): the membership's own copy of what
 * the account typed until the person registers (has a password), then the person's own. Mirrors
 * `seenInThisAccount` in account-user-repository.ts.
 */
const seenSql = (member: string, own: string) =>
  sql`(CASE WHEN u.password_hash IS NULL AND au.invitee_first_name IS NOT NULL THEN ${sql.ref(member)} ELSE ${sql.ref(own)} END)`
const seen = (member: string, own: string): ScalarField => ({
  type: 'string',
  sql: () => seenSql(member, own),
})
const firstName = seen('au.invitee_first_name', 'u.first_name')
const lastName = seen('au.invitee_last_name', 'u.last_name')

const fullName = (): ScalarField => ({
  type: 'string',
  sql: () =>
    sql`(${seenSql('au.invitee_first_name', 'u.first_name')} || ' ' || ${seenSql('au.invitee_last_name', 'u.last_name')})`,
})

const groups: CollectionField = {
  collection: (eb: ExpressionBuilder<any, any>) =>
    eb
      .selectFrom('account_user_groups as aug_f')
      .innerJoin('user_groups as g_f', 'g_f.id', 'aug_f.user_group_id')
      .whereRef('aug_f.account_user_id', '=', 'au.id'),
  fields: {
    id: text('g_f.id'),
    name: text('g_f.name'),
    isDefault: { type: 'boolean', sql: () => sql.ref('g_f.is_default') },
  },
}

const modules: CollectionField = {
  collection: (eb: ExpressionBuilder<any, any>) =>
    eb
      .selectFrom('account_user_groups as aug_m')
      .innerJoin('user_group_modules as gm_m', 'gm_m.user_group_id', 'aug_m.user_group_id')
      .innerJoin('modules as m_m', 'm_m.id', 'gm_m.module_id')
      .whereRef('aug_m.account_user_id', '=', 'au.id'),
  fields: { id: text('m_m.id'), name: text('m_m.name') },
}

const buyers: CollectionField = {
  collection: (eb: ExpressionBuilder<any, any>) =>
    eb
      .selectFrom('account_user_groups as aug_b')
      .innerJoin('user_group_buyers as gb_b', 'gb_b.user_group_id', 'aug_b.user_group_id')
      .innerJoin('buyers as b_b', 'b_b.id', 'gb_b.buyer_id')
      .whereRef('aug_b.account_user_id', '=', 'au.id'),
  fields: { id: text('b_b.id'), name: text('b_b.name') },
}

// user.id and account.id read the membership's own foreign keys (equal to u.id / a.id), so that a
// filter on them needs no join: a list's count then leaves the join out (fetchListPage).
const shared: FieldMap = {
  'user.id': text('au.user_id'),
  'user.email': memberEmail,
  'user.firstName': firstName,
  'user.lastName': lastName,
  'user.name': fullName(),
  'user.status': text('u.status'),
  'account.id': text('au.account_id'),
  'account.name': text('a.name'),
  'account.type': text('a.type'),
  'account.status': text('a.status'),
  'invitation.status': invitationStatus,
  'audit.created.at': instant('au.created_at'),
  'audit.updated.at': instant('au.updated_at'),
  'audit.joined.at': instant('au.joined_at'),
  'audit.access.at': instant('au.access_at'),
  groups,
  modules,
  buyers,
}

/** The legacy `/account-users` family: `id` is the membership's `AUSR-` id. */
export const LEGACY_ACCOUNT_USER_FIELDS: FieldMap = {
  id: text('au.id'),
  ...shared,
  lastLoginAt: instant('au.last_login_at'),
  'audit.invitationAcceptedAt': instant('au.invitation_accepted_at'),
}

/** The scoped families: the person in the account's context, keyed by the `USR-` id. */
export const ACCOUNT_CONTEXT_USER_FIELDS: FieldMap = {
  id: text('u.id'),
  ...shared,
  name: fullName(),
  email: memberEmail,
  firstName,
  lastName,
  status: {
    type: 'string',
    sql: (ctx) =>
      sql`(CASE WHEN u.status = 'Blocked' THEN 'Blocked' ELSE ${effectiveInvitationStatusSql(ctx)} END)`,
  },
  lastLoginAt: instant('u.last_login_at'),
  'phone.prefix': seen('au.invitee_phone_prefix', 'u.phone_prefix'),
  'phone.number': seen('au.invitee_phone_number', 'u.phone_number'),
  'audit.login.at': instant('u.last_login_at'),
}
