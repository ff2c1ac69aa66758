import {expect} from 'chai'

import type {ForeignKeyInfo, SchemaInfo, TableInfo} from '../../src/lib/db/introspect.js'
import {costlyReferences, hasLeadingIndex, unindexedReferences} from '../../src/lib/erase/unindexed.js'

function table(
  key: string,
  options: {indexes?: string[][]; foreignKeys?: Array<Pick<ForeignKeyInfo, 'columns' | 'references'>>; kind?: TableInfo['kind']; rows?: number} = {},
): TableInfo {
  const [schema, name] = key.split('.') as [string, string]
  return {
    key,
    schema,
    name,
    kind: options.kind ?? 'table',
    columns: [],
    primaryKey: ['id'],
    uniqueConstraints: [],
    uniqueIndexes: [],
    indexes: options.indexes ?? [['id']],
    foreignKeys: (options.foreignKeys ?? []).map((fk, i) => ({
      name: `${name}_fk${i}`,
      referencedColumns: ['id'],
      onDelete: 'no action',
      isDeferrable: false,
      ...fk,
    })),
    rowEstimate: options.rows ?? 1000,
    partitions: [],
    inheritsFrom: null,
    inheritedBy: [],
    isReadable: true,
    canUpdate: true,
    canDelete: true,
    rowSecurity: {enabled: false, forced: false, bypassed: true},
  }
}

const schemaOf = (...tables: TableInfo[]): SchemaInfo => ({tables: new Map(tables.map(t => [t.key, t]))})

describe('foreign keys without an index', () => {
  it('counts an index only when the key columns lead it, in any order', () => {
    const t = table('public.t', {
      indexes: [
        ['b', 'a', 'c'],
        ['x', 'y'],
      ],
    })
    expect(hasLeadingIndex(t, ['a', 'b'])).to.equal(true)
    expect(hasLeadingIndex(t, ['a'])).to.equal(false)
    expect(hasLeadingIndex(t, ['y'])).to.equal(false)
    expect(hasLeadingIndex(t, ['x'])).to.equal(true)
  })

  it('lists keys into tables with deleted rows, costliest first, with the index to create', () => {
    const schema = schemaOf(
      table('public.users'),
      table('public.orders', {
        rows: 50_000,
        foreignKeys: [
          {columns: ['user_id'], references: 'public.users'},
          {columns: ['address_id'], references: 'public.addresses'},
        ],
      }),
      table('public.events', {kind: 'partitioned', rows: 2_000_000, foreignKeys: [{columns: ['user_id'], references: 'public.users'}]}),
      table('public.notes', {indexes: [['user_id', 'id']], foreignKeys: [{columns: ['user_id'], references: 'public.users'}]}),
    )
    const found = unindexedReferences(
      schema,
      new Map([
        ['public.users', 10],
        ['public.addresses', 0],
      ]),
    )
    expect(found.map(f => `${f.table}.${f.columns}`)).to.deep.equal(['public.events.user_id', 'public.orders.user_id'])
    expect(found[0]!.createIndex).to.equal('CREATE INDEX ON "public"."events" ("user_id")')
    expect(found[1]!.createIndex).to.equal('CREATE INDEX CONCURRENTLY ON "public"."orders" ("user_id")')
    expect(costlyReferences(found).map(f => f.table)).to.deep.equal(['public.events'])
  })
})
