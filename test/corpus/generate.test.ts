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
 * The shapes real schemas have: a foreign-key cycle, a self-reference, a lower(email) index, a composite unique key,
 * composite foreign keys sharing a tenant column, a partitioned table, an enum, a generated column, a reference
 * without a foreign key.
 */
const SCHEMA: CorpusSchema = {
  app: 'shapes',
  source: {repository: 'local/shapes', commit: '0', paths: []},
  ecosystem: 'sql',
  naming: 'camelCase',
  language: 'pt',
  extensions: ['citext'],
  enums: [{schema: 'public', name: 'Role', values: ['ADMIN', 'MEMBER']}],
  tables: [
    {
      schema: 'public',
      name: 'orgs',
      columns: [col('id', 'bigint', false), col('name', 'text', false), col('ownerId', 'bigint')],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [fk(['ownerId'], 'public.User')],
    },
    {
      schema: 'public',
      name: 'User',
      columns: [
        col('id', 'bigint', false, {default: 'nextval(\'"User_id_seq"\'::regclass)'}),
        col('email', 'citext', false),
        col('fullName', 'character varying(40)'),
        col('role', '"Role"', false),
        col('orgId', 'bigint'),
        col('invitedById', 'bigint'),
        col('nameLower', 'text', true, {generated: 'lower((\"fullName\")::text)'}),
      ],
      primaryKey: ['id'],
      uniqueIndexes: [{columns: [null], expressions: ['lower((email)::text)']}],
      foreignKeys: [fk(['orgId'], 'public.orgs'), fk(['invitedById'], 'public.User')],
    },
    {
      schema: 'public',
      name: 'Membership',
      columns: [col('userId', 'bigint', false), col('orgId', 'bigint', false), col('role', '"Role"', false)],
      primaryKey: [],
      uniqueIndexes: [{columns: ['userId', 'orgId'], constraint: true}],
      foreignKeys: [fk(['userId'], 'public.User'), fk(['orgId'], 'public.orgs')],
    },
    {
      schema: 'public',
      name: 'projects',
      columns: [col('id', 'integer', false), col('orgId', 'bigint', false)],
      primaryKey: ['id'],
      uniqueIndexes: [{columns: ['id', 'orgId'], constraint: true}],
      foreignKeys: [fk(['orgId'], 'public.orgs')],
    },
    {
      schema: 'public',
      name: 'tasks',
      columns: [col('id', 'integer', false), col('orgId', 'bigint', false), col('projectId', 'integer', false), col('reviewProjectId', 'integer')],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [
        fk(['projectId', 'orgId'], 'public.projects', ['id', 'orgId']),
        fk(['reviewProjectId', 'orgId'], 'public.projects', ['id', 'orgId']),
        fk(['orgId'], 'public.orgs'),
      ],
    },
    {
      schema: 'public',
      name: 'events',
      partitionBy: 'RANGE ("createdAt")',
      columns: [
        col('id', 'uuid', false),
        col('createdAt', 'timestamp(3) without time zone', false),
        col('actorEmail', 'text'),
        col('ip', 'inet'),
        col('tags', 'text[]'),
      ],
      primaryKey: ['id', 'createdAt'],
      uniqueIndexes: [],
      foreignKeys: [],
    },
  ],
}

const LABELS: CorpusLabels = {
  subjects: [{table: 'public.User', key: 'id', lookup: ['email']}],
  personal: {
    'public.User.email': {category: 'contact'},
    'public.User.fullName': {category: 'identity', values: 'full_name'},
    'public.events.actorEmail': {category: 'contact'},
    'public.events.ip': {category: 'online_id'},
  },
  values: {'public.orgs.name': 'org_name', 'public.events.tags': 'tag'},
  reaches: {'public.events': [{column: 'actorEmail', to: 'public.User.email', fk: false}]},
  hardCalls: [],
}

async function loadInto(seed: string): Promise<{client: pg.Client; drop: () => Promise<void>}> {
  const server = testPostgres()
  const name = `gen_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({connectionString: server.url()})
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const client = new pg.Client({connectionString: server.url(name)})
  await client.connect()
  await createTables(client, SCHEMA)
  await generateRows(client, SCHEMA, LABELS, {seed, today: new Date('2026-01-15T00:00:00Z'), rowsPerTable: 30, subjectRows: 40})
  await addConstraints(client, SCHEMA)
  return {
    client,
    drop: async () => {
      await client.end()
      await admin.query(`DROP DATABASE ${name}`)
      await admin.end()
    },
  }
}

const dump = async (client: pg.Client) => {
  const out: Record<string, unknown[]> = {}
  for (const table of ['orgs', 'User', 'Membership', 'events']) out[table] = (await client.query(`SELECT * FROM "${table}" ORDER BY 1, 2`)).rows
  return JSON.stringify(out)
}

describe('corpus generator', () => {
  for (const seed of ['a', 'b', 'c'])
    it(`fills a schema with cycles, self-references, expression and composite unique keys, overlapping composite foreign keys, partitions, enums and generated columns, and then holds its constraints (seed ${seed})`, async () => {
      const {client, drop} = await loadInto(seed)
      try {
        const counts = (
          await client.query<{t: string; n: number}>(
            `SELECT 'User' AS t, count(*)::int AS n FROM "User" UNION ALL SELECT 'orgs', count(*)::int FROM orgs UNION ALL SELECT 'Membership', count(*)::int FROM "Membership" UNION ALL SELECT 'events', count(*)::int FROM events`,
          )
        ).rows
        expect(Object.fromEntries(counts.map(r => [r.t, r.n]))).to.deep.equal({User: 40, orgs: 30, Membership: 30, events: 30})
        const constraints = await client.query<{n: number}>(
          `SELECT count(*)::int AS n FROM pg_constraint WHERE contype IN ('f', 'u') AND connamespace = 'public'::regnamespace AND conparentid = 0`,
        )
        expect(constraints.rows[0]!.n).to.equal(11)
        const tasks = await client.query<{n: number}>(`SELECT count(*)::int AS n FROM tasks WHERE "reviewProjectId" IS NOT NULL`)
        expect(tasks.rows[0]!.n, 'tasks reviewing a project of their own organisation').to.be.greaterThan(0)
        const orphans = await client.query(`SELECT "actorEmail" FROM events WHERE "actorEmail" IS NOT NULL AND "actorEmail" NOT IN (SELECT email FROM "User")`)
        expect(orphans.rows).to.deep.equal([])
        const filledByReference = await client.query<{n: number}>(`SELECT count(*)::int AS n FROM events WHERE "actorEmail" IS NOT NULL`)
        expect(filledByReference.rows[0]!.n).to.be.greaterThan(10)
        const selfReferences = await client.query<{n: number}>(`SELECT count(*)::int AS n FROM "User" WHERE "invitedById" IS NOT NULL`)
        expect(selfReferences.rows[0]!.n).to.be.greaterThan(0)
        const names = await client.query<{fullName: string | null; nameLower: string | null}>(
          `SELECT "fullName", "nameLower" FROM "User" WHERE "fullName" IS NOT NULL LIMIT 5`,
        )
        for (const row of names.rows) expect(row.nameLower).to.equal(row.fullName!.toLowerCase())
      } finally {
        await drop()
      }
    })

  it('gives the same rows for the same seed and other rows for another', async () => {
    const first = await loadInto('same')
    const second = await loadInto('same')
    const third = await loadInto('other')
    try {
      const [a, b, c] = [await dump(first.client), await dump(second.client), await dump(third.client)]
      expect(a).to.equal(b)
      expect(a).not.to.equal(c)
    } finally {
      await Promise.all([first.drop(), second.drop(), third.drop()])
    }
  })
})

/** Types the main schema lacks, and a unique reference inside a cycle whose target has fewer rows than the table. */
const ODD: CorpusSchema = {
  app: 'odd',
  source: {repository: 'local/odd', commit: '0', paths: []},
  ecosystem: 'sql',
  naming: 'snake_case',
  language: 'en',
  extensions: [],
  enums: [],
  tables: [
    {
      schema: 'public',
      name: 'realm',
      columns: [col('id', 'numeric(1,0)', false), col('first_sequence_id', 'bigint', false)],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [fk(['first_sequence_id'], 'public.sequence')],
    },
    {
      schema: 'public',
      name: 'sequence',
      columns: [col('id', 'bigint', false), col('realm_id', 'numeric(1,0)', false)],
      primaryKey: ['id'],
      uniqueIndexes: [{columns: ['realm_id']}],
      foreignKeys: [fk(['realm_id'], 'public.realm')],
    },
    {
      schema: 'public',
      name: 'message',
      columns: [col('id', 'bigint', false), col('body', 'text', false), col('search', 'tsvector', false), col('during', 'daterange')],
      primaryKey: ['id'],
      uniqueIndexes: [],
      foreignKeys: [],
    },
  ],
}
const ODD_LABELS: CorpusLabels = {
  subjects: [{table: 'public.realm', key: 'id', lookup: ['id']}],
  personal: {'public.message.body': {category: 'free_text', values: 'message_body'}, 'public.message.search': {category: 'free_text'}},
  reaches: {'public.message': []},
  hardCalls: [],
}

describe('corpus generator on odd shapes', () => {
  for (const seed of ['a', 'b', 'c', 'd'])
    it(`fills tsvector and range columns with free text, and keeps a unique reference in a cycle unique when its target has fewer rows (seed ${seed})`, async () => {
      const server = testPostgres()
      const name = `gen_${randomBytes(4).toString('hex')}`
      const admin = new pg.Client({connectionString: server.url()})
      await admin.connect()
      await admin.query(`CREATE DATABASE ${name}`)
      const client = new pg.Client({connectionString: server.url(name)})
      await client.connect()
      try {
        await createTables(client, ODD)
        await generateRows(client, ODD, ODD_LABELS, {seed, today: new Date('2026-01-15T00:00:00Z'), rowsPerTable: 30, subjectRows: 30})
        await addConstraints(client, ODD)
        const realms = await client.query<{n: number}>('SELECT count(*)::int AS n FROM realm')
        const sequences = await client.query<{n: number}>('SELECT count(*)::int AS n FROM sequence')
        expect(sequences.rows[0]!.n).to.be.within(1, realms.rows[0]!.n)
        const messages = await client.query<{n: number}>(`SELECT count(*)::int AS n FROM message WHERE length(search) > 0`)
        expect(messages.rows[0]!.n).to.equal(30)
      } finally {
        await client.end()
        await admin.query(`DROP DATABASE ${name}`)
        await admin.end()
      }
    })
})
