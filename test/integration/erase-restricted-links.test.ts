import {readFile, rm, writeFile} from 'node:fs/promises'

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

describe('erasure next to a restricted person, through an array of addresses', () => {
  const db = useDatabase()
  let dir: string
  let map: string

  before(async () => {
    await db.pool.query(`
      CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE);
      CREATE TABLE tickets (id integer PRIMARY KEY, requester_id integer REFERENCES users, cc_emails text[], note text);
      INSERT INTO users VALUES (1, 'user1@example.com'), (2, 'user2@example.com'), (3, 'user3@example.com');
      INSERT INTO tickets VALUES
        (1, 3, ARRAY['user3@example.com', 'user2@example.com', 'user3@example.com'], 'asked by 3, copied to 2'),
        (2, 2, ARRAY['user2@example.com'], 'asked by 2'),
        (3, 1, ARRAY['user1@example.com', 'user3@example.com'], 'asked by 1, copied to 3');`)
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
    // A reviewer adds what the scan cannot know: the people copied on a ticket are in it too.
    const text = await readFile(map, 'utf8')
    const edge = 'via: { column: requester_id, to: public.users.id }'
    expect(text).to.include(edge)
    await writeFile(map, text.replace(edge, 'via: [{ column: requester_id, to: public.users.id }, { column: cc_emails, to: public.users.email }]'))
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

  it('removes only the erased person’s addresses from a shared row, keeping the restricted person’s', async () => {
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
    const {rows} = await db.pool.query('SELECT id, requester_id, cc_emails, note FROM tickets ORDER BY id')
    expect(rows).to.deep.equal([
      {id: 1, requester_id: 3, cc_emails: ['user3@example.com', 'user3@example.com'], note: 'asked by 3, copied to 2'},
      {id: 3, requester_id: 1, cc_emails: ['user1@example.com', 'user3@example.com'], note: 'asked by 1, copied to 3'},
    ])
  })
})

describe('erasure next to a restricted person, through a row that stays', () => {
  const db = useDatabase()
  let dir: string
  let map: string

  before(async () => {
    await db.pool.query(`
      CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE);
      CREATE TABLE messages (id integer PRIMARY KEY, sender_id integer REFERENCES users, recipient_id integer REFERENCES users, body text);
      CREATE TABLE attachments (id integer PRIMARY KEY, message_id integer REFERENCES messages, file_name text);
      INSERT INTO users VALUES (1, 'user1@example.com'), (2, 'user2@example.com'), (3, 'user3@example.com');
      INSERT INTO messages VALUES (1, 2, 3, 'from 2 to 3'), (2, 2, 1, 'from 2 to 1');
      INSERT INTO attachments VALUES (1, 1, 'for 3.pdf'), (2, 2, 'for 1.pdf');`)
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
    expect(await readFile(map, 'utf8')).to.include('via: { column: message_id, to: public.messages.id }')
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

  it('keeps a shared row’s link to another row left in place: it is the restricted person’s as much as the erased one’s', async () => {
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
    expect((await db.pool.query('SELECT id, sender_id, recipient_id FROM messages ORDER BY id')).rows).to.deep.equal([
      {id: 1, sender_id: null, recipient_id: 3},
    ])
    expect((await db.pool.query('SELECT id, message_id, file_name FROM attachments ORDER BY id')).rows).to.deep.equal([
      {id: 1, message_id: 1, file_name: 'for 3.pdf'},
    ])
  })
})
