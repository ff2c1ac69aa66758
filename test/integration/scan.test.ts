import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'
import pg from 'pg'

import {parseDataMap} from '../../src/lib/datamap/load.js'
import {introspect} from '../../src/lib/db/introspect.js'
import {sampleTable, sampledColumns} from '../../src/lib/scan/sample.js'
import {runCli, useDatabase} from '../support/context.js'

/** Every column the fixture fills with personal data, and what it is. */
const SEEDED: Record<string, string> = {
  'public.users.email': 'contact',
  'public.users.full_name': 'identity',
  'public.users.phone': 'contact',
  'public.users.date_of_birth': 'identity',
  'public.users.signup_ip': 'online_id',
  'public.users.password_digest': 'credentials',
  'public.profiles.display_name': 'identity',
  'public.profiles.bio': 'free_text',
  'public.profiles.avatar_url': 'identity',
  'public.profiles.preferences': 'contact',
  'public.addresses.line1': 'location',
  'public.addresses.city': 'location',
  'public.addresses.postcode': 'location',
  'public.addresses.latitude': 'location',
  'public.addresses.longitude': 'location',
  'public.payments.card_number': 'financial',
  'public.payments.card_last4': 'financial',
  'public.payments.iban': 'financial',
  'public.support_tickets.requester_email': 'contact',
  'public.support_tickets.body': 'free_text',
  'public.messages.body': 'free_text',
  'public.audit_events.ip': 'online_id',
  'public.audit_events.user_agent': 'online_id',
  'public.audit_events.metadata': 'contact',
  'public.page_views.referrer': 'behavioral',
  'salesforce.contact.email': 'contact',
  'salesforce.contact.firstname': 'identity',
  'salesforce.contact.lastname': 'identity',
  'salesforce.contact.phone': 'contact',
  'salesforce.contact.mailingcity': 'location',
  // A shared organisation's pointer to the person: cleared on erasure, the organisation kept.
  'public.organizations.billing_contact_id': 'identity',
}

/** Columns a reviewer could reasonably accept either way; not counted as false positives. */
const DEBATABLE = new Set([
  'public.users.marketing_opt_in',
  'public.profiles.interests',
  'public.page_views.path',
  'public.organizations.name',
  'public.addresses.country',
])

describe('privacy:scan', () => {
  const db = useDatabase({users: 400})
  let dir: string
  let file: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-scan-'))
    file = join(dir, 'privacy.yml')
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const scan = (...args: string[]) => runCli(['privacy:scan', '--database-url', db.url, '--out', file, ...args])

  describe('a first scan', () => {
    let report: any
    let map: ReturnType<typeof parseDataMap>['map']

    before(async () => {
      const result = await scan('--json')
      expect(result.code, result.stderr).to.equal(0)
      report = JSON.parse(result.stdout)
      map = parseDataMap(await readFile(file, 'utf8'), file).map
    })

    it('finds every seeded personal column with the right category', () => {
      const found = new Map<string, string>()
      for (const [key, spec] of Object.entries(map.tables)) {
        for (const [column, c] of Object.entries(spec.columns ?? {})) if (c.category !== 'none') found.set(`${key}.${column}`, c.category)
      }
      const missed = Object.keys(SEEDED).filter(c => !found.has(c))
      const wrong = Object.entries(SEEDED)
        .filter(([c, category]) => found.has(c) && found.get(c) !== category)
        .map(([c]) => `${c}: ${found.get(c)}`)
      const falsePositives = [...found.keys()].filter(c => !SEEDED[c] && !DEBATABLE.has(c))
      expect(missed, 'missed').to.deep.equal([])
      expect(wrong, 'wrong category').to.deep.equal([])
      expect(falsePositives, 'false positives').to.deep.equal([])
    })

    it('picks the subject table and its lookup columns', () => {
      expect(map.subject).to.deep.equal({table: 'public.users', key: 'id', lookup: ['email', 'id']})
    })

    it('follows foreign keys any depth, through the cycle, with several edges to the same person', () => {
      expect(map.tables['public.payments']?.via).to.deep.equal({column: 'order_id', to: 'public.orders.id'})
      expect(map.tables['public.order_items']?.via).to.deep.equal({column: 'order_id', to: 'public.orders.id'})
      expect(map.tables['public.organizations']?.via).to.deep.equal({column: 'billing_contact_id', to: 'public.users.id'})
      expect(map.tables['public.messages']?.via).to.have.length(2)
      expect(map.tables['public.messages']?.third_party).to.deep.equal(['recipient_id', 'sender_id'])
    })

    it('marks the self-reference as another person', () => {
      expect(map.tables['public.users']?.third_party).to.deep.equal(['referred_by_id'])
      expect(map.tables['public.users']?.via).to.equal(undefined)
    })

    it('proposes the implicit email references', () => {
      expect(map.tables['public.support_tickets']?.via).to.deep.equal({column: 'requester_email', to: 'public.users.email', proposed: true})
      expect(map.tables['salesforce.contact']?.via).to.deep.equal({column: 'email', to: 'public.users.email', proposed: true})
      expect(report.proposals.map((p: {table: string}) => p.table)).to.have.members(['public.support_tickets', 'salesforce.contact'])
    })

    it('maps a partitioned table once, through its parent', () => {
      expect(map.tables['public.page_views']).to.not.equal(undefined)
      expect(Object.keys(map.tables).filter(k => k.startsWith('public.page_views_'))).to.deep.equal([])
    })

    it('marks Heroku Connect tables and excludes tables without personal data', () => {
      expect(map.tables['salesforce.contact']?.connect).to.equal(true)
      expect(map.exclude).to.include('public.schema_migrations')
    })

    it('writes the evidence as comments and passes --check at once', async () => {
      const text = await readFile(file, 'utf8')
      expect(text).to.match(/card_number: \{ category: financial, erase: "null" \} # .*Luhn/)
      const check = await scan('--check')
      expect(check.code, check.stdout + check.stderr).to.equal(0)
    })
  })

  describe('keeping human edits', () => {
    it('round-trips a hand-edited map and adds only what is new', async () => {
      await scan()
      let text = await readFile(file, 'utf8')
      text = text
        .replace(
          /(  public\.orders:\n)/,
          '$1    # kept ten years for the tax office\n    hold: { reason: "invoices: 10-year tax retention", basis: legal_obligation }\n',
        )
        .replace('via: { column: requester_email, to: public.users.email, proposed: true }', 'via: { column: requester_email, to: public.users.email }')
        .replace(/full_name: \{[^}]*\}.*\n/, 'full_name: { category: identity, erase: fake } # reviewed by the DPO\n')
      await writeFile(file, text)
      await db.pool.query('ALTER TABLE users ADD COLUMN nickname text')
      try {
        const result = await scan('--json')
        expect(result.code, result.stderr).to.equal(0)
        expect(JSON.parse(result.stdout).added).to.deep.equal(['public.users.nickname'])
        const after = await readFile(file, 'utf8')
        expect(after).to.include('# kept ten years for the tax office')
        expect(after).to.include('hold: { reason: "invoices: 10-year tax retention", basis: legal_obligation }')
        expect(after).to.include('full_name: { category: identity, erase: fake } # reviewed by the DPO')
        expect(after).to.include('via: { column: requester_email, to: public.users.email } #')
        expect(parseDataMap(after, file).map.tables['public.support_tickets']?.via).to.deep.equal({column: 'requester_email', to: 'public.users.email'})
        expect(after).to.match(/nickname: \{ category: identity/)
      } finally {
        await db.pool.query('ALTER TABLE users DROP COLUMN nickname')
      }
      const cleaned = await scan('--json')
      expect(JSON.parse(cleaned.stdout).removed).to.deep.equal(['public.users.nickname'])
    })
  })

  describe('--check in CI', () => {
    before(async () => {
      await rm(file, {force: true})
      await scan()
    })

    it('exits 3 after a column is added, and says what it looks like', async () => {
      await db.pool.query('ALTER TABLE addresses ADD COLUMN phone text')
      await db.pool.query(`UPDATE addresses SET phone = '+44 20 7946 0958'`)
      try {
        const result = await scan('--check')
        expect(result.code).to.equal(3)
        expect(result.stdout).to.match(/public\.addresses\.phone \(text\) — looks like contact/)
        expect(result.stderr).to.match(/is out of date with .*run `heroku privacy:scan`/)
        const json = await scan('--check', '--json')
        expect(json.code).to.equal(3)
        const error = JSON.parse(json.stdout).error
        expect(error.code).to.equal('map_drift')
        expect(error.details.drift.columnsUnclassified).to.deep.equal([{table: 'public.addresses', column: 'phone', type: 'text'}])
      } finally {
        await db.pool.query('ALTER TABLE addresses DROP COLUMN phone')
      }
    })

    it('exits 3 when the map names a column that is gone', async () => {
      await db.pool.query('ALTER TABLE profiles DROP COLUMN avatar_url')
      try {
        const result = await scan('--check')
        expect(result.code).to.equal(3)
        expect(result.stdout).to.include('public.profiles.avatar_url')
      } finally {
        await db.pool.query('ALTER TABLE profiles ADD COLUMN avatar_url text')
      }
    })

    it('changes nothing on disk', async () => {
      const before = await readFile(file, 'utf8')
      await db.pool.query('CREATE TABLE newsletter_signups (id serial PRIMARY KEY, email text)')
      try {
        expect((await scan('--check')).code).to.equal(3)
        expect(await readFile(file, 'utf8')).to.equal(before)
      } finally {
        await db.pool.query('DROP TABLE newsletter_signups')
      }
    })
  })

  describe('bad input', () => {
    it('points at the line of a reference to a missing table, with a suggestion', async () => {
      await scan()
      const text = (await readFile(file, 'utf8')).replace('via: { column: user_id, to: public.users.id }', 'via: { column: user_id, to: public.user.id }')
      await writeFile(file, text)
      const line = text.split('\n').findIndex(l => l.includes('to: public.user.id')) + 1
      const result = await scan('--check')
      expect(result.code).to.equal(3)
      expect(result.stdout).to.match(
        new RegExp(`line ${line} tables\\.public\\.addresses\\.via\\.to: table public\\.user does not exist — did you mean public\\.users\\?`),
      )
      expect(result.stderr + result.stdout).to.not.match(/\n\s+at /)
      const json = JSON.parse((await runCli(['privacy:scan', '--database-url', db.url, '--out', file, '--json'])).stdout)
      const problem = json.problems.find((p: {message: string}) => p.message.includes('public.user '))
      expect(problem.message).to.equal('table public.user does not exist — did you mean public.users?')
      expect(problem.line).to.equal(line)
      await rm(file)
    })

    it('refuses to overwrite a map that is not valid YAML', async () => {
      await writeFile(file, 'version: 1\ntables: [broken\n')
      const result = await scan()
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/privacy\.yml has a problem: .*privacy\.yml:\d+ \(yaml\)/)
      expect(await readFile(file, 'utf8')).to.equal('version: 1\ntables: [broken\n')
      await rm(file)
    })

    it('says which subject table is missing, with a suggestion', async () => {
      const result = await scan('--subject-table', 'public.user')
      expect(result.code).to.equal(2)
      expect(result.stderr).to.include('--subject-table public.user does not exist — did you mean public.users?')
    })

    it('refuses a subject table without a primary key', async () => {
      const result = await scan('--subject-table', 'salesforce._trigger_log_nopk')
      expect(result.code).to.equal(2)
      await db.pool.query('CREATE TABLE people_nopk (email text)')
      try {
        const noKey = await scan('--subject-table', 'public.people_nopk')
        expect(noKey.code).to.equal(1)
        expect(noKey.stderr).to.include('has no primary key')
      } finally {
        await db.pool.query('DROP TABLE people_nopk')
      }
    })

    it('reports tables the role cannot read and scans the rest', async () => {
      const role = `scan_${Date.now()}`
      await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'scan-pass-123'`)
      await db.pool.query(
        `GRANT USAGE ON SCHEMA public, salesforce TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA public, salesforce TO ${role}; REVOKE SELECT ON payments FROM ${role}`,
      )
      try {
        const url = new URL(db.url)
        url.username = role
        url.password = 'scan-pass-123'
        const result = await runCli(['privacy:scan', '--database-url', url.toString(), '--out', join(dir, 'limited.yml'), '--json'])
        expect(result.code, result.stderr).to.equal(0)
        const report = JSON.parse(result.stdout)
        expect(report.unreadable).to.deep.equal(['public.payments'])
        expect(report.columns.find((c: {table: string; column: string}) => c.table === 'public.payments' && c.column === 'card_number')?.category).to.equal(
          'financial',
        )
        expect(report.tablesScanned).to.be.greaterThan(10)
        expect(result.stdout + result.stderr).to.not.include('scan-pass-123')
      } finally {
        await db.pool.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`)
      }
    })
  })

  describe('sampling', () => {
    it('reads a bounded block sample of a large table instead of scanning it', async () => {
      await db.pool.query(`CREATE TABLE big_events AS SELECT g AS id, 'user' || g || '@example.com' AS email FROM generate_series(1, 200000) g`)
      await db.pool.query('ANALYZE big_events')
      try {
        const table = (await introspect(db.pool)).tables.get('public.big_events')!
        const queries: string[] = []
        const spy = {
          query: (sql: string) => {
            queries.push(sql)
            return db.pool.query(sql)
          },
        } as unknown as pg.Pool
        const samples = await sampleTable(spy, table, sampledColumns(table), 100)
        expect(queries[0]).to.match(/TABLESAMPLE SYSTEM \(\d/)
        expect(samples.get('email')!.length).to.be.at.most(100)
        expect(samples.get('email')!.length).to.be.greaterThan(0)
      } finally {
        await db.pool.query('DROP TABLE big_events')
      }
    })
  })
})
