import {readFile, rm} from 'node:fs/promises'

import {expect} from 'chai'

import {runCli, useDatabase, writeReviewedMap} from '../support/context.js'

/**
 * A composite foreign key points at a row by all its columns together: rows
 * that share only the first of them (the same tenant) do not point at the
 * erased person, and do not stand in the way of deleting them.
 */
describe('erasure under a composite foreign key from a kept table', () => {
  const db = useDatabase()
  let dir: string
  let map: string

  before(async () => {
    await db.pool.query(`
      CREATE TABLE users (id integer PRIMARY KEY, tenant text NOT NULL, email text NOT NULL, UNIQUE (tenant, email));
      CREATE TABLE invoices (id integer PRIMARY KEY, tenant text, billed_email text, total numeric NOT NULL,
        FOREIGN KEY (tenant, billed_email) REFERENCES users (tenant, email));
      INSERT INTO users VALUES (1, 'acme', 'user1@example.com'), (2, 'acme', 'user2@example.com');
      INSERT INTO invoices VALUES (1, 'acme', 'user1@example.com', 10), (2, 'acme', 'user1@example.com', 20);`)
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
    // The scan keeps invoices (a retention duty) and erases what they say about the person instead.
    expect(await readFile(map, 'utf8')).to.match(/public\.invoices:\n.*\n {4}erase: anonymize/)
  })
  after(() => rm(dir, {recursive: true, force: true}))

  it('deletes a person no row points at, though other rows of the same tenant are kept', async () => {
    const result = await runCli(['privacy:erase', '--database-url', db.url, '--map', map, '--confirm', db.name, '--subject', 'id=2'])
    expect(result.code, result.stderr + result.stdout).to.equal(0)
    expect((await db.pool.query('SELECT id FROM users ORDER BY id')).rows).to.deep.equal([{id: 1}])
    expect((await db.pool.query('SELECT id, tenant, billed_email FROM invoices ORDER BY id')).rows).to.deep.equal([
      {id: 1, tenant: 'acme', billed_email: 'user1@example.com'},
      {id: 2, tenant: 'acme', billed_email: 'user1@example.com'},
    ])
  })
})
