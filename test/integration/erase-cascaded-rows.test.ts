import {readFile, rm, writeFile} from 'node:fs/promises'

import {expect} from 'chai'

import {runCli, useDatabase, writeReviewedMap} from '../support/context.js'

/**
 * Foreign keys ON DELETE CASCADE reach further than the person's rows: into
 * rows the map keeps (an order kept for the tax office) and into other
 * people's rows of a table that is deleted too (someone else's comment on
 * the person's post). The first are unlinked and kept, as the map says; the
 * second refuse the erasure before any write.
 */
describe('erasure where deletes cascade', () => {
  const db = useDatabase()
  let dir: string
  let map: string

  before(async () => {
    await db.pool.query(`
      CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);
      CREATE TABLE posts (id integer PRIMARY KEY, author_id integer REFERENCES users ON DELETE CASCADE, body text);
      CREATE TABLE comments (id integer PRIMARY KEY, author_id integer REFERENCES users ON DELETE CASCADE,
        post_id integer REFERENCES posts ON DELETE CASCADE, body text);
      CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users ON DELETE CASCADE, total numeric, shipping_name text);
      INSERT INTO users VALUES (1, 'user1@example.com'), (2, 'user2@example.com');
      INSERT INTO posts VALUES (1, 1, 'by one'), (2, 2, 'by two');
      INSERT INTO comments VALUES (1, 2, 1, 'two on the post of one'), (2, 1, 2, 'one on the post of two'), (3, 1, 1, 'one on their own post');
      INSERT INTO orders VALUES (1, 1, 10, 'Alice Example'), (2, 2, 20, 'Bob Example');`)
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
    const text = await readFile(map, 'utf8')
    expect(text).to.match(/public\.orders:\n(?: {4}.*\n)*? {4}erase: anonymize/)
    expect(text).to.match(/public\.posts:\n(?: {4}.*\n)*? {4}erase: delete/)
  })
  after(() => rm(dir, {recursive: true, force: true}))

  const all = async () => {
    const rows: Record<string, unknown[]> = {}
    for (const table of ['users', 'posts', 'comments', 'orders']) rows[table] = (await db.pool.query(`SELECT * FROM ${table} ORDER BY id`)).rows
    return rows
  }
  const erase = (subject: string) => runCli(['privacy:erase', '--database-url', db.url, '--map', map, '--confirm', db.name, '--subject', subject])

  it("refuses before any write when deleting the person's posts would delete someone else's comment on them", async () => {
    const before = await all()
    const result = await erase('id=1')
    expect(result.code, result.stderr + result.stdout).to.equal(4)
    expect(result.stderr).to.match(
      /Deleting public\.posts rows would delete 1 row\(s\) of other people in public\.comments \(comments_post_id_fkey\); set tables\.public\.posts\.erase to anonymize/,
    )
    expect(await all()).to.deep.equal(before)
  })

  it('keeps and unlinks the rows of the tables the map keeps, and leaves the other comment alone', async () => {
    const text = await readFile(map, 'utf8')
    await writeFile(map, text.replace(/(public\.posts:\n(?: {4}.*\n)*? {4}erase: )delete/, '$1anonymize'))
    const dry = await runCli(['privacy:erase', '--database-url', db.url, '--map', map, '--subject', 'id=1', '--dry-run'])
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.not.include('ON DELETE CASCADE')
    expect(dry.stdout).to.match(/unlink\s+public\.orders\s+1\s/)

    const result = await erase('id=1')
    expect(result.code, result.stderr + result.stdout).to.equal(0)
    // Each step's own count, though two steps change the same table.
    expect(result.stdout).to.match(/unlink\s+public\.posts\s+1\s/)
    expect(result.stdout).to.match(/anonymize\s+public\.posts\s+1\s/)
    const after = await all()
    expect(after.users).to.deep.equal([{id: 2, email: 'user2@example.com'}])
    expect(after.posts).to.deep.equal([
      {id: 1, author_id: null, body: '[redacted]'},
      {id: 2, author_id: 2, body: 'by two'},
    ])
    expect(after.comments).to.deep.equal([{id: 1, author_id: 2, post_id: 1, body: 'two on the post of one'}])
    expect(after.orders).to.deep.equal([
      {id: 1, user_id: null, total: '10', shipping_name: '[redacted]'},
      {id: 2, user_id: 2, total: '20', shipping_name: 'Bob Example'},
    ])
  })
})
