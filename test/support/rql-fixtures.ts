/**
 * Test-only: field maps and a small dataset the RQL tests share. Lives beside the code because
 * RQL tests may only touch src/rql/; it imports nothing from test/ so the build still compiles.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type ExpressionBuilder,
} from 'kysely'
import type { Database } from '../../src/db/schema.js'
import type { CompileContext, FieldMap, ScalarField } from '../../src/rql/rql-fields.js'

const text = (column: string): ScalarField => ({ type: 'string', sql: () => sql.ref(column) })
const instant = (column: string): ScalarField => ({ type: 'date', sql: () => sql.ref(column) })
const flag = (column: string): ScalarField => ({ type: 'boolean', sql: () => sql.ref(column) })

export const ACCOUNT_FIELDS: FieldMap = {
  id: text('a.id'),
  name: text('a.name'),
  type: { ...text('a.type'), values: ['Client', 'Vendor', 'Operations'] },
  status: text('a.status'),
  externalId: text('a.external_id'),
  icon: { ...text('a.icon'), filterable: false, sortable: false },
  groupCount: {
    type: 'number',
    sql: () => sql`(select count(*) from user_groups as gc where gc.account_id = a.id)`,
  },
  'audit.created.at': instant('a.created_at'),
  'audit.updated.at': instant('a.updated_at'),
  groups: {
    collection: (eb: ExpressionBuilder<any, any>) =>
      eb.selectFrom('user_groups as g').whereRef('g.account_id', '=', 'a.id'),
    fields: { id: text('g.id'), name: text('g.name'), isDefault: flag('g.is_default') },
  },
}

export const ACCOUNT_USER_FIELDS: FieldMap = {
  id: text('au.id'),
  'user.email': text('u.email'),
  'invitation.status': {
    type: 'string',
    values: ['Invited', 'InvitationExpired', 'Active'],
    sql: (ctx: CompileContext) =>
      sql`(CASE WHEN au.status = 'Invited' AND au.invitation_expires_at <= ${ctx.now.toISOString()} THEN 'InvitationExpired' ELSE au.status END)`,
  },
  groups: {
    collection: (eb: ExpressionBuilder<any, any>) =>
      eb
        .selectFrom('account_user_groups as aug')
        .innerJoin('user_groups as ug', 'ug.id', 'aug.user_group_id')
        .whereRef('aug.account_user_id', '=', 'au.id'),
    fields: { id: text('ug.id'), name: text('ug.name'), isDefault: flag('ug.is_default') },
  },
}

/** "now" for the dataset: AUSR-2's invitation has expired, AUSR-3's has not. */
export const FIXTURE_NOW = new Date('2024-07-01T00:00:00.000Z')

const account = (id: string, name: string, type: string, status: string, createdAt: string) => ({
  id,
  name,
  type: type as 'Client',
  status: status as 'Active',
  created_at: new Date(createdAt).toISOString(),
})

export async function seedRqlData(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto('accounts')
    .values([
      {
        ...account('ACC-1', 'École Normale', 'Client', 'Active', '2024-01-01'),
        external_id: 'EXT-1',
      },
      {
        ...account('ACC-2', 'Acme Corp', 'Vendor', 'Active', '2024-02-01'),
        updated_at: new Date('2024-03-01').toISOString(),
      },
      { ...account('ACC-3', 'acme corp', 'Client', 'Disabled', '2024-03-01'), external_id: '' },
      {
        ...account('ACC-4', 'Stars*And_100%', 'Operations', 'Enabled', '2024-04-01'),
        external_id: 'EXT-4',
      },
      account('ACC-5', `O'Brien "Quote" & Co`, 'Client', 'Enabled', '2024-05-01T12:30:00.000Z'),
    ])
    .execute()
  const createdAt = new Date('2024-01-01').toISOString()
  await db
    .insertInto('user_groups')
    .values([
      {
        id: 'UGR-1',
        account_id: 'ACC-1',
        name: 'Admins',
        is_default: 1,
        all_buyers: 1,
        created_at: createdAt,
      },
      {
        id: 'UGR-2',
        account_id: 'ACC-1',
        name: 'Readers',
        is_default: 0,
        all_buyers: 1,
        created_at: createdAt,
      },
      {
        id: 'UGR-3',
        account_id: 'ACC-2',
        name: 'Admins',
        is_default: 1,
        all_buyers: 1,
        created_at: createdAt,
      },
    ])
    .execute()
  await db
    .insertInto('users')
    .values(
      [1, 2, 3].map((n) => ({
        id: `USR-${n}`,
        email: `user${n}@example.com`,
        email_key: `user${n}@example.com`,
        first_name: `First${n}`,
        last_name: `Last${n}`,
        status: 'Active' as const,
        created_at: createdAt,
      })),
    )
    .execute()
  const member = (n: number, status: 'Active' | 'Invited', expiresAt: string | null) => ({
    id: `AUSR-${n}`,
    account_id: 'ACC-1',
    user_id: `USR-${n}`,
    status,
    invitation_expires_at: expiresAt ? new Date(expiresAt).toISOString() : null,
    version: 0,
    created_at: createdAt,
  })
  await db
    .insertInto('account_users')
    .values([
      member(1, 'Active', null),
      member(2, 'Invited', '2024-06-01'),
      member(3, 'Invited', '2024-08-01'),
    ])
    .execute()
  await db
    .insertInto('account_user_groups')
    .values([
      { account_user_id: 'AUSR-1', user_group_id: 'UGR-1' },
      { account_user_id: 'AUSR-1', user_group_id: 'UGR-2' },
      { account_user_id: 'AUSR-2', user_group_id: 'UGR-2' },
    ])
    .execute()
}

/** A Kysely that only compiles (never connects), to state the SQL of both dialects anywhere. */
export function createCompileOnlyDb(dialect: 'sqlite' | 'postgres'): Kysely<Database> {
  const isPostgres = dialect === 'postgres'
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => (isPostgres ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) =>
        isPostgres ? new PostgresIntrospector(db) : new SqliteIntrospector(db),
      createQueryCompiler: () =>
        isPostgres ? new PostgresQueryCompiler() : new SqliteQueryCompiler(),
    },
  })
}
