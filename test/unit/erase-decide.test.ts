import {expect} from 'chai'

import type {DataMap} from '../../src/lib/datamap/schema.js'
import type {ForeignKeyInfo, SchemaInfo, TableInfo} from '../../src/lib/db/introspect.js'
import {DeletionEdge, chooseTables, deletionOrder, missingPrivileges, refuseHiddenRows, settleReference} from '../../src/lib/erase/decide.js'
import {PrivacyError} from '../../src/lib/errors.js'
import type {PlannedTable, SubjectPlan} from '../../src/lib/subject/graph.js'

function table(key: string, options: Partial<TableInfo> & {nullable?: string[]} = {}): TableInfo {
  const [schema, name] = key.split('.') as [string, string]
  const columns = ['id', 'user_id', 'parent_id', 'other_id', ...(options.nullable ?? [])]
  return {
    key,
    schema,
    name,
    kind: 'table',
    primaryKey: ['id'],
    uniqueConstraints: [],
    uniqueIndexes: [],
    indexes: [['id']],
    foreignKeys: [],
    rowEstimate: 0,
    partitions: [],
    inheritsFrom: null,
    inheritedBy: [],
    isReadable: true,
    canUpdate: true,
    canDelete: true,
    rowSecurity: {enabled: false, forced: false, bypassed: true},
    columns: [...new Set(columns)].map((c, i) => ({
      name: c,
      type: 'bigint',
      baseType: 'int8',
      isArray: false,
      isNullable: (options.nullable ?? []).includes(c),
      default: null,
      maxLength: null,
      position: i + 1,
      generated: null,
    })),
    ...options,
  }
}

const fk = (name: string, columns: string[], references: string, extra: Partial<ForeignKeyInfo> = {}): ForeignKeyInfo => ({
  name,
  columns,
  references,
  referencedColumns: ['id'],
  onDelete: 'no action',
  isDeferrable: false,
  ...extra,
})

const planned = (t: TableInfo, level: number, spec: PlannedTable['spec'] = {}): PlannedTable => ({key: t.key, table: t, spec, level, edges: []})

const map: DataMap = {version: 1, subject: {table: 'public.users', key: 'id', lookup: ['id']}, tables: {}}

function refusal(run: () => unknown): PrivacyError {
  try {
    run()
  } catch (error) {
    expect(error).to.be.instanceOf(PrivacyError)
    return error as PrivacyError
  }
  throw new Error('expected a refusal')
}

describe('erasure decisions (no database)', () => {
  const users = table('public.users')
  const orders = table('public.orders', {nullable: ['user_id']})
  const root = planned(users, 0)

  it('skips Heroku Connect tables unless asked, and keeps to the replayed tables', () => {
    const contact = planned(table('salesforce.contact'), 1, {connect: true})
    const plan: SubjectPlan = {
      roots: [{kind: {name: 'user', table: 'public.users', key: 'id', lookup: ['id']}, table: root}],
      tables: [root, planned(orders, 1, {erase: 'anonymize'}), contact],
      unreachable: [],
      referenced: new Map(),
    }
    const chosen = chooseTables(plan, {includeConnect: false})
    expect(chosen.erased.map(e => `${e.table.key}:${e.action}`)).to.deep.equal(['public.users:delete', 'public.orders:anonymize'])
    expect(chosen.skipped.map(s => s.table)).to.deep.equal(['salesforce.contact'])
    expect(chooseTables(plan, {includeConnect: true, only: new Set(['salesforce.contact'])}).erased.map(e => e.table.key)).to.deep.equal(['salesforce.contact'])
  })

  describe('a reference into deleted rows', () => {
    const facts = (overrides: Partial<Parameters<typeof settleReference>[1]>) => ({
      referencing: orders,
      fk: fk('orders_user_fk', ['user_id'], 'public.users'),
      parent: root,
      ownRows: 0,
      otherRows: 0,
      ...overrides,
    })

    it('needs nothing when no row points there', () => {
      expect(settleReference(map, facts({})).kind).to.equal('none')
    })

    it("is cleared when it points at the person's root row, even in other people's rows", () => {
      expect(settleReference(map, facts({otherRows: 3}))).to.deep.equal({kind: 'unlink', column: 'user_id'})
    })

    it("refuses to change other people's rows through a reference to a non-root row", () => {
      const addresses = planned(table('public.addresses'), 1)
      const error = refusal(() => settleReference(map, facts({parent: addresses, fk: fk('orders_address_fk', ['user_id'], 'public.addresses'), otherRows: 2})))
      expect(error.message).to.match(/would change 2 row\(s\) of other people in public\.orders/)
      expect(error.exitCode).to.equal(4)
    })

    it('lets ON DELETE CASCADE take the own rows, and refuses it for anyone else', () => {
      const cascade = fk('orders_user_fk', ['user_id'], 'public.users', {onDelete: 'cascade'})
      expect(settleReference(map, facts({fk: cascade, ownRows: 2})).kind).to.equal('cascade')
      const addresses = planned(table('public.addresses'), 1)
      expect(refusal(() => settleReference(map, facts({fk: {...cascade, references: 'public.addresses'}, parent: addresses, otherRows: 1}))).message).to.match(
        /would (delete|cascade to) 1 row\(s\) of other people/,
      )
    })

    it('unlinks the rows of a table the map keeps rather than let a cascade delete them, and refuses when it cannot', () => {
      const cascade = fk('orders_user_fk', ['user_id'], 'public.users', {onDelete: 'cascade'})
      const kept = planned(orders, 1, {erase: 'anonymize'})
      expect(settleReference(map, facts({fk: cascade, own: kept, ownRows: 2}))).to.deep.equal({kind: 'unlink', column: 'user_id'})
      const strict = table('public.orders')
      const keptStrict = planned(strict, 1, {erase: 'anonymize'})
      expect(refusal(() => settleReference(map, facts({referencing: strict, fk: cascade, own: keptStrict, ownRows: 2}))).message).to.match(
        /is NOT NULL and its rows are kept/,
      )
    })

    it("settles only other people's rows when the referencing table is deleted too, and refuses a cascade into them", () => {
      const cascade = fk('orders_address_fk', ['address_id'], 'public.addresses', {onDelete: 'cascade'})
      const addresses = planned(table('public.addresses'), 1)
      const deletedOrders = planned(orders, 1)
      const child = {fk: cascade, parent: addresses, own: deletedOrders, ownRowsGo: true}
      expect(settleReference(map, facts({...child, ownRows: 5})).kind).to.equal('none')
      expect(refusal(() => settleReference(map, facts({...child, ownRows: 5, otherRows: 1}))).message).to.match(
        /would delete 1 row\(s\) of other people in public\.orders \(orders_address_fk\)/,
      )
    })

    it('leaves SET NULL to the database, and refuses a NOT NULL column whose rows stay', () => {
      expect(settleReference(map, facts({fk: fk('f', ['user_id'], 'public.users', {onDelete: 'set null'}), ownRows: 1})).kind).to.equal('reset-by-database')
      const strict = table('public.orders')
      expect(refusal(() => settleReference(map, facts({referencing: strict, ownRows: 1}))).message).to.match(/is NOT NULL and its rows are kept/)
    })

    it('refuses composite references', () => {
      expect(refusal(() => settleReference(map, facts({fk: fk('f', ['user_id', 'other_id'], 'public.users'), ownRows: 1}))).message).to.match(
        /composite foreign key/,
      )
    })
  })

  describe('the order of deletes', () => {
    const schema: SchemaInfo = {
      tables: new Map([
        ['public.a', table('public.a', {nullable: ['other_id']})],
        ['public.b', table('public.b')],
        ['public.c', table('public.c')],
      ]),
    }
    const edge = (from: string, to: string, column = 'other_id', extra: Partial<ForeignKeyInfo> = {}): DeletionEdge => ({
      from,
      to,
      fk: fk(`${from}_${to}`, [column], to, extra),
    })

    it('deletes children before parents', () => {
      expect(deletionOrder(['public.a', 'public.b', 'public.c'], [edge('public.c', 'public.b'), edge('public.b', 'public.a')], schema).order).to.deep.equal([
        'public.c',
        'public.b',
        'public.a',
      ])
    })

    it('breaks a cycle at a nullable edge first, else at a deferrable one, else refuses', () => {
      const nullable = deletionOrder(['public.a', 'public.b'], [edge('public.a', 'public.b'), edge('public.b', 'public.a')], schema)
      expect(nullable.nulled.map(e => e.from)).to.deep.equal(['public.a'])
      expect(nullable.order).to.deep.equal(['public.b', 'public.a'])
      const deferrable = deletionOrder(
        ['public.b', 'public.c'],
        [edge('public.b', 'public.c'), edge('public.c', 'public.b', 'other_id', {isDeferrable: true})],
        schema,
      )
      expect(deferrable.deferred).to.deep.equal(['public.c_public.b'])
      expect(refusal(() => deletionOrder(['public.b', 'public.c'], [edge('public.b', 'public.c'), edge('public.c', 'public.b')], schema)).message).to.match(
        /NOT NULL, non-deferrable/,
      )
    })

    it('ignores a table pointing at itself (one statement deletes the thread)', () => {
      expect(deletionOrder(['public.b'], [edge('public.b', 'public.b', 'parent_id')], schema).order).to.deep.equal(['public.b'])
    })
  })

  it('names every privilege the role lacks, and refuses rows hidden by row-level security', () => {
    const readOnly = table('public.notes', {canDelete: false, canUpdate: false})
    expect(
      missingPrivileges([
        {table: readOnly, privilege: 'DELETE'},
        {table: readOnly, privilege: 'UPDATE'},
        {table: users, privilege: 'DELETE'},
      ]),
    ).to.deep.equal(['DELETE on public.notes', 'UPDATE on public.notes'])
    expect(() => refuseHiddenRows([users])).to.not.throw()
    const hidden = table('public.notes', {rowSecurity: {enabled: true, forced: false, bypassed: false}})
    expect(refusal(() => refuseHiddenRows([users, hidden])).message).to.match(/Row-level security hides rows of public\.notes/)
  })
})
