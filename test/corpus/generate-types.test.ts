import {randomBytes} from 'node:crypto'

import {expect} from 'chai'
import pg from 'pg'

import {testPostgres} from '../support/global-hooks.js'
import {addConstraints, createTables} from './tools/build.js'
import {generateRows} from './tools/generate.js'
import type {CorpusLabels, CorpusSchema} from './tools/types.js'

const col = (name: string, type: string, nullable = true, extra: Record<string, string> = {}) => ({name, type, nullable, ...extra})
const fk = (columns: string[], references: string, referencedColumns = ['id']) => ({columns, references, referencedColumns, onDelete: 'no action'})

/**
 * Shapes the generator once failed on: range and other types it has no values for, free text labelled on a
 * search vector, one-to-one keys (into a table with fewer rows, into a table on a cycle, and on a cycle of
 * required references into a table with fewer rows), short text keys, and composite keys into partitioned tables,
 * some of them one-to-one.
 */
const SCHEMA: CorpusSchema = {
  app: 'awkward',
  source: {repository: 'local/awkward', commit: '0', paths: []},
  ecosystem: 'sql',
  naming: 'snake_case',
  language: 'en',
  extensions: [],
  enums: [],
  tables: [
    {
      schema: 'public',
      name: 'accounts',
      columns: [col('id', 'bigint', false), col('email', 'text', false), col('locker_id', 'bigint')],
      primaryKey: ['id'],
      uniqueIndexes: [{columns: ['locker_id'], constraint: true}],
      foreignKeys: [fk(['locker_id'], 'public.lockers')],
    },
    {
      schema: 'public',
      name: 'lockers',
      columns: [col('id', 'bigint', false), col('code', 'character(2)', false)],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [fk(['code'], 'public.countries', ['code'])],
    },
    {
      schema: 'public',
      name: 'realms',
      columns: [col('id', 'bigint', false), col('admins_id', 'bigint', false)],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [fk(['admins_id'], 'public.groups')],
    },
    {
      schema: 'public',
      name: 'groups',
      columns: [col('id', 'bigint', false), col('realm_id', 'bigint', false)],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [fk(['realm_id'], 'public.realms')],
    },
    {
      schema: 'public',
      name: 'agents',
      columns: [col('id', 'bigint', false), col('email', 'text', false), col('desk_id', 'bigint', false)],
      primaryKey: ['id'],
      uniqueIndexes: [{columns: ['desk_id'], constraint: true}],
      foreignKeys: [fk(['desk_id'], 'public.desks')],
    },
    {
      schema: 'public',
      name: 'desks',
      columns: [col('id', 'bigint', false), col('owner_id', 'bigint', false)],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [fk(['owner_id'], 'public.agents')],
    },
    {
      schema: 'public',
      name: 'activity',
      columns: [col('id', 'bigint', false), col('realm_id', 'bigint', false)],
      primaryKey: ['id'],
      uniqueIndexes: [{columns: ['realm_id'], constraint: true}],
      foreignKeys: [fk(['realm_id'], 'public.realms')],
    },
    {
      schema: 'public',
      name: 'countries',
      columns: [col('code', 'character(2)', false), col('name', 'text', false)],
      primaryKey: ['code'],
      uniqueIndexes: [],
      foreignKeys: [],
    },
    {
      schema: 'public',
      name: 'profiles',
      columns: [col('account_id', 'bigint', false), col('bio', 'text'), col('search', 'tsvector', false)],
      primaryKey: ['account_id'],
      uniqueIndexes: [],
      foreignKeys: [fk(['account_id'], 'public.accounts')],
    },
    {
      schema: 'public',
      name: 'bookings',
      columns: [
        col('id', 'integer', false),
        col('stay', 'daterange', false),
        col('window', 'tstzrange'),
        col('slots', 'int4multirange'),
        col('area', 'box', false, {default: "'(0,0),(1,1)'::box"}),
        col('query', 'tsquery'),
        col('needed', 'tsquery', false),
      ],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [],
    },
    {
      schema: 'public',
      name: 'p_pipelines',
      partitionBy: 'LIST (partition_id)',
      columns: [col('id', 'bigint', false), col('partition_id', 'bigint', false), col('iid', 'integer')],
      primaryKey: ['id', 'partition_id'],
      uniqueIndexes: [{columns: ['iid', 'partition_id'], predicate: '(iid IS NOT NULL)'}],
      foreignKeys: [],
    },
    {
      schema: 'public',
      name: 'p_stages',
      partitionBy: 'LIST (partition_id)',
      columns: [col('id', 'bigint', false), col('partition_id', 'bigint', false), col('pipeline_id', 'bigint', false)],
      primaryKey: ['id', 'partition_id'],
      uniqueIndexes: [],
      foreignKeys: [fk(['partition_id', 'pipeline_id'], 'public.p_pipelines', ['partition_id', 'id'])],
    },
    {
      schema: 'public',
      name: 'pipeline_metadata',
      columns: [col('pipeline_id', 'bigint', false), col('partition_id', 'bigint', false), col('name', 'text')],
      primaryKey: ['pipeline_id'],
      uniqueIndexes: [],
      foreignKeys: [fk(['partition_id', 'pipeline_id'], 'public.p_pipelines', ['partition_id', 'id'])],
    },
    {
      schema: 'public',
      name: 'builds',
      columns: [col('id', 'bigint', false), col('partition_id', 'bigint', false), col('pipeline_id', 'bigint', false), col('stage_id', 'bigint')],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [
        fk(['partition_id', 'pipeline_id'], 'public.p_pipelines', ['partition_id', 'id']),
        fk(['partition_id', 'stage_id'], 'public.p_stages', ['partition_id', 'id']),
      ],
    },
  ],
}

const LABELS: CorpusLabels = {
  subjects: [
    {table: 'public.accounts', key: 'id', lookup: ['email']},
    {table: 'public.agents', key: 'id', lookup: ['email']},
  ],
  personal: {'public.accounts.email': {category: 'contact'}, 'public.profiles.bio': {category: 'free_text'}, 'public.profiles.search': {category: 'free_text'}},
  reaches: {'public.profiles': [{column: 'account_id', to: 'public.accounts.id', fk: true}]},
  hardCalls: [],
}

async function withLoaded(seed: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const server = testPostgres()
  const name = `gen_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({connectionString: server.url()})
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const client = new pg.Client({connectionString: server.url(name)})
  await client.connect()
  try {
    await createTables(client, SCHEMA)
    await generateRows(client, SCHEMA, LABELS, {seed, today: new Date('2026-01-15T00:00:00Z'), rowsPerTable: 30, subjectRows: 40})
    await addConstraints(client, SCHEMA)
    await work(client)
  } finally {
    await client.end()
    await admin.query(`DROP DATABASE ${name}`)
    await admin.end()
  }
}

const count = async (client: pg.Client, sql: string) => (await client.query<{n: number}>(sql)).rows[0]!.n

describe('corpus generator on awkward types and keys', () => {
  for (const seed of ['a', 'b', 'c'])
    it(`fills ranges, unknown types, search vectors, one-to-one and short keys and composite keys into partitions, and the constraints hold (seed ${seed})`, async () => {
      await withLoaded(seed, async client => {
        expect(await count(client, 'SELECT count(*)::int AS n FROM bookings WHERE NOT isempty(stay) AND upper(stay) > lower(stay)')).to.equal(30)
        expect(
          await count(client, "SELECT count(*)::int AS n FROM bookings WHERE area ~= box '(0,0),(1,1)'"),
          'a type without values takes its default',
        ).to.equal(30)
        expect(await count(client, 'SELECT count(*)::int AS n FROM bookings WHERE "window" IS NOT NULL OR slots IS NOT NULL')).to.be.greaterThan(0)
        expect(
          await count(client, 'SELECT count(*)::int AS n FROM profiles WHERE search IS NOT NULL AND length(search) > 0'),
          'free text as a search vector',
        ).to.be.greaterThan(0)
        expect(await count(client, 'SELECT count(*)::int AS n FROM countries'), 'one row per short key').to.equal(30)
        expect(await count(client, 'SELECT count(DISTINCT locker_id)::int AS n FROM accounts'), 'one-to-one into a smaller table').to.be.greaterThan(15)
        expect(await count(client, 'SELECT count(*)::int AS n FROM activity'), 'one-to-one into a table on a cycle').to.be.greaterThan(15)
        // 40 agents want one of 30 desks, on a cycle of required references: the agents no desk points at are given up.
        expect(await count(client, 'SELECT count(*)::int AS n FROM agents'), 'agents that got a desk of their own').to.equal(30)
        expect(await count(client, 'SELECT count(*)::int AS n FROM desks')).to.equal(30)
        expect(await count(client, 'SELECT count(*)::int AS n FROM pipeline_metadata'), 'one-to-one into a partitioned table').to.be.greaterThan(15)
        expect(
          await count(client, 'SELECT count(*)::int AS n FROM builds WHERE stage_id IS NOT NULL'),
          'two references sharing the partition',
        ).to.be.greaterThan(0)
      })
    })
})
