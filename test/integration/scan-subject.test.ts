import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {writeMapFromScan} from '../../src/lib/scan/run-scan.js'
import {useDatabase} from '../support/context.js'

describe('privacy:scan finds the people when nothing but a unique e-mail says so', () => {
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-subject-'))
    // No name, password or sign-in word: only a unique index on lower(email) and the posts that point at the rows.
    await db.pool.query(`
      CREATE EXTENSION IF NOT EXISTS citext;
      CREATE TABLE accounts (id serial PRIMARY KEY, email varchar(255) NOT NULL, handle citext NOT NULL);
      CREATE UNIQUE INDEX index_accounts_on_lower_email ON accounts (lower((email)::text));
      CREATE TABLE posts (id serial PRIMARY KEY, account_id integer NOT NULL REFERENCES accounts, body text);
      CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);
      INSERT INTO accounts (email, handle) SELECT 'Person' || i || '@Example.com', 'Person_' || i FROM generate_series(1, 20) i;
      INSERT INTO posts (account_id, body) SELECT i, 'post ' || i FROM generate_series(1, 20) i;
      INSERT INTO tags (name) SELECT 'tag ' || i FROM generate_series(1, 20) i;
      ANALYZE;`)
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('takes the table with one row per e-mail address, looked up by it', async () => {
    const report = await writeMapFromScan({pool: db.pool, file: join(dir, 'privacy.yml'), today: new Date('2026-11-30')})
    expect(report.subject?.table).to.equal('public.accounts')
    expect(report.subject?.lookup).to.include('email')
  })
})
