import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {introspect} from '../../src/lib/db/introspect.js'
import {jsonPathOf} from '../../src/lib/erase/residue.js'
import {columnAssignment} from '../../src/lib/erase/strategies.js'
import {runCli, useDatabase} from '../support/context.js'

const DOCUMENT = {
  contact: {email: 'alice@example.com', phones: ['+44 20 7946 0018', {number: '+44 20 7946 0019', email: 'alice@work.example'}]},
  items: [{sku: 'A-1', phone: '+1 555 0100'}, {sku: 'B-2'}],
  email: 'alice@example.com',
  audit: {by: {name: 'support'}},
}

describe('erasing keys inside JSON', () => {
  const db = useDatabase()

  before(async () => {
    await db.pool.query('CREATE TABLE profiles (id int PRIMARY KEY, doc jsonb, "value" json, "Notes" text)')
    await db.pool.query(
      `
      INSERT INTO profiles VALUES
        (1, $1::jsonb, $1::json, 'x'),
        (2, NULL, NULL, NULL),
        (3, '[{"email": "bob@example.com", "n": 1}, 3, "email"]', '[[{"email": "bob@example.com"}]]', NULL),
        (4, '{"nothing": {"here": [1, 2]}}', '{"nothing": 1}', NULL),
        (5, '"email"', '7', NULL),
        (6, '{"user.email": "carol@example.com", "say \\"hi\\"": 1, "user": {"email": "kept"}}', NULL, NULL);
    `,
      [JSON.stringify(DOCUMENT)],
    )
  })

  /** Runs the strategy's assignment over every row (as an erasure would) and returns the documents after it, by id. */
  async function erase(column: 'doc' | 'value', keys: string[]): Promise<Map<number, unknown>> {
    const schema = await introspect(db.pool)
    const table = schema.tables.get('public.profiles')!
    const info = table.columns.find(c => c.name === column)!
    const params: unknown[] = []
    const assignment = columnAssignment(
      info,
      {category: 'contact', erase: 'redact', keys},
      {
        table,
        keyText: 't.id::text',
        hashKey: Buffer.alloc(32),
        param: value => {
          params.push(value)
          return `$${params.length}`
        },
      },
    )
    const client = await db.pool.connect()
    try {
      await client.query('BEGIN')
      await client.query(`UPDATE profiles t SET "${column}" = ${assignment!}`, params)
      const {rows} = await client.query<{id: number; value: string | null}>(`SELECT id, "${column}"::text AS value FROM profiles ORDER BY id`)
      return new Map(rows.map(row => [row.id, row.value === null ? null : JSON.parse(row.value)]))
    } finally {
      await client.query('ROLLBACK')
      client.release()
    }
  }

  for (const column of ['doc', 'value'] as const) {
    it(`removes a named key at any depth, inside objects and arrays (${column})`, async () => {
      const after = await erase(column, ['email'])
      expect(after.get(1)).to.deep.equal({
        contact: {phones: ['+44 20 7946 0018', {number: '+44 20 7946 0019'}]},
        items: [{sku: 'A-1', phone: '+1 555 0100'}, {sku: 'B-2'}],
        audit: {by: {name: 'support'}},
      })
      expect(after.get(2)).to.equal(null)
      expect(JSON.stringify(after.get(3))).to.not.include('bob@example.com')
    })
  }

  it('removes keys by path from the top, where a key name alone would say too much', async () => {
    const after = await erase('doc', ['contact.email', 'items[].phone'])
    expect(after.get(1)).to.deep.equal({
      contact: {phones: ['+44 20 7946 0018', {number: '+44 20 7946 0019', email: 'alice@work.example'}]},
      items: [{sku: 'A-1'}, {sku: 'B-2'}],
      email: 'alice@example.com',
      audit: {by: {name: 'support'}},
    })
    expect(after.get(3)).to.deep.equal([{email: 'bob@example.com', n: 1}, 3, 'email'])
  })

  it('reaches into a document whose top is an array, and leaves scalars and other documents as they were', async () => {
    const after = await erase('doc', ['[].email', 'audit.by'])
    expect(after.get(3)).to.deep.equal([{n: 1}, 3, 'email'])
    expect(after.get(1)).to.have.property('audit').that.deep.equals({})
    expect(after.get(4)).to.deep.equal({nothing: {here: [1, 2]}})
    expect(after.get(5)).to.equal('email')
  })

  it('matches quoted key names literally, dots and quotes included', async () => {
    const after = await erase('doc', ['"user.email"', '"say ""hi"""'])
    expect(after.get(6)).to.deep.equal({user: {email: 'kept'}})
  })

  it("finds each value under a key at any depth once, inside arrays too, in any document's shape (the residue check's search)", async () => {
    const found = async (column: 'doc' | 'value', key: string) =>
      (
        await db.pool.query<{id: number; v: string}>(
          `SELECT id, v #>> '{}' AS v FROM profiles, jsonb_path_query(${column}::jsonb, $1::jsonpath) v ORDER BY id, 2`,
          [jsonPathOf(key)],
        )
      ).rows.map(r => `${r.id}:${r.v}`)
    const expected = ['1:alice@example.com', '1:alice@example.com', '1:alice@work.example', '3:bob@example.com', '6:kept']
    expect(await found('doc', 'email')).to.deep.equal(expected)
    expect(await found('value', 'email')).to.deep.equal(['1:alice@example.com', '1:alice@example.com', '1:alice@work.example', '3:bob@example.com'])
  })
})

describe('privacy:erase with keys inside JSON', () => {
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-json-'))
    await db.pool.query('CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE)')
    await db.pool.query('CREATE TABLE settings (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), prefs jsonb NOT NULL)')
    await db.pool.query(`INSERT INTO users VALUES (1, 'alice@example.com'), (2, 'bob@example.com')`)
    await db.pool.query(`INSERT INTO settings VALUES
      (10, 1, '{"contact": {"email": "alice@example.com", "phones": ["+44 20 7946 0018"]}, "theme": "dark"}'),
      (11, 1, '{"theme": "plain"}'),
      (20, 2, '{"contact": {"email": "bob@example.com", "phones": ["+44 20 7946 0019"]}, "theme": "light"}')`)
    await writeFile(
      join(dir, 'privacy.yml'),
      `version: 1
subject: { table: public.users, key: id, lookup: [email] }
tables:
  public.users:
    erase: anonymize
    columns:
      id: { category: none }
      email: { category: contact, erase: hash }
  public.settings:
    via: { column: user_id, to: public.users.id }
    erase: anonymize
    columns:
      id: { category: none }
      user_id: { category: none }
      prefs: { category: contact, erase: redact, keys: [email, "contact.phones"] }
`,
    )
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it("removes the nested keys of the person's rows only", async () => {
    const result = await runCli([
      'privacy:erase',
      '--database-url',
      db.url,
      '--map',
      join(dir, 'privacy.yml'),
      '--subject',
      'email=alice@example.com',
      '--confirm',
      db.name,
    ])
    expect(result.code, result.stderr).to.equal(0)
    const {rows} = await db.pool.query<{id: number; prefs: unknown}>('SELECT id, prefs FROM settings ORDER BY id')
    expect(rows.map(row => row.prefs)).to.deep.equal([
      {contact: {}, theme: 'dark'},
      {theme: 'plain'},
      {contact: {email: 'bob@example.com', phones: ['+44 20 7946 0019']}, theme: 'light'},
    ])
  })
})
