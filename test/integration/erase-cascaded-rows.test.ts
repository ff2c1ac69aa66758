import {readFile, rm, writeFile} from 'node:fs/promises'

import {expect} from 'chai'

import {runCli, useDatabase, writeReviewedMap} from '../support/context.js'

/**
 * The map keeps a table's rows (anonymize), but its foreign key to the
 * person cascades: deleting the person deletes their rows there too. When
 * other rows point at those in turn, the database would refuse (NO ACTION)
 * or change someone else's rows (CASCADE): the erasure refuses first.
 */
describe('erasure that cascades to rows other rows point at', () => {
  const db = useDatabase()
  let dir: string
  let map: string

  before(async () => {
    await db.pool.query(`
      CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);
      CREATE TABLE posts (id integer PRIMARY KEY, author_id integer REFERENCES users ON DELETE CASCADE, body text,
        reply_to integer REFERENCES posts ON DELETE CASCADE, quote_of integer REFERENCES posts);
      INSERT INTO users VALUES (1, 'user1@example.com'), (2, 'user2@example.com'), (3, 'user3@example.com');
      INSERT INTO posts VALUES (1, 1, 'first', NULL, NULL), (2, 2, 'a reply to the first', 1, NULL), (3, NULL, 'quoting the second, by nobody known', NULL, 2),
        (4, 1, 'my own reply', 1, NULL);`)
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
    const text = await readFile(map, 'utf8')
    await writeFile(map, text.replace(/(public\.posts:\n(?: {4}.*\n)*? {4}erase: )delete/, '$1anonymize'))
    expect(await readFile(map, 'utf8')).to.match(/public\.posts:\n(?: {4}.*\n)*? {4}erase: anonymize/)
  })
  after(() => rm(dir, {recursive: true, force: true}))

  const posts = async () => (await db.pool.query('SELECT id, author_id, reply_to, quote_of FROM posts ORDER BY id')).rows

  it("refuses before any write when the cascade would delete someone else's reply", async () => {
    const before = await posts()
    const result = await runCli(['privacy:erase', '--database-url', db.url, '--map', map, '--confirm', db.name, '--subject', 'id=1'])
    expect(result.code, result.stderr + result.stdout).to.equal(4)
    expect(result.stderr).to.match(
      /cascades .* to the person's rows of public\.posts, which 1 row\(s\) of public\.posts that stay point at \(posts_reply_to_fkey, ON DELETE CASCADE\)/,
    )
    expect(await posts()).to.deep.equal(before)
  })

  it('refuses when a row that stays (its author unknown) points at a cascaded row with NO ACTION, and erases once nothing does', async () => {
    const refused = await runCli(['privacy:erase', '--database-url', db.url, '--map', map, '--confirm', db.name, '--subject', 'id=2'])
    expect(refused.code, refused.stderr + refused.stdout).to.equal(4)
    expect(refused.stderr).to.match(/posts_quote_of_fkey, ON DELETE NO ACTION\); the database would refuse the delete/)
    await db.pool.query('UPDATE posts SET quote_of = NULL WHERE id = 3')
    const erased = await runCli(['privacy:erase', '--database-url', db.url, '--map', map, '--confirm', db.name, '--subject', 'id=2'])
    expect(erased.code, erased.stderr + erased.stdout).to.equal(0)
    expect(await posts()).to.deep.equal([
      {id: 1, author_id: 1, reply_to: null, quote_of: null},
      {id: 3, author_id: null, reply_to: null, quote_of: null},
      {id: 4, author_id: 1, reply_to: 1, quote_of: null},
    ])
  })
})
