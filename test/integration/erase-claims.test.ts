import {readFile, rm, writeFile} from 'node:fs/promises'

import {expect} from 'chai'

import {TestDatabase, runCli, restrictForTest, useDatabase, writeReviewedMap} from '../support/context.js'

/**
 * An erasure that says "Erased" must have erased: shapes real schemas have
 * that once let the tool claim more than it did.
 */

async function mapFor(db: TestDatabase): Promise<{dir: string; map: string}> {
  return writeReviewedMap(['--database-url', db.url])
}

const erase = (db: TestDatabase, map: string, ...args: string[]) =>
  runCli(['privacy:erase', '--database-url', db.url, '--map', map, '--confirm', db.name, ...args])

async function value<T = unknown>(db: TestDatabase, sql: string, params: unknown[] = []): Promise<T> {
  const {rows} = await db.pool.query(sql, params)
  return Object.values(rows[0] ?? {})[0] as T
}

describe('erasure claims only what it did', () => {
  describe('rows chosen once, before anything changes', () => {
    const db = useDatabase()
    let dir: string
    let map: string

    before(async () => {
      await db.pool.query(`
        CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, full_name text);
        CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, note text, total numeric NOT NULL DEFAULT 0);
        INSERT INTO users (email, full_name) SELECT 'user' || i || '@example.com', 'User Number ' || i FROM generate_series(1, 30) i;
        INSERT INTO users (email, full_name) VALUES ('alice@example.com', 'Alice Example');
        INSERT INTO orders (user_id, note) SELECT u.id, 'call ' || u.email || ' after delivery' FROM users u;`)
      ;({dir, map} = await mapFor(db))
    })
    after(() => rm(dir, {recursive: true, force: true}))

    it('anonymises the order rows it unlinked from the deleted person', async () => {
      const text = await readFile(map, 'utf8')
      expect(text).to.match(/public\.users:[\s\S]*?erase: delete/)
      expect(text).to.match(/public\.orders:[\s\S]*?erase: anonymize/)
      const result = await erase(db, map, '--subject', 'email=alice@example.com', '--json')
      expect(result.code, result.stderr + result.stdout).to.equal(0)
      expect(await value(db, `SELECT count(*)::int FROM orders WHERE note ILIKE '%alice@example.com%'`)).to.equal(0)
      expect(await value(db, `SELECT count(*)::int FROM users WHERE email = 'alice@example.com'`)).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.touched['public.orders']).to.be.greaterThan(0)
      expect(report.residue.fatal).to.deep.equal([])
    })

    it('rolls back, exit 3, when something puts the erased value back before the commit', async () => {
      await db.pool.query(`INSERT INTO users (email, full_name) VALUES ('bob@example.com', 'Bob Example')`)
      await db.pool.query(`INSERT INTO orders (user_id, note) SELECT id, 'ring bob@example.com' FROM users WHERE email = 'bob@example.com'`)
      // A trigger stands in for a defect that leaves the value in place while the plan reports it changed.
      await db.pool.query(`CREATE FUNCTION keep_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := OLD.note; RETURN NEW; END $$;
        CREATE TRIGGER keep_note BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION keep_note()`)
      try {
        const result = await erase(db, map, '--subject', 'email=bob@example.com', '--json')
        expect(result.code).to.equal(3)
        const error = JSON.parse(result.stdout).error
        expect(error.code).to.equal('residue')
        expect(error.message).to.match(/public\.orders\.note: 1 row/)
        expect(error.message).to.not.include('bob@example.com')
        expect(await value(db, `SELECT count(*)::int FROM users WHERE email = 'bob@example.com'`)).to.equal(1)
      } finally {
        await db.pool.query('DROP TRIGGER keep_note ON orders; DROP FUNCTION keep_note()')
      }
    })
  })

  describe('a reference rewritten by the map', () => {
    const db = useDatabase()
    let dir: string
    let map: string

    before(async () => {
      await db.pool.query(`
        CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE);
        CREATE TABLE documents (id serial PRIMARY KEY, owner_id integer NOT NULL, title text, body text);
        INSERT INTO users SELECT i, 'user' || i || '@example.com' FROM generate_series(1, 20) i;
        INSERT INTO documents (owner_id, title, body) SELECT i, 'Doc ' || i, 'written by user' || i || '@example.com' FROM generate_series(1, 20) i;`)
      ;({dir, map} = await mapFor(db))
    })
    after(() => rm(dir, {recursive: true, force: true}))

    it('is refused before any write when a via column without a foreign key would be faked', async () => {
      const text = await readFile(map, 'utf8')
      expect(text, 'the scan proposes the reference').to.match(/public\.documents:[\s\S]*?via: \{ column: owner_id, to: public\.users\.id/)
      const bad = text
        .replace(/(public\.documents:\n(?:\s+.*\n)*?\s+)erase: delete/, '$1erase: anonymize')
        .replace(/owner_id: \{ category: \w+( *, erase: \w+)? \}/, 'owner_id: { category: identity, erase: fake }')
      await writeFile(
        map,
        bad.includes('owner_id: { category: identity, erase: fake }')
          ? bad
          : bad.replace(/(public\.documents:\n(?:\s+.*\n)*?\s+columns:\n)/, '$1      owner_id: { category: identity, erase: fake }\n'),
      )
      const before = await value(db, "SELECT md5(string_agg(d::text, ',' ORDER BY id)) FROM documents d")
      const result = await erase(db, map, '--subject', 'id=3')
      expect(result.code, result.stderr).to.be.oneOf([1, 4])
      expect(result.stderr).to.match(/owner_id/)
      expect(await value(db, "SELECT md5(string_agg(d::text, ',' ORDER BY id)) FROM documents d")).to.equal(before)
    })
  })

  describe('a table without a primary key', () => {
    const db = useDatabase()
    let dir: string
    let map: string

    before(async () => {
      await db.pool.query(`
        CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE);
        CREATE TABLE sign_ins (user_id integer NOT NULL REFERENCES users, ip inet, user_agent text, at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE invoices (user_id integer REFERENCES users, billed_to text, amount numeric NOT NULL);
        INSERT INTO users SELECT i, 'user' || i || '@example.com' FROM generate_series(1, 20) i;
        INSERT INTO sign_ins (user_id, ip, user_agent) SELECT i % 20 + 1, ('10.0.0.' || i)::inet, 'agent' FROM generate_series(1, 60) i;
        INSERT INTO invoices SELECT i, 'user' || i || '@example.com, 1 Main Street', 10 FROM generate_series(1, 20) i;`)
      ;({dir, map} = await mapFor(db))
      expect(await readFile(map, 'utf8')).to.match(/public\.invoices:\n(?:\s+.*\n)*?\s+erase: anonymize/)
    })
    after(() => rm(dir, {recursive: true, force: true}))

    it('deletes and anonymises its rows by address, records digests in the ledger, and says so', async () => {
      const signIns = await value<number>(db, 'SELECT count(*)::int FROM sign_ins WHERE user_id = 5')
      const result = await erase(db, map, '--subject', 'id=5', '--json')
      expect(result.code, result.stderr + result.stdout).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.touched['public.sign_ins']).to.equal(signIns)
      expect(await value(db, 'SELECT count(*)::int FROM sign_ins WHERE user_id = 5')).to.equal(0)
      expect(await value(db, `SELECT count(*)::int FROM invoices WHERE billed_to LIKE '%user5@%'`)).to.equal(0)
      expect(await value(db, 'SELECT count(*)::int FROM sign_ins')).to.equal(60 - signIns)
      const recorded = (await db.pool.query(`SELECT pk FROM heroku_privacy.event_rows WHERE table_name IN ('public.sign_ins', 'public.invoices')`)).rows.map(
        r => r.pk as string,
      )
      expect(recorded).to.have.length(signIns + 1)
      for (const pk of recorded) expect(pk).to.match(/^row:[0-9a-f]{64}$/)
    })
  })

  describe('a primary key that is personal data', () => {
    const db = useDatabase()
    let dir: string
    let map: string

    before(async () => {
      await db.pool.query(`
        CREATE TABLE subscribers (email text PRIMARY KEY, full_name text, subscribed_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE deliveries (id serial PRIMARY KEY, subscriber_email text NOT NULL REFERENCES subscribers, opened boolean NOT NULL DEFAULT false);
        INSERT INTO subscribers (email, full_name) SELECT 'reader' || i || '@example.com', 'Reader Number ' || i FROM generate_series(1, 20) i;
        INSERT INTO deliveries (subscriber_email) SELECT 'reader' || (i % 20 + 1) || '@example.com' FROM generate_series(1, 40) i;`)
      ;({dir, map} = await mapFor(db))
    })
    after(() => rm(dir, {recursive: true, force: true}))

    it('is never written into the append-only ledger, only its keyed hash', async () => {
      const result = await erase(db, map, '--subject', 'email=reader7@example.com')
      expect(result.code, result.stderr).to.equal(0)
      const stored = (await db.pool.query(`SELECT table_name, pk FROM heroku_privacy.event_rows`)).rows
      expect(stored.filter(r => r.table_name === 'public.subscribers').map(r => r.pk)).to.have.length(1)
      expect(stored.find(r => r.table_name === 'public.subscribers')!.pk).to.match(/^hmac:[0-9a-f]{64}$/)
      const everything = JSON.stringify((await db.pool.query('SELECT * FROM heroku_privacy.events')).rows) + JSON.stringify(stored)
      expect(everything).to.not.include('reader7')
      expect((await runCli(['privacy:ledger:verify', '--database-url', db.url])).code).to.equal(0)
    })
  })

  describe('rows shared with someone under a restriction', () => {
    const db = useDatabase()
    let dir: string
    let map: string

    before(async () => {
      await db.pool.query(`
        CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE, full_name text);
        CREATE TABLE messages (id serial PRIMARY KEY, sender_id integer REFERENCES users, recipient_id integer REFERENCES users, body text);
        INSERT INTO users SELECT i, 'user' || i || '@example.com', 'User Number ' || i FROM generate_series(1, 10) i;
        INSERT INTO messages (sender_id, recipient_id, body) SELECT i, i % 10 + 1, 'hello from ' || i FROM generate_series(1, 10) i;`)
      ;({dir, map} = await mapFor(db))
      await restrictForTest(db, map, 'id=3', 'accuracy')
    })
    after(() => rm(dir, {recursive: true, force: true}))

    it('are refused with exit 4, naming the restriction, and changed only on the erased side with --unlink-restricted-shared', async () => {
      const shared = await value<number>(db, 'SELECT id FROM messages WHERE sender_id = 2 AND recipient_id = 3')
      const refused = await erase(db, map, '--subject', 'id=2')
      expect(refused.code).to.equal(4)
      expect(refused.stderr).to.match(/X-\d{4}-\d{4}.*--unlink-restricted-shared/)
      expect(await value(db, 'SELECT count(*)::int FROM users WHERE id = 2')).to.equal(1)
      const result = await erase(db, map, '--subject', 'id=2', '--unlink-restricted-shared', '--json')
      expect(result.code, result.stderr + result.stdout).to.equal(0)
      const kept = (await db.pool.query('SELECT sender_id, recipient_id, body FROM messages WHERE id = $1', [shared])).rows[0]
      expect(kept).to.deep.equal({sender_id: null, recipient_id: 3, body: 'hello from 2'})
      expect(JSON.parse(result.stdout).notErased.map((n: {table: string}) => n.table)).to.include('public.messages')
      expect(await value(db, 'SELECT count(*)::int FROM messages WHERE sender_id = 2 OR recipient_id = 2')).to.equal(0)
    })
  })

  describe('rows the role cannot see or change', () => {
    const db = useDatabase()
    let dir: string
    let map: string
    let roleUrl: string

    before(async () => {
      await db.pool.query(`
        CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE, tenant text NOT NULL DEFAULT 'a');
        CREATE TABLE notes (id serial PRIMARY KEY, user_id integer REFERENCES users, body text, tenant text NOT NULL);
        INSERT INTO users SELECT i, 'user' || i || '@example.com', CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END FROM generate_series(1, 10) i;
        INSERT INTO notes (user_id, body, tenant) SELECT i, 'note by user' || i || '@example.com', CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END FROM generate_series(1, 10) i;
        ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
        CREATE POLICY tenant_a ON notes USING (tenant = 'a');
        DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claims_reader') THEN EXECUTE 'DROP OWNED BY claims_reader; DROP ROLE claims_reader'; END IF; END $$;
        CREATE ROLE claims_reader LOGIN PASSWORD 'claims-pw';
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO claims_reader;
        GRANT USAGE, CREATE ON SCHEMA public TO claims_reader;`)
      ;({dir, map} = await mapFor(db))
      const url = new URL(db.url)
      url.username = 'claims_reader'
      url.password = 'claims-pw'
      roleUrl = url.toString()
    })
    after(() => rm(dir, {recursive: true, force: true}))

    it('an erasure by a role that may only read names the privileges it lacks, before creating anything', async () => {
      const result = await runCli(['privacy:erase', '--database-url', roleUrl, '--map', map, '--subject', 'id=2', '--confirm', db.name])
      expect(result.code).to.equal(4)
      expect(result.stderr).to.match(/lacks DELETE on public\.notes, DELETE on public\.users/)
      expect(result.stderr).to.not.include('claims-pw')
      expect(await value(db, `SELECT count(*)::int FROM pg_namespace WHERE nspname = 'heroku_privacy'`)).to.equal(0)
    })

    it('an export that row-level security would cut short stops with exit 3, or lists the table as not covered', async () => {
      const out = `${dir}/export.zip`
      const refused = await runCli(['privacy:export', '--database-url', roleUrl, '--map', map, '--subject', 'id=3', '--out', out, '--ledger-url', db.url])
      expect(refused.code, refused.stderr).to.equal(3)
      expect(refused.stderr).to.match(/Row-level security hides rows of public\.notes/)
      const allowed = await runCli([
        'privacy:export',
        '--database-url',
        roleUrl,
        '--map',
        map,
        '--subject',
        'id=3',
        '--out',
        out,
        '--ledger-url',
        db.url,
        '--allow-incomplete',
        '--json',
      ])
      expect(allowed.code, allowed.stderr).to.equal(0)
    })

    it('an erasure that row-level security would cut short is refused', async () => {
      await db.pool.query('GRANT DELETE, UPDATE ON ALL TABLES IN SCHEMA public TO claims_reader')
      try {
        const result = await runCli([
          'privacy:erase',
          '--database-url',
          roleUrl,
          '--map',
          map,
          '--subject',
          'id=3',
          '--confirm',
          db.name,
          '--ledger-url',
          db.url,
        ])
        expect(result.code, result.stderr).to.equal(4)
        expect(result.stderr, result.stderr).to.match(/Row-level security hides rows of public\.notes/)
        expect(await value(db, 'SELECT count(*)::int FROM notes WHERE user_id = 3')).to.equal(1)
      } finally {
        await db.pool.query('DROP OWNED BY claims_reader; DROP ROLE claims_reader')
      }
    })
  })

  describe('lookups as real schemas write them', () => {
    const db = useDatabase()
    let dir: string
    let map: string

    before(async () => {
      await db.pool.query(`
        CREATE EXTENSION IF NOT EXISTS citext;
        CREATE TABLE accounts (id serial PRIMARY KEY, email varchar(255) NOT NULL, handle citext NOT NULL);
        CREATE UNIQUE INDEX index_accounts_on_lower_email ON accounts (lower((email)::text));
        CREATE UNIQUE INDEX index_accounts_on_handle ON accounts (handle);
        CREATE TABLE posts (id serial PRIMARY KEY, account_id integer NOT NULL REFERENCES accounts, body text);
        INSERT INTO accounts (email, handle) SELECT 'Person' || i || '@Example.com', 'Person_' || i FROM generate_series(1, 20) i;
        INSERT INTO posts (account_id, body) SELECT i, 'post ' || i FROM generate_series(1, 20) i;`)
      ;({dir, map} = await mapFor(db))
      await writeFile(map, (await readFile(map, 'utf8')).replace(/lookup:\n(\s+- .*\n)+/, 'lookup: [email, handle, id]\n'))
    })
    after(() => rm(dir, {recursive: true, force: true}))

    it('match without case where the schema compares without case, and count each person once', async () => {
      const result = await erase(db, map, '--subject', 'email=person4@example.COM', '--subject', 'handle=PERSON_4', '--subject', 'id=4', '--json')
      expect(result.code, result.stderr + result.stdout).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.subjects).to.equal(1)
      expect(await value(db, 'SELECT count(*)::int FROM posts WHERE account_id = 4')).to.equal(0)
      expect(await value(db, 'SELECT count(*)::int FROM accounts')).to.equal(19)
    })
  })

  describe('inherited tables', () => {
    const db = useDatabase()
    let dir: string
    let map: string

    before(async () => {
      await db.pool.query(`
        CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE);
        CREATE TABLE events (id serial PRIMARY KEY, user_id integer NOT NULL, detail text);
        CREATE TABLE events_archive (archived_at timestamptz NOT NULL DEFAULT now()) INHERITS (events);
        INSERT INTO users SELECT i, 'user' || i || '@example.com' FROM generate_series(1, 10) i;
        INSERT INTO events (user_id, detail) SELECT i % 10 + 1, 'live ' || i FROM generate_series(1, 20) i;
        INSERT INTO events_archive (user_id, detail) SELECT i % 10 + 1, 'old ' || i FROM generate_series(1, 20) i;`)
      ;({dir, map} = await mapFor(db))
    })
    after(() => rm(dir, {recursive: true, force: true}))

    it('are exported and erased once each, whether the children are mapped or not', async () => {
      const text = await readFile(map, 'utf8')
      const out = `${dir}/one.zip`
      const exported = await runCli(['privacy:export', '--database-url', db.url, '--map', map, '--subject', 'id=4', '--out', out, '--json'])
      expect(exported.code, exported.stderr).to.equal(0)
      const files = JSON.parse(exported.stdout).files as Array<{table: string; rows: number}>
      const total = files.filter(f => f.table.startsWith('public.events')).reduce((n, f) => n + f.rows, 0)
      expect(total, text).to.equal(4)
      const result = await erase(db, map, '--subject', 'id=4', '--json')
      expect(result.code, result.stderr + result.stdout).to.equal(0)
      const touched = JSON.parse(result.stdout).touched
      expect((touched['public.events'] ?? 0) + (touched['public.events_archive'] ?? 0)).to.equal(4)
      expect(await value(db, 'SELECT count(*)::int FROM events WHERE user_id = 4')).to.equal(0)
    })
  })
})
