import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {loadDataMap} from '../../src/lib/datamap/load.js'
import {edgeColumns, edgeTarget, edgesOf} from '../../src/lib/datamap/schema.js'
import {checkMapAgainstSchema} from '../../src/lib/datamap/validate-live.js'
import {introspect} from '../../src/lib/db/introspect.js'
import {parseColumnRef, parseTableName, splitQualifiedName, tableKey} from '../../src/lib/db/sql.js'
import {writeMapFromScan} from '../../src/lib/scan/run-scan.js'
import {planSubjectGraph} from '../../src/lib/subject/graph.js'
import {useDatabase} from '../support/context.js'

const today = new Date('2026-11-24')

/** Schemas, tables and columns with spaces, dots, quotes, upper case and accents; a composite foreign key. */
const DDL = `
  CREATE SCHEMA "Sales Dept";
  CREATE TABLE public."Users" (id bigint PRIMARY KEY, "E-Mail" text NOT NULL, "FirstName" text, encrypted_password text);
  CREATE UNIQUE INDEX ON public."Users" (lower("E-Mail"));
  CREATE TABLE "Sales Dept"."Order.Items" (
    tenant int NOT NULL, id int NOT NULL, "buyer id" bigint REFERENCES public."Users"(id), "Straße" text, "Zip ""Code""" text,
    PRIMARY KEY (tenant, id));
  CREATE TABLE "Sales Dept"."Ünïcode Notes" (
    id serial PRIMARY KEY, tenant int NOT NULL, item int NOT NULL, body text,
    FOREIGN KEY (tenant, item) REFERENCES "Sales Dept"."Order.Items"(tenant, id));
  INSERT INTO public."Users" SELECT g, 'person' || g || '@example.org', 'Ana', '$2a$12$' || md5(g::text) || md5(g::text) FROM generate_series(1, 30) g;
  INSERT INTO "Sales Dept"."Order.Items" SELECT 1, g, g, 'Rua das Flores ' || g, '1000-' || lpad(g::text, 3, '0') FROM generate_series(1, 30) g;
  INSERT INTO "Sales Dept"."Ünïcode Notes" (tenant, item, body) SELECT 1, g, 'Call me on +44 20 7946 0958 about order ' || g FROM generate_series(1, 30) g;
`

describe('privacy.yml names of every shape', () => {
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-names-'))
    await db.pool.query(DDL)
    await db.pool.query('ANALYZE')
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('quotes only the parts that need it, and splits them back', () => {
    expect(tableKey({schema: 'public', name: 'users'})).to.equal('public.users')
    expect(tableKey({schema: 'public', name: 'Café'})).to.equal('public.Café')
    expect(tableKey({schema: 'Sales Dept', name: 'Order.Items'})).to.equal('"Sales Dept"."Order.Items"')
    expect(splitQualifiedName('"a ""quoted"" name".b.c')).to.deep.equal(['a "quoted" name', 'b', 'c'])
    expect(parseTableName('"Sales Dept"."Order.Items"')).to.deep.equal({schema: 'Sales Dept', name: 'Order.Items'})
    expect(parseColumnRef('"Sales Dept"."Order.Items"."Zip ""Code"""')).to.deep.equal({table: '"Sales Dept"."Order.Items"', column: 'Zip "Code"'})
    expect(parseTableName('public.old.style')).to.deep.equal({schema: 'public', name: 'old.style'})
    expect(splitQualifiedName('"unterminated.x')).to.equal(undefined)
  })

  it('writes a map the loader reads back, whose names and edges all resolve, and a second scan changes nothing', async () => {
    const file = join(dir, 'privacy.yml')
    const first = await writeMapFromScan({pool: db.pool, file, today})
    expect(first.subject?.table).to.equal('public.Users')
    expect(first.subject?.lookup).to.deep.equal(['E-Mail', 'id'])
    const loaded = await loadDataMap(file)
    const schema = await introspect(db.pool)
    expect(checkMapAgainstSchema(loaded, schema)).to.deep.equal([])
    const items = loaded.map.tables['"Sales Dept"."Order.Items"']
    expect(items?.columns?.['Straße']?.category).to.equal('location')
    expect(edgesOf(items!)).to.deep.equal([{column: 'buyer id', to: 'public.Users.id'}])
    const notes = loaded.map.tables['"Sales Dept"."Ünïcode Notes"']!
    const [edge] = edgesOf(notes)
    expect(edgeColumns(edge!)).to.deep.equal(['tenant', 'item'])
    expect(edgeTarget(edge!)).to.deep.equal({table: '"Sales Dept"."Order.Items"', columns: ['tenant', 'id']})
    const plan = planSubjectGraph(loaded.map, schema)
    expect(plan.unreachable).to.deep.equal([])
    expect(plan.tables.map(t => t.key)).to.include('"Sales Dept"."Ünïcode Notes"')

    // The first rescan only rewrites the single subject: as subjects: (as every map is brought up to date); the next changes nothing.
    const migrated = await writeMapFromScan({pool: db.pool, file, today})
    expect(migrated.added.filter(a => !a.startsWith('subjects.'))).to.deep.equal([])
    const before = await readFile(file, 'utf8')
    const second = await writeMapFromScan({pool: db.pool, file, today})
    expect(second.added).to.deep.equal([])
    expect(second.removed).to.deep.equal([])
    const after = await readFile(file, 'utf8')
    expect(after).to.equal(before)
  })

  it("chooses the people's rows through a composite reference", async () => {
    const {chooseSubjectRows} = await import('../../src/lib/subject/keyset.js')
    const loaded = await loadDataMap(join(dir, 'privacy.yml'))
    const schema = await introspect(db.pool)
    const client = await db.pool.connect()
    try {
      await client.query('BEGIN')
      const {subjectKinds} = await import('../../src/lib/datamap/schema.js')
      await client.query(`SELECT set_config('heroku_privacy.subject_keys', $1, true)`, [JSON.stringify({[subjectKinds(loaded.map)[0]!.name]: ['7']})])
      const rows = await chooseSubjectRows(client, planSubjectGraph(loaded.map, schema), schema, {mode: 'temporary'})
      const counts = await rows.counts(client)
      expect(counts.get('"Sales Dept"."Ünïcode Notes"')).to.equal(1)
      await client.query('ROLLBACK')
    } finally {
      client.release()
    }
  })
})
