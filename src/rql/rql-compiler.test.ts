import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, testDialect } from '../../test/support/database.js'
import type { Db } from '../db/connect.js'
import { AppError } from '../errors.js'
import { applyFilter, applyOrder } from './rql-compiler.js'
import { parseListQuery } from './rql-parser.js'
import {
  ACCOUNT_FIELDS,
  ACCOUNT_USER_FIELDS,
  FIXTURE_NOW,
  seedRqlData,
} from '../../test/support/rql-fixtures.js'

let db: Db
beforeAll(async () => {
  db = await createTestDb()
  await seedRqlData(db.db)
})
afterAll(async () => db.close())

const ctx = () => ({ dialect: db.dialect, now: FIXTURE_NOW })

async function accountIds(raw: string): Promise<string[]> {
  const query = parseListQuery(raw)
  const base = applyFilter(
    db.db.selectFrom('accounts as a').select('a.id'),
    query.filter,
    ACCOUNT_FIELDS,
    ctx(),
  )
  const rows = await applyOrder(base, query.order, ACCOUNT_FIELDS, ctx(), 'a.id').execute()
  return rows.map((row) => row.id.replace('ACC-', ''))
}

async function accountUserIds(raw: string): Promise<string[]> {
  const query = parseListQuery(raw)
  const base = db.db
    .selectFrom('account_users as au')
    .innerJoin('users as u', 'u.id', 'au.user_id')
    .select('au.id')
  const filtered = applyFilter(base, query.filter, ACCOUNT_USER_FIELDS, ctx())
  const rows = await applyOrder(
    filtered,
    query.order,
    ACCOUNT_USER_FIELDS,
    ctx(),
    'au.id',
  ).execute()
  return rows.map((row) => row.id)
}

async function failure(run: () => Promise<unknown>): Promise<AppError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (error instanceof AppError) return error
  throw new Error(`expected an AppError, got ${String(error)}`)
}

describe('applyFilter on real queries', () => {
  it.each([
    ['eq(id,ACC-1)', ['1']],
    ["eq(id,'ACC-1')", ['1']],
    ['id=ACC-1', ['1']],
    ['ne(externalId,EXT-1)', ['2', '3', '4', '5']],
    ['not(eq(externalId,EXT-1))', ['2', '3', '4', '5']],
    ['not(ne(externalId,EXT-1))', ['1']],
    ['eq(externalId,null())', ['2', '5']],
    ['ne(externalId,null())', ['1', '3', '4']],
    ['externalId=empty()', ['3']],
    ['ne(externalId,empty())', ['1', '2', '4', '5']],
    ["in(type,('Client','Vendor'))", ['1', '2', '3', '5']],
    ['out(type,(Client))', ['2', '4']],
    ['out(externalId,(EXT-1,EXT-4))', ['2', '3', '5']],
    ['in(externalId,(EXT-1,null()))', ['1', '2', '5']],
    ['out(externalId,(EXT-1,null()))', ['3', '4']],
    ['not(in(externalId,(EXT-1)))', ['2', '3', '4', '5']],
    ["gt(audit.created.at,'2024-03-01')", ['4', '5']],
    ["ge(audit.created.at,'2024-03-01T00:00:00+00:00')", ['3', '4', '5']],
    ['lt(audit.created.at,2024-02-01T01:00:00+01:00)', ['1']],
    ['le(audit.created.at,"2024-02-01T00:00:00.000Z")', ['1', '2']],
    ["eq(audit.created.at,'2024-05-01T14:30:00+02:00')", ['5']],
    ['lt(audit.updated.at,2030-01-01)', ['2']],
    ['not(lt(audit.updated.at,2030-01-01))', ['1', '3', '4', '5']],
    ['eq(groupCount,2)', ['1']],
    ['gt(groupCount,0.5)', ['1', '2']],
    ['eq(groupCount,1e0)', ['2']],
    ['and(eq(status,Active),ilike(name,*Corp*))', ['2']],
    ['status=Active&type=Vendor', ['2']],
    ['or(eq(id,ACC-1),and(eq(type,Client),ne(status,Active)))', ['1', '3', '5']],
    ["eq(name,%22O'Brien%20\\%22Quote\\%22%20%26%20Co%22)", ['5']],
  ])('%s', async (raw, expected) => {
    expect(await accountIds(raw)).toEqual(expected)
  })
})

describe('like and ilike', () => {
  it.each([
    ['ilike(name,*ÉCOLE*)', ['1']],
    ['ilike(name,%C3%89COLE*)', ['1']],
    ['ilike(name,école normale)', ['1']],
    ['ilike(name,acme corp)', ['2', '3']],
    ['ilike(name,*corp)', ['2', '3']],
    ['not(ilike(name,*corp))', ['1', '4', '5']],
    ['like(name,Acme*)', ['2']],
    ['like(name,acme*)', ['3']],
    ['like(name,*corp)', ['3']],
    ['like(name,école*)', []],
    ['like(name,École*)', ['1']],
    ['like(name,Acme)', []],
    ['like(name,Stars\\*And_100%25)', ['4']],
    ['ilike(name,stars\\*and_100%25)', ['4']],
    ['like(name,S_ars*)', []],
    ['ilike(name,*1_0*)', []],
    ['ilike(name,*0%25)', ['4']],
    ['like(name,*\\**)', ['4']],
    ['like(name,*[*)', []],
    ['like(name,St?rs*)', []],
    ['ne(name,Stars*)', ['1', '2', '3', '4', '5']],
    ['like(name,*)', ['1', '2', '3', '4', '5']],
    ['like(name,empty())', []],
  ])('%s', async (raw, expected) => {
    expect(await accountIds(raw)).toEqual(expected)
  })
})

describe('collections', () => {
  it.each([
    ['any(groups,id=UGR-2)', ['1']],
    ['eq(groups.id,UGR-3)', ['2']],
    ['any(groups,eq(isDefault,true))', ['1', '2']],
    ['all(groups,eq(isDefault,true))', ['2', '3', '4', '5']],
    ['not(all(groups,eq(isDefault,true)))', ['1']],
    ['not(any(groups,name=Admins))', ['3', '4', '5']],
    ['all(groups,name=Admins)', ['2', '3', '4', '5']],
    ['any(groups,and(name=Readers,isDefault=false))', ['1']],
    ['ilike(groups.name,read*)', ['1']],
    // A path into a collection means any(): "has a group other than UGR-1".
    ['ne(groups.id,UGR-1)', ['1', '2']],
  ])('%s', async (raw, expected) => {
    expect(await accountIds(raw)).toEqual(expected)
  })

  it.each([
    ['eq(invitation.status,InvitationExpired)', ['AUSR-2']],
    ['eq(invitation.status,Invited)', ['AUSR-3']],
    ['ne(invitation.status,Active)', ['AUSR-2', 'AUSR-3']],
    ['any(groups,name=Readers)', ['AUSR-1', 'AUSR-2']],
    ['all(groups,isDefault=false)', ['AUSR-2', 'AUSR-3']],
    ['eq(user.email,user1@example.com)', ['AUSR-1']],
    ['order=-invitation.status', ['AUSR-3', 'AUSR-2', 'AUSR-1']],
  ])('account users: %s', async (raw, expected) => {
    expect(await accountUserIds(raw)).toEqual(expected)
  })
})

describe('applyOrder', () => {
  it.each([
    ['order=-audit.created.at', ['5', '4', '3', '2', '1']],
    ['order=name', ['2', '5', '4', '3', '1']],
    ['order=-audit.updated.at', ['2', '1', '3', '4', '5']],
    ['order=audit.updated.at', ['1', '3', '4', '5', '2']],
    ['order=type,-id', ['5', '3', '1', '4', '2']],
    ['order=+groupCount', ['3', '4', '5', '2', '1']],
    ['', ['1', '2', '3', '4', '5']],
  ])('%s', async (raw, expected) => {
    expect(await accountIds(raw)).toEqual(expected)
  })
})

describe('on the test database', () => {
  it('compiles for the connected dialect', () => {
    expect(db.dialect).toBe(testDialect)
    const query = parseListQuery("ilike(name,'*ÉCOLE*')")
    const base = db.db.selectFrom('accounts as a').select('a.id')
    const compiled = applyFilter(base, query.filter, ACCOUNT_FIELDS, ctx()).compile()
    expect(compiled.sql).toBe(
      db.dialect === 'sqlite'
        ? `select "a"."id" from "accounts" as "a" where unicode_lower("a"."name") like unicode_lower(?) escape '\\'`
        : `select "a"."id" from "accounts" as "a" where "a"."name" ilike $1 escape '\\'`,
    )
    expect(compiled.parameters).toEqual(['%ÉCOLE%'])
  })

  it('runs the largest filter the parser accepts', async () => {
    const conditions = Array.from({ length: 200 }, (_, i) => `ne(name,x${i})`)
    expect(await accountIds(conditions.join('&'))).toEqual(['1', '2', '3', '4', '5'])
    const values = Array.from({ length: 1000 }, (_, i) => `ACC-${i}`).join(',')
    expect(await accountIds(`in(id,(${values}))`)).toEqual(['1', '2', '3', '4', '5'])
  })

  it('leaves the query alone without a filter', () => {
    const base = db.db.selectFrom('accounts as a').select('a.id')
    expect(applyFilter(base, undefined, ACCOUNT_FIELDS, ctx())).toBe(base)
  })
})

describe('refusals', () => {
  it.each([
    ['eq(foo,1)', 'RQL_UNKNOWN_FIELD', 'foo'],
    ['foo=1', 'RQL_UNKNOWN_FIELD', 'foo'],
    ['eq(groups.foo,1)', 'RQL_UNKNOWN_FIELD', 'groups.foo'],
    ['any(groups,eq(bar,1))', 'RQL_UNKNOWN_FIELD', 'groups.bar'],
    ['order=nope', 'RQL_UNKNOWN_FIELD', 'nope'],
    ['eq(type,Reseller)', 'RQL_TYPE_MISMATCH', 'type'],
    ['in(type,(Client,Reseller))', 'RQL_TYPE_MISMATCH', 'type'],
    ['eq(groupCount,many)', 'RQL_TYPE_MISMATCH', 'groupCount'],
    ['eq(groupCount,empty())', 'RQL_TYPE_MISMATCH', 'groupCount'],
    ['eq(audit.created.at,yesterday)', 'RQL_TYPE_MISMATCH', 'audit.created.at'],
    ['eq(audit.created.at,2024-02-30)', 'RQL_TYPE_MISMATCH', 'audit.created.at'],
    ['gt(audit.created.at,0000-01-01)', 'RQL_TYPE_MISMATCH', 'audit.created.at'],
    ['eq(groups.isDefault,maybe)', 'RQL_TYPE_MISMATCH', 'groups.isDefault'],
    ['like(audit.created.at,2024*)', 'RQL_TYPE_MISMATCH', 'audit.created.at'],
    ['eq(groups,UGR-1)', 'RQL_INVALID', 'groups'],
    ['any(name,eq(a,b))', 'RQL_INVALID', 'name'],
    ['eq(icon,x)', 'RQL_INVALID', 'icon'],
    ['lt(name,null())', 'RQL_INVALID', 'name'],
    ['ilike(name,null())', 'RQL_INVALID', 'name'],
    ['order=icon', 'RQL_INVALID', 'icon'],
    ['order=groups', 'RQL_INVALID', 'groups'],
    ['order=groups.id', 'RQL_INVALID', 'groups.id'],
  ])('%s → %s naming %s', async (raw, code, field) => {
    const error = await failure(() => accountIds(raw))
    expect(error.code).toBe(code)
    expect(error.status).toBe(400)
    expect(Object.keys(error.options.errors ?? {})).toEqual([field])
  })

  it('states the unknown field like the catalogue example', async () => {
    const error = await failure(() => accountIds('eq(foo,1)'))
    expect(error.options).toEqual({
      detail: 'Unknown field "foo".',
      errors: { foo: ['Unknown field.'] },
    })
  })
})
