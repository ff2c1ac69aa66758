import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {referenceColumnProblems} from '../../src/lib/datamap/column-strategies.js'
import {parseDataMap} from '../../src/lib/datamap/load.js'
import {checkMapAgainstSchema} from '../../src/lib/datamap/validate-live.js'
import {introspect} from '../../src/lib/db/introspect.js'
import {runCli, useDatabase} from '../support/context.js'

const MAP = `version: 1
subject: { table: public.accounts, key: id, lookup: [id, email, "E-Mail"] }
tables:
  public.accounts:
    erase: anonymize
    columns:
      id: { category: identity, erase: redact }
      email: { category: contact, erase: hash }
      "E-Mail": { category: contact, erase: redact }
      display: { category: identity, erase: redact }
      nickname: { category: identity, erase: keep }
      bio: { category: free_text, erase: redact, keys: [email] }
  public.orders:
    via: { column: account_id, to: public.accounts.id }
    erase: anonymize
    columns:
      id: { category: none }
      account_id: { category: identity, erase: fake }
      note: { category: free_text, erase: redact }
      prefs: { category: contact, erase: redact, keys: ["items[]", contact.email] }
  public.tickets:
    via: { column: requester, to: public.accounts.email }
    erase: anonymize
    columns:
      id: { category: none }
      requester: { category: contact, erase: fake }
      handled_by: { category: identity, erase: null }
`

describe('the map validator, against a live schema', () => {
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-validate-'))
    await db.pool.query(`CREATE TABLE accounts (
      id uuid PRIMARY KEY, email text NOT NULL UNIQUE, "E-Mail" text, nickname text, bio text,
      display text GENERATED ALWAYS AS (coalesce(nickname, 'someone')) STORED)`)
    await db.pool.query('CREATE TABLE orders (id bigint PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts(id), note text, prefs jsonb)')
    await db.pool.query('CREATE TABLE tickets (id bigint PRIMARY KEY, requester text, handled_by uuid REFERENCES accounts(id))')
    await writeFile(join(dir, 'privacy.yml'), MAP)
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('reports every problem of the map at once, each with its line, before anything runs', async () => {
    const result = await runCli([
      'privacy:erase',
      '--database-url',
      db.url,
      '--map',
      join(dir, 'privacy.yml'),
      '--subject',
      'id=00000000-0000-0000-0000-000000000001',
      '--confirm',
      db.name,
    ])
    expect(result.code).to.equal(1)
    const file = join(dir, 'privacy.yml')
    const expected: Array<[number, RegExp]> = [
      [7, /columns\.id\.erase: erase: redact on id, which is part of the primary key of public\.accounts/],
      [9, /"?E-Mail"?\.erase: erase: redact on E-Mail, which is a lookup column of the accounts \(public\.accounts\).*share the value/],
      [10, /display\.erase: erase: redact on display, which Postgres computes/],
      [11, /nickname\.basis: erase: keep needs a basis/],
      [12, /bio\.keys: keys on bio \(text\)/],
      [18, /account_id\.erase: erase: fake on account_id, which is a foreign key to public\.accounts \(orders_account_id_fkey\)/],
      [20, /prefs\.keys\.0: items\[\] ends with \[\]/],
      [26, /requester\.erase: erase: fake on requester, which is the via edge to public\.accounts\.email/],
    ]
    for (const [line, message] of expected) {
      expect(result.stderr, `line ${line}`).to.include(`${file}:${line} `)
      expect(result.stderr).to.match(message)
    }
    expect(result.stderr).to.match(/has 8 problems/)
    expect(result.stderr).to.not.match(/handled_by|note/)
  })

  it('exposes the reference check as a pure function of the map and the schema', async () => {
    const loaded = parseDataMap(MAP, 'privacy.yml', {deferRules: true})
    const schema = await introspect(db.pool)
    const problems = referenceColumnProblems(loaded.map, schema)
    expect(problems.map(p => `${p.table}.${p.column} ${p.strategy}`).sort()).to.deep.equal([
      'public.accounts.E-Mail redact',
      'public.accounts.id redact',
      'public.orders.account_id fake',
      'public.tickets.requester fake',
    ])
    expect(checkMapAgainstSchema(loaded, schema)).to.have.length(8)
  })

  it('accepts clearing a reference, and hashing or faking a lookup', async () => {
    const fixed = MAP.replace('id: { category: identity, erase: redact }', 'id: { category: none }')
      .replace('"E-Mail": { category: contact, erase: redact }', '"E-Mail": { category: contact, erase: fake }')
      .replace('display: { category: identity, erase: redact }', 'display: { category: identity }')
      .replace('erase: keep }', 'erase: keep, basis: legitimate_interests }')
      .replace('bio: { category: free_text, erase: redact, keys: [email] }', 'bio: { category: free_text, erase: redact }')
      .replace('account_id: { category: identity, erase: fake }', 'account_id: { category: identity }')
      .replace('keys: ["items[]", contact.email]', 'keys: ["items[].phone", contact.email]')
      .replace('requester: { category: contact, erase: fake }', 'requester: { category: contact, erase: null }')
    const loaded = parseDataMap(fixed, 'privacy.yml')
    expect(checkMapAgainstSchema(loaded, await introspect(db.pool))).to.deep.equal([])
  })
})

describe('privacy:scan and columns it must not write', () => {
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-scan-generated-'))
    await db.pool.query(`CREATE TABLE users (
      id bigint PRIMARY KEY, email text NOT NULL UNIQUE, first_name text, last_name text,
      full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED)`)
    await db.pool.query(`INSERT INTO users (id, email, first_name, last_name)
      SELECT i, 'person' || i || '@example.com', 'First' || i, 'Last' || i FROM generate_series(1, 40) i`)
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('gives a generated column no erase strategy, and writes a map that validates', async () => {
    const file = join(dir, 'privacy.yml')
    const result = await runCli(['privacy:scan', '--database-url', db.url, '--out', file, '--json'])
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout).problems).to.deep.equal([])
    const loaded = parseDataMap(await readFile(file, 'utf8'), file)
    const columns = loaded.map.tables['public.users']!.columns!
    expect(columns.full_name!.category).to.equal('identity')
    expect(columns.full_name!.erase).to.equal(undefined)
    expect(columns.first_name!.erase).to.equal('redact')
  })
})
