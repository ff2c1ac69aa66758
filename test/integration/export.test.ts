import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Decrypter, generateIdentity, identityToRecipient} from 'age-encryption'
import {expect} from 'chai'

import {ALICE} from '../support/fixture/generate.js'
import {jsonRows, readZip, rewriteZip} from '../support/archive.js'
import {BIN, PROJECT_ROOT, runCli, useDatabase} from '../support/context.js'

const HEAVY_EVENTS = 150_000

describe('privacy:export and privacy:verify', () => {
  const db = useDatabase({users: 300, heavyEventsPerSubject: HEAVY_EVENTS})
  let dir: string
  let map: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-export-'))
    map = join(dir, 'privacy.yml')
    const scan = await runCli(['privacy:scan', '--database-url', db.url, '--out', map])
    expect(scan.code, scan.stderr).to.equal(0)
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  // The fixture keeps card numbers: plain zips need --allow-plaintext (the refusal itself is tested in export-art15).
  const exportCli = (...args: string[]) => runCli(['privacy:export', '--database-url', db.url, '--map', map, '--allow-plaintext', ...args])

  /** The rows the data map ties to Alice, found with hand-written SQL rather than the tool's walk. */
  async function expectedIds(): Promise<Record<string, string[]>> {
    const q = async (sql: string) => (await db.pool.query(sql, [ALICE.id, ALICE.email])).rows.map(r => String(r.id)).sort()
    return {
      'public.users': await q('SELECT id FROM users WHERE id = $1 AND email = $2'),
      'public.profiles': (await db.pool.query('SELECT user_id AS id FROM profiles WHERE user_id = $1', [ALICE.id])).rows.map(r => String(r.id)),
      'public.addresses': await q("SELECT id FROM addresses WHERE user_id = $1 AND $2 <> ''"),
      'public.orders': await q("SELECT id FROM orders WHERE user_id = $1 AND $2 <> ''"),
      'public.order_items': await q("SELECT i.id FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.user_id = $1 AND $2 <> ''"),
      'public.payments': await q("SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.user_id = $1 AND $2 <> ''"),
      'public.messages': await q("SELECT id FROM messages WHERE (sender_id = $1 OR recipient_id = $1) AND $2 <> ''"),
      'public.audit_events': await q("SELECT id FROM audit_events WHERE user_id = $1 AND $2 <> ''"),
      'public.page_views': await q("SELECT id FROM page_views WHERE user_id = $1 AND $2 <> ''"),
      'public.organizations': await q("SELECT id FROM organizations WHERE billing_contact_id = $1 AND $2 <> ''"),
      'public.support_tickets': await q('SELECT id FROM support_tickets WHERE requester_email = $2 AND $1 > 0'),
      'salesforce.contact': await q('SELECT id FROM salesforce.contact WHERE email = $2 AND $1 > 0'),
    }
  }

  describe('one person, as JSON', () => {
    let archive: string
    let summary: any

    before(async () => {
      archive = join(dir, 'alice.zip')
      const result = await exportCli('--subject', `email=${ALICE.email}`, '--out', archive, '--json')
      expect(result.code, result.stderr).to.equal(0)
      summary = JSON.parse(result.stdout)
    })

    it("holds every row the map ties to the person and no one else's", async () => {
      const entries = await readZip(archive)
      const expected = await expectedIds()
      for (const [table, ids] of Object.entries(expected)) {
        const keyColumn = table === 'public.profiles' ? 'user_id' : 'id'
        const got = jsonRows(entries, table)
          .map(r => String(r[keyColumn]))
          .sort()
        expect(got, table).to.deep.equal(ids)
        expect(ids.length, `${table} has rows for the subject in the fixture`).to.be.greaterThan(0)
      }
    })

    it('follows the implicit email reference and the Heroku Connect table', async () => {
      const entries = await readZip(archive)
      expect(jsonRows(entries, 'public.support_tickets').every(r => r.requester_email === ALICE.email)).to.equal(true)
      expect(jsonRows(entries, 'salesforce.contact')[0]!.email).to.equal(ALICE.email)
    })

    it('withholds credentials and pseudonymises the other party', async () => {
      const entries = await readZip(archive)
      expect(jsonRows(entries, 'public.users')[0]).to.not.have.property('password_digest')
      const messages = jsonRows(entries, 'public.messages')
      for (const message of messages) {
        const parties = [message.sender_id, message.recipient_id].map(String)
        expect(parties).to.include(String(ALICE.id))
        expect(parties.filter(p => p !== String(ALICE.id)).every(p => /^person-[0-9a-f]{12}$/.test(p))).to.equal(true)
      }
      const manifest = JSON.parse(entries.get('manifest.json')!.toString())
      expect(manifest.withheld.find((w: {column: string}) => w.column === 'password_digest')).to.deep.include({table: 'public.users', code: 'credentials'})
      expect(manifest.pseudonymised.map((p: {column: string}) => p.column)).to.include.members(['sender_id', 'recipient_id'])
      expect(manifest.subjects[0].fingerprint).to.match(/^[0-9a-f]{64}$/)
      expect(manifest.snapshotAt).to.equal(summary.snapshotAt)
      expect(manifest.notCovered.join(' ')).to.match(/backups/)
    })

    it('has a readable page for the person', async () => {
      const html = (await readZip(archive)).get('index.html')!.toString()
      expect(html).to.include('<h4>Support tickets')
      expect(html).to.include('<th scope="col">Full name</th>')
      expect(html).to.include(ALICE.fullName)
    })

    it('verifies, and a tampered copy fails naming the file', async () => {
      const ok = await runCli(['privacy:verify', archive])
      expect(ok.code, ok.stderr).to.equal(0)
      expect(ok.stdout).to.match(/is intact: 12 files match/)
      const tampered = join(dir, 'tampered.zip')
      const entries = await readZip(archive)
      const rows = jsonRows(entries, 'public.orders')
      rows[0]!.total_cents = 1
      await rewriteZip(archive, tampered, {'data/public.orders.json': `[\n${rows.map(r => JSON.stringify(r)).join(',\n')}\n]\n`})
      const bad = await runCli(['privacy:verify', tampered])
      expect(bad.code).to.equal(3)
      expect(bad.stderr).to.match(/does not match its manifest: data\/public\.orders\.json/)
      const json = JSON.parse((await runCli(['privacy:verify', tampered, '--json'])).stdout)
      expect(json.error.details.files.find((f: {path: string}) => f.path === 'data/public.orders.json').problem).to.match(/checksum/)
      const added = join(dir, 'added.zip')
      await rewriteZip(archive, added, {'data/extra.json': '[]'})
      expect((await runCli(['privacy:verify', added])).code).to.equal(3)
    })

    it("records the export in the ledger without the person's data", async () => {
      const {rows} = await db.pool.query(`SELECT details::text AS details FROM heroku_privacy.events WHERE action = 'export.created'`)
      expect(rows.length).to.be.greaterThan(0)
      expect(rows[0].details).to.include(summary.sha256)
      expect(rows[0].details).to.not.include(ALICE.email)
    })
  })

  describe('formats and options', () => {
    it('writes values faithfully in JSON (binary as base64, times in UTC) and the same pseudonyms as CSV', async () => {
      await db.pool.query(`CREATE TABLE user_files (
        id serial PRIMARY KEY, owner_id bigint REFERENCES users(id), shared_with_id bigint REFERENCES users(id),
        content bytea, chunks bytea[], uploaded_at timestamptz, taken_on date, size numeric, tags text[], meta jsonb, note text)`)
      try {
        await db.pool.query(
          `INSERT INTO user_files (owner_id, shared_with_id, content, chunks, uploaded_at, taken_on, size, tags, meta, note)
          VALUES ($1, 7, '\\x00ff10', ARRAY['\\x01'::bytea, NULL, '\\x0203'], '2025-03-01 12:30:00.123456+02', '2025-02-28', 12.50, '{a,"b c"}', '{"k": [1, 2]}', E'line\\nbreak "quoted" \\\\ é')`,
          [ALICE.id],
        )
        const fileMap = join(dir, 'files.yml')
        expect((await runCli(['privacy:scan', '--database-url', db.url, '--out', fileMap])).code).to.equal(0)
        const exportWith = async (format: string) => {
          const archive = join(dir, `files-${format}.zip`)
          const result = await runCli([
            'privacy:export',
            '--database-url',
            db.url,
            '--map',
            fileMap,
            '--subject',
            `id=${ALICE.id}`,
            '--format',
            format,
            '--out',
            archive,
            '--allow-plaintext',
          ])
          expect(result.code, result.stderr).to.equal(0)
          return readZip(archive)
        }
        const [row] = jsonRows(await exportWith('json'), 'public.user_files')
        expect(row).to.deep.include({
          owner_id: ALICE.id,
          content: 'AP8Q',
          chunks: ['AQ==', null, 'AgM='],
          uploaded_at: '2025-03-01T10:30:00.123456+00:00',
          taken_on: '2025-02-28',
          size: 12.5,
          tags: ['a', 'b c'],
          meta: {k: [1, 2]},
          note: 'line\nbreak "quoted" \\ é',
        })
        expect(row!.shared_with_id).to.match(/^person-[0-9a-f]{12}$/)
        const csv = (await exportWith('csv')).get('data/public.user_files.csv')!.toString()
        expect(csv).to.include(row!.shared_with_id as string)
      } finally {
        await db.pool.query('DROP TABLE user_files')
      }
    })

    it('escapes spreadsheet formulas in CSV', async () => {
      await db.pool.query(`UPDATE users SET full_name = '=HYPERLINK("http://evil.example","x")' WHERE id = 7`)
      const archive = join(dir, 'csv.zip')
      const result = await exportCli('--subject', 'id=7', '--format', 'csv', '--out', archive)
      expect(result.code, result.stderr).to.equal(0)
      const csv = (await readZip(archive)).get('data/public.users.csv')!.toString()
      expect(csv).to.include(`"'=HYPERLINK(""http://evil.example"",""x"")"`)
      expect((await runCli(['privacy:verify', archive])).code).to.equal(0)
    })

    it('exports a batch from --subjects-file into one archive', async () => {
      const file = join(dir, 'people.txt')
      await writeFile(file, `# two people\nemail=${ALICE.email}\nid=5\n`)
      const result = await exportCli('--subjects-file', file, '--out', join(dir, 'batch.zip'), '--json')
      expect(result.code, result.stderr).to.equal(0)
      const entries = await readZip(join(dir, 'batch.zip'))
      expect(
        jsonRows(entries, 'public.users')
          .map(r => Number(r.id))
          .sort(),
      ).to.deep.equal([1, 5])
    })

    it('prints dataclip SQL that returns the same rows', async () => {
      const result = await exportCli('--subject', `email=${ALICE.email}`, '--format', 'dataclip', '--json')
      expect(result.code, result.stderr).to.equal(0)
      const {queries} = JSON.parse(result.stdout)
      const tickets = queries.find((q: {table: string}) => q.table === 'public.support_tickets')
      const {rows} = await db.pool.query(tickets.sql)
      expect(rows.length).to.equal((await expectedIds())['public.support_tickets']!.length)
      const text = await exportCli('--subject', `email=${ALICE.email}`, '--format', 'dataclip')
      expect(text.stdout).to.include('Heroku has no API to create them')
    })

    it('encrypts to an age recipient', async () => {
      const identity = await generateIdentity()
      const archive = join(dir, 'alice.zip.age')
      const result = await exportCli('--subject', 'id=1', '--out', archive, '--encrypt-to', await identityToRecipient(identity))
      expect(result.code, result.stderr).to.equal(0)
      const decrypter = new Decrypter()
      decrypter.addIdentity(identity)
      const plain = await decrypter.decrypt(await readFile(archive))
      expect(Buffer.from(plain).subarray(0, 2).toString()).to.equal('PK')
      expect(existsSync(`${archive}.partial`)).to.equal(false)
    })
  })

  describe('bad input', () => {
    it('treats quotes and SQL in a lookup value as data', async () => {
      const result = await exportCli('--subject', "email=x' OR '1'='1", '--out', join(dir, 'inject.zip'))
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/No subject found by email/)
      expect(result.stderr).to.not.include("OR '1'='1")
      expect(existsSync(join(dir, 'inject.zip'))).to.equal(false)
      expect(existsSync(join(dir, 'inject.zip.partial'))).to.equal(false)
    })

    it('refuses a lookup column the map does not allow', async () => {
      const result = await exportCli('--subject', 'full_name=Alice Example', '--out', join(dir, 'x.zip'))
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/not a lookup column of public\.users; the data map allows email, id/)
    })

    it('says how many people a loose lookup matches', async () => {
      const loose = join(dir, 'loose.yml')
      await writeFile(loose, (await readFile(map, 'utf8')).replace(/lookup:\n(\s+)- email/, 'lookup:\n$1- phone\n$1- email'))
      await db.pool.query(`UPDATE users SET phone = '+1 555 0000000' WHERE id IN (8, 9)`)
      const result = await runCli([
        'privacy:export',
        '--database-url',
        db.url,
        '--map',
        loose,
        '--subject',
        'phone=+1 555 0000000',
        '--out',
        join(dir, 'loose.zip'),
        '--allow-plaintext',
      ])
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/The lookup by phone matches 2 people in public\.users; use a more precise key such as id/)
      expect(result.stderr).to.not.include('0000000')
    })

    it('needs a map, and one that matches the database', async () => {
      const missing = await runCli(['privacy:export', '--database-url', db.url, '--map', join(dir, 'nope.yml'), '--subject', 'id=1'])
      expect(missing.code).to.equal(1)
      expect(missing.stderr).to.match(/No data map at .*privacy:scan/)
      await db.pool.query('ALTER TABLE users RENAME COLUMN phone TO phone_number')
      try {
        const drifted = await exportCli('--subject', 'id=1', '--out', join(dir, 'drift.zip'))
        expect(drifted.code).to.equal(1)
        expect(drifted.stderr).to.match(/does not match the database .*privacy:scan --check/)
      } finally {
        await db.pool.query('ALTER TABLE users RENAME COLUMN phone_number TO phone')
      }
    })

    it('refuses to overwrite without --force', async () => {
      const archive = join(dir, 'twice.zip')
      expect((await exportCli('--subject', 'id=10', '--out', archive)).code).to.equal(0)
      const again = await exportCli('--subject', 'id=11', '--out', archive)
      expect(again.code).to.equal(1)
      expect(again.stderr).to.match(/already exists\. .*--force/)
      expect((await exportCli('--subject', 'id=11', '--out', archive, '--force')).code).to.equal(0)
    })

    it('refuses an unknown request id', async () => {
      const result = await exportCli('--subject', 'id=1', '--request', 'R-2026-9999', '--out', join(dir, 'r.zip'))
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/No request R-2026-9999/)
    })
  })

  describe('a heavy subject', () => {
    it(`streams ${HEAVY_EVENTS.toLocaleString('en')} rows with bounded memory`, async function () {
      this.timeout(180_000)
      const result = await exportCli('--subject', 'id=2', '--out', join(dir, 'heavy.zip'), '--json')
      expect(result.code, result.stderr).to.equal(0)
      const summary = JSON.parse(result.stdout)
      expect(summary.rows).to.be.greaterThan(HEAVY_EVENTS)
      // A generous bound: the whole table would need several times this.
      expect(summary.peakRssBytes).to.be.lessThan(250 * 1024 * 1024)
    })

    it('leaves no complete-looking archive when killed mid-export', async function () {
      this.timeout(120_000)
      const archive = join(dir, 'killed.zip')
      const child = spawn(
        process.execPath,
        [BIN, 'privacy:export', '--database-url', db.url, '--map', map, '--subject', 'id=3', '--out', archive, '--allow-plaintext'],
        {cwd: PROJECT_ROOT, stdio: 'ignore'},
      )
      const exited = new Promise(resolve => child.on('exit', resolve))
      for (let i = 0; i < 600 && !existsSync(`${archive}.partial`); i++) await new Promise(resolve => setTimeout(resolve, 25))
      child.kill('SIGKILL')
      await exited
      expect(existsSync(archive)).to.equal(false)
      expect((await readdir(dir)).filter(name => name.startsWith('killed.zip')).every(name => name.endsWith('.partial'))).to.equal(true)
    })
  })
})
