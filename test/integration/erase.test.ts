import {readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'
import pg from 'pg'

import {ALICE} from '../support/fixture/generate.js'
import {runCli, restrictForTest, useDatabase, writeReviewedMap} from '../support/context.js'

/** md5 of every row of every table, except rows listed in `skip` (table → keys as text). */
async function checksums(pool: pg.Pool, skip: Record<string, string[]> = {}): Promise<Record<string, string>> {
  const {rows: tables} = await pool.query(`
    SELECT n.nspname || '.' || c.relname AS key, (SELECT a.attname FROM pg_attribute a JOIN pg_index i ON i.indrelid = c.oid AND a.attnum = i.indkey[0] AND i.indisprimary WHERE a.attrelid = c.oid) AS pk
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname IN ('public', 'salesforce')`)
  const sums: Record<string, string> = {}
  for (const {key, pk} of tables) {
    const [schema, name] = key.split('.')
    const {rows} = await pool.query(
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM "${schema}"."${name}" t WHERE NOT (t."${pk}"::text = ANY($1))`,
      [skip[key] ?? []],
    )
    sums[key] = rows[0].sum
  }
  return sums
}

/** Every text-like and JSON value in the database that contains one of the needles, found without the tool. */
async function findText(pool: pg.Pool, needles: string[]): Promise<string[]> {
  const {rows: columns} = await pool.query(`
    SELECT table_schema, table_name, column_name FROM information_schema.columns
    WHERE table_schema IN ('public', 'salesforce') AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY', 'inet')`)
  const hits: string[] = []
  for (const c of columns) {
    for (const needle of needles) {
      const {rows} = await pool.query(
        `SELECT count(*)::int AS n FROM "${c.table_schema}"."${c.table_name}" WHERE "${c.column_name}"::text ILIKE '%' || $1 || '%'`,
        [needle],
      )
      if (rows[0].n > 0) hits.push(`${c.table_schema}.${c.table_name}.${c.column_name} contains ${needle}`)
    }
  }
  return hits
}

describe('privacy:erase', () => {
  const db = useDatabase({users: 300})
  let dir: string
  let map: string

  before(async () => {
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const erase = (...args: string[]) => runCli(['privacy:erase', '--database-url', db.url, '--map', map, ...args])
  const confirm = () => ['--confirm', db.name]

  describe('refusals that change nothing', () => {
    it('needs --confirm without a terminal', async () => {
      const result = await erase('--subject', `email=${ALICE.email}`)
      expect(result.code).to.equal(4)
      expect(result.stderr).to.match(new RegExp(`pass --confirm ${db.name}`))
    })

    it('a dry run prints the plan and its SQL and changes nothing', async () => {
      const before = await checksums(db.pool)
      const result = await erase('--subject', `email=${ALICE.email}`, '--dry-run', '--include-connect')
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.match(/delete\s+public\.audit_events\s+5/)
      expect(result.stdout).to.match(/DELETE FROM "public"\."audit_events" t USING pg_temp\.hp_k\d+ k WHERE/)
      expect(result.stdout).to.not.include(ALICE.email)
      expect(await checksums(db.pool)).to.deep.equal(before)
    })

    it('refuses a map with unconfirmed proposed references', async () => {
      const proposed = join(dir, 'proposed.yml')
      await writeFile(
        proposed,
        (await readFile(map, 'utf8')).replace(
          'via: { column: requester_email, to: public.users.email }',
          'via: { column: requester_email, to: public.users.email, proposed: true }',
        ),
      )
      const result = await runCli(['privacy:erase', '--database-url', db.url, '--map', proposed, '--subject', 'id=9', ...confirm()])
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/still has proposed references \(public\.support_tickets\)/)
    })

    it('catches a strategy that cannot work on the column before any write', async () => {
      const bad = join(dir, 'bad.yml')
      await writeFile(bad, (await readFile(map, 'utf8')).replace(/date_of_birth: \{[^}]*\}/, 'date_of_birth: { category: identity, erase: hash }'))
      const result = await runCli(['privacy:erase', '--database-url', db.url, '--map', bad, '--subject', 'id=9', ...confirm()])
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/erase: hash on date_of_birth \(date\) needs a text column/)
    })

    it('rolls everything back when a statement fails mid-plan', async () => {
      await db.pool.query(`CREATE FUNCTION fail_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`)
      await db.pool.query('CREATE TRIGGER injected BEFORE DELETE ON page_views FOR EACH ROW EXECUTE FUNCTION fail_delete()')
      const before = await checksums(db.pool)
      try {
        const result = await erase('--subject', 'id=9', ...confirm())
        expect(result.code).to.equal(1)
        expect(result.stderr).to.include('injected failure')
        expect(await checksums(db.pool)).to.deep.equal(before)
      } finally {
        await db.pool.query('DROP TRIGGER injected ON page_views; DROP FUNCTION fail_delete()')
      }
    })

    it('names the constraint that refused a change, and rolls back', async () => {
      await db.pool.query(`ALTER TABLE users ADD CONSTRAINT full_name_visible CHECK (full_name <> '[redacted]')`)
      const before = await checksums(db.pool)
      try {
        const result = await erase('--subject', 'id=9', ...confirm())
        expect(result.code).to.equal(1)
        expect(result.stderr).to.match(/stopped at public\.users: a check constraint \(full_name_visible\) refused it/)
        expect(await checksums(db.pool)).to.deep.equal(before)
      } finally {
        await db.pool.query('ALTER TABLE users DROP CONSTRAINT full_name_visible')
      }
    })

    it('gives up on a lock held by another session, with advice', async () => {
      const holder = await db.pool.connect()
      try {
        await holder.query('BEGIN')
        await holder.query('SELECT * FROM page_views WHERE user_id = 9 FOR UPDATE')
        const result = await erase('--subject', 'id=9', '--lock-timeout', '1', ...confirm())
        expect(result.code).to.equal(1)
        expect(result.stderr).to.match(/Another session holds locks on public\.page_views.*--lock-timeout/)
      } finally {
        await holder.query('ROLLBACK')
        holder.release()
      }
    })
  })

  it('lists the Heroku Connect tables it skipped without --include-connect under "not erased", with the reason', async () => {
    const result = await erase('--subject', `email=${ALICE.email}`, '--dry-run', '--json')
    expect(result.code, result.stderr).to.equal(0)
    const notErased = JSON.parse(result.stdout).notErased as Array<{table: string; rows: number; reason: string}>
    const connect = notErased.filter(n => n.table.startsWith('salesforce.'))
    expect(connect.length, JSON.stringify(notErased)).to.be.greaterThan(0)
    for (const entry of connect) {
      expect(entry.rows).to.be.greaterThan(0)
      expect(entry.reason).to.match(/include-connect/)
    }
  })

  describe('erasing one person', () => {
    let othersBefore: Record<string, string>
    let aliceRows: Record<string, string[]>
    let report: any

    before(async () => {
      const ids = async (sql: string) => (await db.pool.query(sql, [ALICE.id])).rows.map(r => String(r.id))
      aliceRows = {
        'public.users': await ids('SELECT id FROM users WHERE id = $1'),
        'public.profiles': (await db.pool.query('SELECT user_id AS id FROM profiles WHERE user_id = $1', [ALICE.id])).rows.map(r => String(r.id)),
        'public.addresses': await ids('SELECT id FROM addresses WHERE user_id = $1'),
        'public.orders': await ids('SELECT id FROM orders WHERE user_id = $1'),
        'public.payments': await ids('SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.user_id = $1'),
        'public.messages': await ids('SELECT id FROM messages WHERE sender_id = $1 OR recipient_id = $1'),
        'public.audit_events': await ids('SELECT id FROM audit_events WHERE user_id = $1'),
        'public.page_views': await ids('SELECT id FROM page_views WHERE user_id = $1'),
        'public.organizations': await ids('SELECT id FROM organizations WHERE billing_contact_id = $1'),
        'public.support_tickets': (await db.pool.query('SELECT id FROM support_tickets WHERE requester_email = $1', [ALICE.email])).rows.map(r => String(r.id)),
        'salesforce.contact': (await db.pool.query('SELECT id FROM salesforce.contact WHERE email = $1', [ALICE.email])).rows.map(r => String(r.id)),
      }
      othersBefore = await checksums(db.pool, aliceRows)
      const result = await erase('--subject', `email=${ALICE.email}`, '--include-connect', '--json', ...confirm())
      expect(result.code, result.stderr).to.equal(0)
      report = JSON.parse(result.stdout)
    })

    it('leaves no trace of the person in any text or JSON column', async () => {
      expect(await findText(db.pool, [ALICE.email, ALICE.fullName, ALICE.phone, 'alice@'])).to.deep.equal([])
    })

    it("leaves every other person's data byte-identical", async () => {
      expect(await checksums(db.pool, aliceRows)).to.deep.equal(othersBefore)
    })

    it('says how much of the erasure the residue check took', () => {
      expect(report.residue.columns).to.be.greaterThan(0)
      expect(report.timings.residueMs).to.be.a('number').within(0, report.timings.totalMs)
    })

    it('deletes or anonymises as the map says, and keeps shared rows', async () => {
      expect((await db.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE user_id = $1', [ALICE.id])).rows[0].n).to.equal(0)
      const user = (await db.pool.query('SELECT email, full_name FROM users WHERE id = $1', [ALICE.id])).rows[0]
      expect(user.email).to.match(/^[0-9a-f]{64}$/)
      expect(user.full_name).to.equal('[redacted]')
      const org = (await db.pool.query('SELECT name, billing_contact_id FROM organizations WHERE id = 1')).rows[0]
      expect(org.billing_contact_id).to.equal(null)
      expect(org.name).to.equal('Org 1')
      expect((await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [ALICE.id])).rows[0].n).to.equal(
        aliceRows['public.orders']!.length,
      )
    })

    it('records primary keys and fingerprints in a ledger that verifies, and nothing erased', async () => {
      const {rows} = await db.pool.query(`SELECT seq, details::text AS details FROM heroku_privacy.events WHERE action = 'erasure.executed'`)
      expect(rows).to.have.length(1)
      expect(rows[0].details).to.not.include(ALICE.email)
      expect(rows[0].details).to.match(/"fingerprint": ?"[0-9a-f]{64}"/)
      const keys = (
        await db.pool.query('SELECT pk FROM heroku_privacy.event_rows WHERE seq = $1 AND table_name = $2', [rows[0].seq, 'public.audit_events'])
      ).rows
        .map(r => r.pk)
        .sort()
      expect(keys).to.deep.equal([...aliceRows['public.audit_events']!].sort())
      expect((await runCli(['privacy:ledger:verify', '--database-url', db.url])).code).to.equal(0)
      expect(report.elsewhere.join(' ')).to.match(/Logplex/)
    })
  })

  describe('legal holds', () => {
    it('refuses held rows with exit 4, and --except-held erases only the rest', async () => {
      await restrictForTest(db, map, 'id=12', 'legal-claim', {hold: true})
      const held = (await db.pool.query(`SELECT table_name, pk FROM heroku_privacy.restricted_rows`)).rows
      const heldEvents = held.filter(r => r.table_name === 'public.audit_events').map(r => r.pk)
      const refused = await erase('--subject', 'id=12', ...confirm())
      expect(refused.code).to.equal(4)
      expect(refused.stderr).to.match(/legal hold cannot be erased.*--except-held/)
      // Kept rows point at the person's row, so the root must stay for the hold: anonymise the rest only.
      const partial = join(dir, 'held.yml')
      await writeFile(partial, (await readFile(map, 'utf8')).replace(/(public\.users:\n\s+)erase: (delete|anonymize)/, '$1erase: anonymize'))
      const rest = await runCli(['privacy:erase', '--database-url', db.url, '--map', partial, '--subject', 'id=12', '--except-held', ...confirm(), '--json'])
      expect(rest.code, rest.stderr).to.equal(0)
      expect(JSON.parse(rest.stdout).held['public.audit_events']).to.equal(heldEvents.length)
      const left = (await db.pool.query('SELECT id::text AS id FROM audit_events WHERE user_id = 12 ORDER BY id')).rows.map(r => r.id)
      expect(left.sort()).to.deep.equal([...heldEvents].sort())
    })
  })
})

describe('privacy:erase in bulk', () => {
  const db = useDatabase({users: 10_300})

  it('names the missing index, then erases 10 000 people with one statement per step, and the ledger verifies', async function () {
    this.timeout(300_000)
    const {dir, map} = await writeReviewedMap(['--database-url', db.url])
    try {
      const people = join(dir, 'people.txt')
      await writeFile(people, Array.from({length: 10_000}, (_, i) => `id=${i + 100}`).join('\n'))
      const args = ['privacy:erase', '--database-url', db.url, '--map', map, '--subjects-file', people, '--include-connect']
      // The fixture, like many schemas, has no index on orders.shipping_address_id: deleting addresses would scan orders per row.
      const dry = await runCli([...args, '--dry-run'])
      expect(dry.stdout).to.match(
        /Slow: public\.orders \(shipping_address_id\) has no index.*CREATE INDEX CONCURRENTLY ON "public"\."orders" \("shipping_address_id"\);/,
      )
      const planned = JSON.parse((await runCli([...args, '--dry-run', '--json'])).stdout)
      expect(planned.unindexed.map((u: {table: string; columns: string[]}) => `${u.table}.${u.columns}`)).to.deep.equal(['public.orders.shipping_address_id'])
      for (const {createIndex} of planned.unindexed) await db.pool.query(createIndex)
      const result = await runCli([...args, '--confirm', db.name, '--json'])
      expect(result.code, result.stderr).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.unindexed).to.deep.equal([])
      expect(report.subjects).to.equal(10_000)
      expect(report.statements).to.equal(report.plan.length)
      expect(report.statements).to.be.lessThan(20)
      expect(report.touched['public.audit_events']).to.equal(50_000)
      expect((await db.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE user_id BETWEEN 100 AND 10099')).rows[0].n).to.equal(0)
      expect((await db.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE user_id = 99')).rows[0].n).to.equal(5)
      expect((await runCli(['privacy:ledger:verify', '--database-url', db.url])).code).to.equal(0)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
