import {readFile, rm} from 'node:fs/promises'

import {expect} from 'chai'

import {runCli, useDatabase, writeReviewedMap} from '../support/context.js'

/**
 * A row shared with a restricted person keeps everything but the erased
 * person's link; when that link is a composite reference, all of its columns
 * are the link, and only rows whose whole reference points at the erased
 * person are theirs to clear.
 */
describe('erasure next to a restricted person, through a composite reference', () => {
  const db = useDatabase()
  let dir: string
  let map: string

  before(async () => {
    await db.pool.query(`
      CREATE TABLE users (id integer PRIMARY KEY, tenant text NOT NULL, email text NOT NULL, UNIQUE (tenant, email));
      CREATE TABLE shares (
        id integer PRIMARY KEY, tenant text, owner_email text, guest_id integer REFERENCES users, note text,
        FOREIGN KEY (tenant, owner_email) REFERENCES users (tenant, email));
      INSERT INTO users VALUES (1, 'acme', 'user1@example.com'), (2, 'acme', 'user2@example.com'), (3, 'acme', 'user3@example.com');
      INSERT INTO shares VALUES
        (1, 'acme', 'user2@example.com', 3, 'shared by 2 with 3'),
        (2, 'acme', 'user3@example.com', 2, 'shared by 3 with 2'),
        (3, 'acme', 'user2@example.com', 1, 'shared by 2 with 1'),
        (4, 'acme', 'user1@example.com', 3, 'shared by 1 with 3');`)
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
    expect(await readFile(map, 'utf8')).to.match(/column: \[ ?tenant, owner_email ?\]/)
    const restricted = await runCli([
      'privacy:restrict',
      '--database-url',
      db.url,
      '--map',
      map,
      '--subject',
      'id=3',
      '--reason',
      'accuracy',
      '--actor',
      'dpo@example.com',
    ])
    expect(restricted.code, restricted.stderr).to.equal(0)
  })
  after(() => rm(dir, {recursive: true, force: true}))

  it('clears every column of the erased person’s composite link, and nothing of the restricted person’s own', async () => {
    const result = await runCli([
      'privacy:erase',
      '--database-url',
      db.url,
      '--map',
      map,
      '--confirm',
      db.name,
      '--subject',
      'id=2',
      '--unlink-restricted-shared',
    ])
    expect(result.code, result.stderr + result.stdout).to.equal(0)
    const {rows} = await db.pool.query('SELECT id, tenant, owner_email, guest_id, note FROM shares ORDER BY id')
    expect(rows).to.deep.equal([
      {id: 1, tenant: null, owner_email: null, guest_id: 3, note: 'shared by 2 with 3'},
      {id: 2, tenant: 'acme', owner_email: 'user3@example.com', guest_id: null, note: 'shared by 3 with 2'},
      {id: 4, tenant: 'acme', owner_email: 'user1@example.com', guest_id: 3, note: 'shared by 1 with 3'},
    ])
    expect((await db.pool.query('SELECT id FROM users ORDER BY id')).rows).to.deep.equal([{id: 1}, {id: 3}])
  })
})
