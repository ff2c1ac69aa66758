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

describe('privacy:scan proposes the other kinds of people an app keeps', () => {
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-kinds-'))
    // Staff sign in; the customers they serve have their own table with no foreign key to the staff.
    await db.pool.query(`
      CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, encrypted_password text, full_name text);
      CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE, first_name text, last_name text, phone text);
      CREATE TABLE orders (id serial PRIMARY KEY, customer_id integer REFERENCES customers, handled_by integer REFERENCES users, total numeric);
      CREATE TABLE invoices (id serial PRIMARY KEY, customer_id integer REFERENCES customers, amount numeric);
      INSERT INTO users (email, encrypted_password, full_name) SELECT 'staff' || i || '@shop.example', '$2a$12$' || md5(i::text) || md5(i::text), 'Staff Member ' || i FROM generate_series(1, 20) i;
      INSERT INTO customers (email, first_name, last_name, phone) SELECT 'buyer' || i || '@mail.example', 'Anna', 'Berg' || i, '+44 7700 9000' || lpad(i::text, 2, '0') FROM generate_series(1, 30) i;
      INSERT INTO orders (customer_id, handled_by, total) SELECT i, 1 + i % 20, 10 FROM generate_series(1, 30) i;
      INSERT INTO invoices (customer_id, amount) SELECT i, 10 FROM generate_series(1, 30) i;
      ANALYZE;`)
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('keeps the users as the subject and lists the customers as another kind, with their lookup and reasons', async () => {
    const file = join(dir, 'privacy.yml')
    const report = await writeMapFromScan({pool: db.pool, file, today: new Date('2026-11-30')})
    expect(report.subject?.table).to.equal('public.users')
    const customers = report.otherKinds.find(k => k.table === 'public.customers')
    expect(customers, JSON.stringify(report.otherKinds)).to.not.equal(undefined)
    expect(customers!.key).to.equal('id')
    expect(customers!.lookup).to.include('email')
    expect(customers!.reasons.join(' ')).to.match(/foreign keys point at it/)
    expect(report.otherKinds.map(k => k.table)).to.not.include('public.orders')
  })
})
