import { sql, type Expression, type ExpressionBuilder } from 'kysely'
import {
  type CompileContext,
  type FieldMap,
  type ScalarField,
  textColumn,
  dateColumn,
} from '../rql/rql-fields.js'

const text = textColumn
const instant = dateColumn

const STATUSES = [
  'Invited',
  'InvitationExpired',
  'Active',
  'Blocked',
  'Disabled',
  'Deleted',
] as const

/**
 * `status` as the caller reads it (§5.3): Operations see the user's own status (an invited user
 * whose every invitation has expired as InvitationExpired); an account sees Blocked or Deleted as
 * such, and otherwise the user's invitation status in that account.
 */
function statusField(accountId: string | undefined): ScalarField {
  if (accountId === undefined)
    return {
      type: 'string',
      values: STATUSES,
      sql: (ctx: CompileContext) => sql<string>`(CASE WHEN u.status = 'Invited'
        AND EXISTS (SELECT 1 FROM account_users m_s WHERE m_s.user_id = u.id)
        AND NOT EXISTS (SELECT 1 FROM account_users m_s WHERE m_s.user_id = u.id
          AND NOT (m_s.status = 'InvitationExpired' OR (m_s.status = 'Invited'
            AND m_s.invitation_expires_at <= ${ctx.now.toISOString()})))
        THEN 'InvitationExpired' ELSE u.status END)`,
    }
  return {
    type: 'string',
    values: STATUSES,
    sql: (
      ctx: CompileContext,
    ) => sql<string>`(CASE WHEN u.status IN ('Blocked', 'Deleted') THEN u.status ELSE (
      SELECT CASE WHEN m_s.status = 'Invited' AND m_s.invitation_expires_at <= ${ctx.now.toISOString()}
        THEN 'InvitationExpired' ELSE m_s.status END
      FROM account_users m_s WHERE m_s.user_id = u.id AND m_s.account_id = ${accountId}) END)`,
  }
}

/**
 * A profile column as the caller sees it (issue #12; mirrors profileSeenBy in user-presenter.ts):
 * for an account, the value it typed on its own membership while the person has no password.
 */
function seenSql(accountId: string | undefined, member: string, own: string) {
  if (accountId === undefined) return sql.ref(own)
  return sql`(CASE WHEN u.password_hash IS NULL AND m_p.invitee_first_name IS NOT NULL THEN m_p.${sql.ref(member)} ELSE ${sql.ref(own)} END)`
}

/** For an account, `expr` evaluated on the caller's own membership of the user (`m_p`). */
function profileSql(accountId: string | undefined, expr: Expression<unknown>): Expression<unknown> {
  if (accountId === undefined) return expr
  return sql`(SELECT ${expr} FROM account_users m_p WHERE m_p.user_id = u.id AND m_p.account_id = ${accountId})`
}

/** The fields RQL may filter and order users by; `accounts` exists for Operations only (§2). */
export function userFields(accountId: string | undefined): FieldMap {
  const seen = (member: string, own: string): ScalarField => ({
    type: 'string',
    sql: () => profileSql(accountId, seenSql(accountId, member, own)),
  })
  return {
    id: text('u.id'),
    name: {
      type: 'string',
      sql: () =>
        profileSql(
          accountId,
          sql`(${seenSql(accountId, 'invitee_first_name', 'u.first_name')} || ' ' || ${seenSql(accountId, 'invitee_last_name', 'u.last_name')})`,
        ),
    },
    email: text('u.email'),
    firstName: seen('invitee_first_name', 'u.first_name'),
    lastName: seen('invitee_last_name', 'u.last_name'),
    icon: text('u.icon'),
    status: statusField(accountId),
    lastLoginAt: instant('u.last_login_at'),
    'phone.prefix': seen('invitee_phone_prefix', 'u.phone_prefix'),
    'phone.number': seen('invitee_phone_number', 'u.phone_number'),
    'audit.created.at': instant('u.created_at'),
    'audit.updated.at': instant('u.updated_at'),
    'audit.invitationAcceptedAt': instant('u.invitation_accepted_at'),
    ...(accountId === undefined
      ? {
          accounts: {
            collection: (eb: ExpressionBuilder<any, any>) =>
              eb
                .selectFrom('account_users as m_f')
                .innerJoin('accounts as a_f', 'a_f.id', 'm_f.account_id')
                .whereRef('m_f.user_id', '=', 'u.id'),
            fields: { id: text('a_f.id'), name: text('a_f.name'), type: text('a_f.type') },
          },
        }
      : {}),
  }
}

const OUTPUT = [
  'id',
  'name',
  'icon',
  'phone',
  'email',
  'firstName',
  'lastName',
  'status',
  'lastLoginAt',
  'settings',
  'currentAccount',
]

/** The output keys, in order; `accounts` only for Operations. */
export function userOutput(accountId: string | undefined): string[] {
  return accountId === undefined ? [...OUTPUT, 'accounts', 'audit'] : [...OUTPUT, 'audit']
}
