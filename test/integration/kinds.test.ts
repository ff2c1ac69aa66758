import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {readZip} from '../support/archive.js'
import {runCli, useDatabase} from '../support/context.js'

/**
 * An app with two kinds of person: its staff users, and the contacts they
 * collect answers from. Erin is both, under the same email.
 */
const SCHEMA = `
  CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, full_name text NOT NULL);
  CREATE TABLE contacts (id serial PRIMARY KEY, email text NOT NULL UNIQUE, full_name text, created_by_user_id integer REFERENCES users);
  CREATE TABLE surveys (id serial PRIMARY KEY, author_id integer REFERENCES users, title text NOT NULL);
  CREATE TABLE responses (id serial PRIMARY KEY, survey_id integer NOT NULL REFERENCES surveys, contact_id integer NOT NULL REFERENCES contacts, answer text);
  CREATE TABLE user_notes (id serial PRIMARY KEY, user_id integer NOT NULL REFERENCES users, body text);
  INSERT INTO users (email, full_name) VALUES ('ursula@example.com', 'Ursula Staff'), ('erin@example.com', 'Erin Both');
  INSERT INTO contacts (email, full_name, created_by_user_id) VALUES ('carl@example.com', 'Carl Contact', 1), ('erin@example.com', 'Erin Both', 1);
  INSERT INTO surveys (author_id, title) VALUES (1, 'Team survey'), (2, 'Erin survey');
  INSERT INTO responses (survey_id, contact_id, answer) VALUES (1, 1, 'Carl says hi'), (1, 2, 'Erin answers as a contact'), (2, 1, 'Carl again');
  INSERT INTO user_notes (user_id, body) VALUES (1, 'note by Ursula'), (2, 'note by Erin');`

const MAP = `version: 1
subjects:
  user: { table: public.users, key: id, lookup: [email, id] }
  contact: { table: public.contacts, key: id, lookup: [email] }
tables:
  public.users:
    erase: delete
    columns:
      email: { category: contact, erase: hash }
      full_name: { category: identity, erase: redact }
  public.contacts:
    erase: delete
    columns:
      email: { category: contact }
      full_name: { category: identity }
      created_by_user_id: { category: none, erase: "null" }
  public.surveys:
    via: { column: author_id, to: public.users.id }
    erase: anonymize
    columns:
      title: { category: none }
  public.responses:
    via: { column: contact_id, to: public.contacts.id }
    erase: delete
    columns:
      answer: { category: free_text }
  public.user_notes:
    via: { column: user_id, to: public.users.id }
    erase: delete
    columns:
      body: { category: free_text }
`

describe('several kinds of person in one map', () => {
  const db = useDatabase()
  let dir: string
  let map: string

  before(async () => {
    await db.pool.query(SCHEMA)
    dir = await mkdtemp(join(tmpdir(), 'privacy-kinds-'))
    map = join(dir, 'privacy.yml')
    await writeFile(map, MAP)
  })
  after(() => rm(dir, {recursive: true, force: true}))

  const cli = (...args: string[]) => runCli([...args, '--database-url', db.url, '--map', map])
  const manifestOf = async (archive: string) => JSON.parse((await readZip(archive)).get('manifest.json')!.toString('utf8'))
  const tablesIn = async (archive: string) => Object.fromEntries((await manifestOf(archive)).files.map((f: {table: string; rows: number}) => [f.table, f.rows]))

  it('asks which kind when a lookup finds people of several kinds, and names unknown kinds', async () => {
    const both = await cli('privacy:export', '--subject', 'email=erin@example.com', '--out', join(dir, 'x.zip'), '--locate-seconds', '0')
    expect(both.code).to.equal(2)
    expect(both.stderr).to.match(/finds someone in each of user and contact\. Pass --kind .* or --all-kinds/)
    expect(both.stderr).to.not.include('erin@example.com')
    const unknown = await cli(
      'privacy:export',
      '--subject',
      'email=erin@example.com',
      '--kind',
      'customer',
      '--out',
      join(dir, 'x.zip'),
      '--locate-seconds',
      '0',
    )
    expect(unknown.code).to.equal(2)
    expect(unknown.stderr).to.match(/--kind customer is not a kind of person in the data map; it has user, contact/)
  })

  it("exports one kind's rows only: the contacts a user created are not the user's data", async () => {
    const asUser = join(dir, 'ursula.zip')
    const result = await cli('privacy:export', '--subject', 'email=ursula@example.com', '--out', asUser, '--locate-seconds', '0', '--json')
    expect(result.code, result.stderr).to.equal(0)
    const rows = await tablesIn(asUser)
    expect(rows['public.users']).to.equal(1)
    expect(rows['public.surveys']).to.equal(1)
    expect(rows['public.user_notes']).to.equal(1)
    expect(rows['public.contacts'] ?? 0).to.equal(0)
    expect(rows['public.responses'] ?? 0).to.equal(0)
  })

  it('exports a person who is two kinds at once in one archive with --all-kinds, each row once', async () => {
    const both = join(dir, 'erin.zip')
    const result = await cli('privacy:export', '--subject', 'email=erin@example.com', '--all-kinds', '--out', both, '--locate-seconds', '0', '--json')
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout).subjects).to.equal(1)
    const rows = await tablesIn(both)
    expect(rows).to.include({'public.users': 1, 'public.contacts': 1, 'public.surveys': 1, 'public.user_notes': 1, 'public.responses': 1})
    const manifest = await manifestOf(both)
    expect(manifest.subjects.map((s: {kind: string}) => s.kind).sort()).to.deep.equal(['contact', 'user'])
  })

  it('erases one kind without touching the other, then the other', async () => {
    const asContact = await cli('privacy:erase', '--subject', 'email=erin@example.com', '--kind', 'contact', '--confirm', db.name, '--json')
    expect(asContact.code, asContact.stderr + asContact.stdout).to.equal(0)
    expect(JSON.parse(asContact.stdout).kinds).to.deep.equal(['contact'])
    const left = async () =>
      (
        await db.pool.query(`
      SELECT (SELECT count(*) FROM users WHERE email = 'erin@example.com')::int AS users,
             (SELECT count(*) FROM contacts WHERE email = 'erin@example.com')::int AS contacts,
             (SELECT count(*) FROM responses WHERE answer LIKE 'Erin%')::int AS responses,
             (SELECT count(*) FROM user_notes WHERE body = 'note by Erin')::int AS notes,
             (SELECT count(*) FROM contacts WHERE email = 'carl@example.com')::int AS carl`)
      ).rows[0]
    expect(await left()).to.deep.equal({users: 1, contacts: 0, responses: 0, notes: 1, carl: 1})
    const asUser = await cli('privacy:erase', '--subject', 'email=erin@example.com', '--confirm', db.name, '--json')
    expect(asUser.code, asUser.stderr + asUser.stdout).to.equal(0)
    expect(await left()).to.deep.equal({users: 0, contacts: 0, responses: 0, notes: 0, carl: 1})
    expect((await runCli(['privacy:ledger:verify', '--database-url', db.url])).code).to.equal(0)
  })

  it('erasing a user leaves the contacts they created to those contacts', async () => {
    const result = await cli('privacy:erase', '--subject', 'email=ursula@example.com', '--confirm', db.name, '--json')
    expect(result.code, result.stderr + result.stdout).to.equal(0)
    const carl = (await db.pool.query(`SELECT full_name, created_by_user_id FROM contacts WHERE email = 'carl@example.com'`)).rows[0]
    expect(carl).to.deep.equal({full_name: 'Carl Contact', created_by_user_id: null})
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM responses WHERE answer LIKE 'Carl%'`)).rows[0].n).to.equal(2)
  })
})
