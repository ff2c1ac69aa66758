import {readFile, rm, writeFile} from 'node:fs/promises'

import {expect} from 'chai'

import {TestDatabase, restrictForTest, runCli, useDatabase, writeReviewedMap} from '../support/context.js'

/**
 * With --unlink-restricted-shared, a row shared with a restricted person
 * keeps everything but the erased person's links. Users 1, 2 and 3; user 3
 * is restricted, user 2 is erased.
 */

/**
 * A database for one describe block: loads the schema, writes the reviewed
 * map (through `review`, as a reviewer would edit it), and restricts user 3.
 */
function nextToRestricted(sql: string, review: (map: string) => string): {db: TestDatabase; map: () => string} {
  const db = useDatabase()
  let prepared: {dir: string; map: string} | undefined
  before(async () => {
    await db.pool.query(sql)
    prepared = await writeReviewedMap(['--database-url', db.url])
    await writeFile(prepared.map, review(await readFile(prepared.map, 'utf8')))
    await restrictForTest(db, prepared.map, 'id=3', 'accuracy')
  })
  after(() => rm(prepared!.dir, {recursive: true, force: true}))
  return {db, map: () => prepared!.map}
}

async function eraseUserTwo(db: TestDatabase, map: string): Promise<void> {
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
}

const rowsOf = async (db: TestDatabase, sql: string) => (await db.pool.query(sql)).rows

describe('erasure next to a restricted person, through a composite reference', () => {
  const {db, map} = nextToRestricted(
    `CREATE TABLE users (id integer PRIMARY KEY, tenant text NOT NULL, email text NOT NULL, UNIQUE (tenant, email));
       CREATE TABLE shares (
         id integer PRIMARY KEY, tenant text, owner_email text, guest_id integer REFERENCES users, note text,
         FOREIGN KEY (tenant, owner_email) REFERENCES users (tenant, email));
       INSERT INTO users VALUES (1, 'acme', 'user1@example.com'), (2, 'acme', 'user2@example.com'), (3, 'acme', 'user3@example.com');
       INSERT INTO shares VALUES
         (1, 'acme', 'user2@example.com', 3, 'shared by 2 with 3'),
         (2, 'acme', 'user3@example.com', 2, 'shared by 3 with 2'),
         (3, 'acme', 'user2@example.com', 1, 'shared by 2 with 1'),
         (4, 'acme', 'user1@example.com', 3, 'shared by 1 with 3');`,
    map => {
      expect(map).to.match(/column: \[ ?tenant, owner_email ?\]/)
      return map
    },
  )

  it('clears every column of the erased person’s composite link, and nothing of the restricted person’s own', async () => {
    await eraseUserTwo(db, map())
    expect(await rowsOf(db, 'SELECT id, tenant, owner_email, guest_id, note FROM shares ORDER BY id')).to.deep.equal([
      {id: 1, tenant: null, owner_email: null, guest_id: 3, note: 'shared by 2 with 3'},
      {id: 2, tenant: 'acme', owner_email: 'user3@example.com', guest_id: null, note: 'shared by 3 with 2'},
      {id: 4, tenant: 'acme', owner_email: 'user1@example.com', guest_id: 3, note: 'shared by 1 with 3'},
    ])
    expect(await rowsOf(db, 'SELECT id FROM users ORDER BY id')).to.deep.equal([{id: 1}, {id: 3}])
  })
})

describe('erasure next to a restricted person, through an array of addresses', () => {
  const {db, map} = nextToRestricted(
    `CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE);
       CREATE TABLE tickets (id integer PRIMARY KEY, requester_id integer REFERENCES users, cc_emails text[], note text);
       INSERT INTO users VALUES (1, 'user1@example.com'), (2, 'user2@example.com'), (3, 'user3@example.com');
       INSERT INTO tickets VALUES
         (1, 3, ARRAY['user3@example.com', 'user2@example.com', 'user3@example.com'], 'asked by 3, copied to 2'),
         (2, 2, ARRAY['user2@example.com'], 'asked by 2'),
         (3, 1, ARRAY['user1@example.com', 'user3@example.com'], 'asked by 1, copied to 3');`,
    // A reviewer adds what the scan cannot know: the people copied on a ticket are in it too.
    map => {
      const edge = 'via: { column: requester_id, to: public.users.id }'
      expect(map).to.include(edge)
      return map.replace(edge, 'via: [{ column: requester_id, to: public.users.id }, { column: cc_emails, to: public.users.email }]')
    },
  )

  it('removes only the erased person’s addresses from a shared row, keeping the restricted person’s', async () => {
    await eraseUserTwo(db, map())
    expect(await rowsOf(db, 'SELECT id, requester_id, cc_emails, note FROM tickets ORDER BY id')).to.deep.equal([
      {id: 1, requester_id: 3, cc_emails: ['user3@example.com', 'user3@example.com'], note: 'asked by 3, copied to 2'},
      {id: 3, requester_id: 1, cc_emails: ['user1@example.com', 'user3@example.com'], note: 'asked by 1, copied to 3'},
    ])
  })
})

describe('erasure next to a restricted person, through a row that stays', () => {
  const {db, map} = nextToRestricted(
    `CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE);
       CREATE TABLE messages (id integer PRIMARY KEY, sender_id integer REFERENCES users, recipient_id integer REFERENCES users, body text);
       CREATE TABLE attachments (id integer PRIMARY KEY, message_id integer REFERENCES messages, file_name text);
       INSERT INTO users VALUES (1, 'user1@example.com'), (2, 'user2@example.com'), (3, 'user3@example.com');
       INSERT INTO messages VALUES (1, 2, 3, 'from 2 to 3'), (2, 2, 1, 'from 2 to 1');
       INSERT INTO attachments VALUES (1, 1, 'for 3.pdf'), (2, 2, 'for 1.pdf');`,
    map => {
      expect(map).to.include('via: { column: message_id, to: public.messages.id }')
      return map
    },
  )

  it('keeps a shared row’s link to another row left in place: it is the restricted person’s as much as the erased one’s', async () => {
    await eraseUserTwo(db, map())
    expect(await rowsOf(db, 'SELECT id, sender_id, recipient_id FROM messages ORDER BY id')).to.deep.equal([{id: 1, sender_id: null, recipient_id: 3}])
    expect(await rowsOf(db, 'SELECT id, message_id, file_name FROM attachments ORDER BY id')).to.deep.equal([{id: 1, message_id: 1, file_name: 'for 3.pdf'}])
  })
})
