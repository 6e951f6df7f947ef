import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { applyFilter, applyOrder } from './rql-compiler.js'
import type { FieldMap } from './rql-fields.js'
import { parseListQuery } from './rql-parser.js'
import { LEGACY_ACCOUNT_USER_FIELDS } from '../account-users/account-user-fields.js'
import {
  ACCOUNT_FIELDS,
  ACCOUNT_USER_FIELDS,
  createCompileOnlyDb,
  FIXTURE_NOW,
} from '../../test/support/rql-fixtures.js'

type Dialect = 'sqlite' | 'postgres'

function compileAccounts(dialect: Dialect, raw: string) {
  return compile(dialect, raw, ACCOUNT_FIELDS, 'accounts as a', 'a.id')
}

function compile(
  dialect: Dialect,
  raw: string,
  fields: FieldMap,
  table: 'accounts as a' | 'account_users as au',
  id: string,
) {
  const db: Kysely<any> = createCompileOnlyDb(dialect)
  const ctx = { dialect, now: FIXTURE_NOW }
  const query = parseListQuery(raw)
  const base = db.selectFrom(table).select(id)
  const { sql, parameters } = applyOrder(
    applyFilter(base, query.filter, fields, ctx),
    query.order,
    fields,
    ctx,
    id,
  ).compile()
  return { sql: sql.replace(/^select "\w+"\."id" from "\w+" as "\w+" /, ''), parameters }
}

/** Each case: the query, then the SQL after `select … from …` and the parameters per dialect. */
const cases: Array<{ raw: string; sqlite: [string, unknown[]]; postgres: [string, unknown[]] }> = [
  {
    raw: "and(eq(id,'ACC-1'),ilike(name,'*Co_rp*'))&order=-audit.created.at",
    sqlite: [
      `where ("a"."id" = ? and unicode_lower("a"."name") like unicode_lower(?) escape '\\') order by "a"."created_at" desc nulls last, "a"."id" asc`,
      ['ACC-1', '%Co\\_rp%'],
    ],
    postgres: [
      `where ("a"."id" = $1 and "a"."name" ilike $2 escape '\\') order by "a"."created_at" desc nulls last, "a"."id" asc`,
      ['ACC-1', '%Co\\_rp%'],
    ],
  },
  {
    raw: 'like(name,a*[?%25)&order=name',
    sqlite: [
      `where "a"."name" glob ? order by "a"."name" asc nulls first, "a"."id" asc`,
      ['a*[[][?]%'],
    ],
    postgres: [
      `where "a"."name" like $1 escape '\\' order by "a"."name" asc nulls first, "a"."id" asc`,
      ['a%[?\\%'],
    ],
  },
  {
    raw: 'not(like(name,x\\*))',
    sqlite: [`where ("a"."name" not glob ? or "a"."name" is null) order by "a"."id" asc`, ['x[*]']],
    postgres: [
      `where ("a"."name" not like $1 escape '\\' or "a"."name" is null) order by "a"."id" asc`,
      ['x*'],
    ],
  },
  {
    raw: 'ne(externalId,EXT-1)&eq(audit.updated.at,null())',
    sqlite: [
      `where (("a"."external_id" <> ? or "a"."external_id" is null) and "a"."updated_at" is null) order by "a"."id" asc`,
      ['EXT-1'],
    ],
    postgres: [
      `where (("a"."external_id" <> $1 or "a"."external_id" is null) and "a"."updated_at" is null) order by "a"."id" asc`,
      ['EXT-1'],
    ],
  },
  {
    raw: "out(type,('Client','Vendor'))&gt(audit.created.at,'2024-01-01T00:00:00+01:00')",
    sqlite: [
      `where (("a"."type" not in (?, ?) or "a"."type" is null) and "a"."created_at" > ?) order by "a"."id" asc`,
      ['Client', 'Vendor', '2023-12-31T23:00:00.000Z'],
    ],
    postgres: [
      `where (("a"."type" not in ($1, $2) or "a"."type" is null) and "a"."created_at" > $3) order by "a"."id" asc`,
      ['Client', 'Vendor', '2023-12-31T23:00:00.000Z'],
    ],
  },
  {
    raw: 'all(groups,eq(isDefault,true))&gt(groupCount,1.5)',
    sqlite: [
      `where (not exists (select 1 as "matched" from "user_groups" as "g" where "g"."account_id" = "a"."id" and ("g"."is_default" <> ? or "g"."is_default" is null)) and (select count(*) from user_groups as gc where gc.account_id = a.id) > ?) order by "a"."id" asc`,
      [1, 1.5],
    ],
    postgres: [
      `where (not exists (select 1 as "matched" from "user_groups" as "g" where "g"."account_id" = "a"."id" and ("g"."is_default" <> $1 or "g"."is_default" is null)) and (select count(*) from user_groups as gc where gc.account_id = a.id) > cast($2 as numeric)) order by "a"."id" asc`,
      [1, 1.5],
    ],
  },
  {
    raw: 'eq(groups.id,UGR-1)',
    sqlite: [
      `where exists (select 1 as "matched" from "user_groups" as "g" where "g"."account_id" = "a"."id" and "g"."id" = ?) order by "a"."id" asc`,
      ['UGR-1'],
    ],
    postgres: [
      `where exists (select 1 as "matched" from "user_groups" as "g" where "g"."account_id" = "a"."id" and "g"."id" = $1) order by "a"."id" asc`,
      ['UGR-1'],
    ],
  },
]

describe.each(['sqlite', 'postgres'] as const)('compiled SQL on %s', (dialect) => {
  it.each(cases)('$raw', ({ raw, ...expected }) => {
    const [sql, parameters] = expected[dialect]
    expect(compileAccounts(dialect, raw)).toEqual({ sql, parameters })
  })

  it('binds "now" of a time-derived field as a parameter', () => {
    const { sql, parameters } = compile(
      dialect,
      'eq(invitation.status,Invited)',
      ACCOUNT_USER_FIELDS,
      'account_users as au',
      'au.id',
    )
    const [now, status] = dialect === 'sqlite' ? ['?', '?'] : ['$1', '$2']
    expect(sql).toBe(
      `where (CASE WHEN au.status = 'Invited' AND au.invitation_expires_at <= ${now} THEN 'InvitationExpired' ELSE au.status END) = ${status} order by "au"."id" asc`,
    )
    expect(parameters).toEqual([FIXTURE_NOW.toISOString(), 'Invited'])
  })

  it("compiles eq/ne/in/out through a field's own compare (invitation.status: stored, indexed columns)", () => {
    const [p1, p2] = dialect === 'sqlite' ? ['?', '?'] : ['$1', '$2']
    const at = (raw: string) =>
      compile(dialect, raw, LEGACY_ACCOUNT_USER_FIELDS, 'account_users as au', 'au.id')
    expect(at('eq(invitation.status,Invited)')).toEqual({
      sql: `where (au.status = 'Invited' AND au.invitation_expires_at > ${p1}) order by "au"."id" asc`,
      parameters: [FIXTURE_NOW.toISOString()],
    })
    expect(at('ne(invitation.status,Active)')).toEqual({
      sql: `where (NOT (au.status = ${p1})) order by "au"."id" asc`,
      parameters: ['Active'],
    })
    expect(at('out(invitation.status,(InvitationExpired,Active))')).toEqual({
      sql:
        `where (NOT ((au.status = 'InvitationExpired' OR (au.status = 'Invited' AND au.invitation_expires_at <= ${p1})) OR (au.status = ${p2}))) ` +
        `order by "au"."id" asc`,
      parameters: [FIXTURE_NOW.toISOString(), 'Active'],
    })
    // InvitationExpired and several statuses: the CASE comparison (see account-user-fields.ts)
    expect(at('eq(invitation.status,InvitationExpired)').sql).toContain('CASE WHEN')
    expect(at('in(invitation.status,(Invited,Active))').sql).toContain('CASE WHEN')
    // null() in the list: the generic comparison of the CASE expression
    expect(at('in(invitation.status,(Active,null()))').sql).toContain('CASE WHEN')
  })

  it("matches ilike against a field's stored lowercase (user.email → account_users.user_email_key), case-sensitively", () => {
    const at = (raw: string) =>
      compile(dialect, raw, LEGACY_ACCOUNT_USER_FIELDS, 'account_users as au', 'au.id')
    const p1 = dialect === 'sqlite' ? '?' : '$1'
    const match = dialect === 'sqlite' ? 'glob' : 'like'
    const escape = dialect === 'sqlite' ? '' : " escape '\\'"
    expect(at('ilike(user.email,*@EXÄMPLE.com)')).toEqual({
      sql: `where "au"."user_email_key" ${match} ${p1}${escape} order by "au"."id" asc`,
      parameters: [dialect === 'sqlite' ? '*@exämple.com' : '%@exämple.com'],
    })
    expect(at('not(ilike(user.email,A\\*_?*))')).toEqual({
      sql: `where ("au"."user_email_key" not ${match} ${p1}${escape} or "au"."user_email_key" is null) order by "au"."id" asc`,
      parameters: [dialect === 'sqlite' ? 'a[*]_[?]*' : 'a*\\_?%'],
    })
    // like stays case-sensitive on the email itself
    expect(at('like(user.email,A*)').sql).toContain('"u"."email" ')
  })

  it('never puts a value into the SQL text', () => {
    const hostile = "'); drop table accounts; --"
    const raw = `or(eq(name,"${hostile}"),ilike(name,"*${hostile}*"),in(id,("${hostile}")))`
    const { sql, parameters } = compileAccounts(dialect, encodeURI(raw))
    expect(sql).not.toContain('drop table')
    expect(parameters).toContain(hostile)
  })
})
