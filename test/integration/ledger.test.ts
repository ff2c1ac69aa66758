import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'
import pg from 'pg'

import {PrivacyError} from '../../src/lib/errors.js'
import {LedgerContext} from '../../src/lib/ledger/context.js'
import {appendEvent, verifyChain} from '../../src/lib/ledger/events.js'
import {LATEST_LEDGER_VERSION, migrateLedger} from '../../src/lib/ledger/migrate.js'
import {ALICE} from '../support/fixture/generate.js'
import {testPostgres} from '../support/global-hooks.js'
import {runCli, useDatabase, useSimulator} from '../support/context.js'

describe('request ledger', () => {
  describe('migrations', () => {
    const db = useDatabase()

    it('are idempotent and safe when two runs start at once', async () => {
      const pools = [new pg.Pool({connectionString: db.url}), new pg.Pool({connectionString: db.url})]
      try {
        const results = await Promise.all(pools.map(pool => migrateLedger(pool, 'test')))
        expect(
          results
            .map(r => r.applied)
            .flat()
            .sort(),
        ).to.deep.equal([...Array(LATEST_LEDGER_VERSION).keys()].map(i => i + 1))
        expect((await migrateLedger(pools[0]!, 'test')).applied).to.deep.equal([])
        const {rows} = await db.pool.query("SELECT count(*)::int AS n FROM heroku_privacy.schema_versions WHERE component = 'ledger'")
        expect(rows[0].n).to.equal(LATEST_LEDGER_VERSION)
      } finally {
        await Promise.all(pools.map(pool => pool.end()))
      }
    })

    it('refuse clearly when the role may not create the schema', async () => {
      const role = `ro_${Date.now()}`
      await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'ro-pass-1234'; REVOKE CREATE ON DATABASE ${db.name} FROM PUBLIC`)
      try {
        const url = new URL(db.url.replace(/\/[^/]+$/, '/postgres'))
        url.pathname = `/${db.name}`
        url.username = role
        url.password = 'ro-pass-1234'
        await db.pool.query('DROP SCHEMA heroku_privacy CASCADE')
        const result = await runCli(['privacy:requests', '--database-url', url.toString()])
        expect(result.code).to.equal(1)
        expect(result.stderr).to.match(/may not create the heroku_privacy schema's ledger tables .*--ledger-url/)
        expect(result.stderr).to.not.include('ro-pass-1234')
      } finally {
        await db.pool.query(`DROP ROLE ${role}`)
      }
    })
  })

  describe('the event chain', () => {
    const db = useDatabase()
    let ctx: LedgerContext
    let now = new Date('2026-11-24T09:00:00Z')

    before(async () => {
      await migrateLedger(db.pool, 'test')
      ctx = {pool: db.pool, scope: 'test-app', actor: 'dpo@example.com', clock: () => now}
      for (let i = 0; i < 5; i++) {
        now = new Date(now.getTime() + 1000)
        await appendEvent(ctx, {action: 'test.event', details: {n: i, nested: {b: [1, 2], a: 'x'}}})
      }
    })

    it('verifies when untouched', async () => {
      const verdict = await verifyChain(db.pool, 2)
      expect(verdict).to.include({intact: true, events: 5})
    })

    it('rejects UPDATE, DELETE and TRUNCATE', async () => {
      await expect(db.pool.query(`UPDATE heroku_privacy.events SET action = 'x' WHERE seq = 1`)).to.be.rejectedWith(/append-only/)
      await expect(db.pool.query('DELETE FROM heroku_privacy.events WHERE seq = 1')).to.be.rejectedWith(/append-only/)
      await expect(db.pool.query('TRUNCATE heroku_privacy.events CASCADE')).to.be.rejectedWith(/append-only/)
      await expect(db.pool.query('TRUNCATE heroku_privacy.event_rows')).to.be.rejectedWith(/append-only/)
    })

    it('refuses an event dated before the last one', async () => {
      const behind = {...ctx, clock: () => new Date('2026-01-01T00:00:00Z')}
      await expect(appendEvent(behind, {action: 'late', details: {}})).to.be.rejectedWith(PrivacyError, /clock .* is behind the ledger's last event/)
    })

    it('names the first tampered event, as the superuser who bypassed the trigger would leave it', async () => {
      await db.pool.query('ALTER TABLE heroku_privacy.events DISABLE TRIGGER events_append_only')
      try {
        await db.pool.query(`UPDATE heroku_privacy.events SET details = jsonb_set(details, '{n}', '99') WHERE seq = 3`)
        const result = await runCli(['privacy:ledger:verify', '--database-url', db.url, '--json'])
        expect(result.code).to.equal(3)
        const error = JSON.parse(result.stdout).error
        expect(error.code).to.equal('ledger_broken')
        expect(error.details.firstBroken.seq).to.equal(3)
        expect(error.message).to.match(/broken at event 3: its content does not match its hash/)
        await db.pool.query(`UPDATE heroku_privacy.events SET details = jsonb_set(details, '{n}', '2') WHERE seq = 3`)
        await db.pool.query('DELETE FROM heroku_privacy.events WHERE seq = 4')
        const gap = await verifyChain(db.pool)
        expect(gap.firstBroken).to.deep.equal({seq: 4, reason: 'event 4 is missing'})
      } finally {
        await db.pool.query('ALTER TABLE heroku_privacy.events ENABLE TRIGGER events_append_only')
      }
    })
  })

  describe('requests through the CLI', () => {
    const ctx = useSimulator()
    const cli = (...args: string[]) => runCli([...args, '-a', 'privacy-demo'], ctx.env)
    const json = async (...args: string[]) => {
      const result = await cli(...args, '--json')
      expect(result.code, result.stderr + result.stdout).to.equal(0)
      return JSON.parse(result.stdout)
    }

    it('opens a request with its deadline and records who opened it', async () => {
      const request = await json(
        'privacy:requests:open',
        '--kind',
        'erasure',
        '--subject',
        `email=${ALICE.email}`,
        '--received',
        '2026-01-31',
        '--reference',
        'TICKET-1',
      )
      expect(request.id).to.match(/^R-2026-\d{4}$/)
      // One month from 31 January is 28 February 2026, a Saturday: the deadline moves to Monday 2 March.
      expect(request).to.include({
        kind: 'erasure',
        receivedOn: '2026-01-31',
        law: 'gdpr',
        dueOn: '2026-03-02',
        status: 'open',
        openedBy: 'admin@example.com',
        reference: 'TICKET-1',
        verifiedBy: null,
      })
      expect(request.isOverdue).to.equal(true)
    })

    it('lists open requests, overdue first, and --overdue exits 3', async () => {
      const fresh = await json('privacy:requests:open', '--kind', 'access', '--subject', 'id=2')
      const listed = await json('privacy:requests')
      expect(listed.requests[0].isOverdue).to.equal(true)
      expect(listed.requests.map((r: {id: string}) => r.id)).to.include(fresh.id)
      const text = await cli('privacy:requests')
      expect(text.stdout).to.match(/OVERDUE/)
      const overdue = await cli('privacy:requests', '--overdue')
      expect(overdue.code).to.equal(3)
      expect(overdue.stderr).to.match(/(1 request|\d+ requests) overdue: R-2026-/)
    })

    it('extends up to two months in all, and no further', async () => {
      const request = await json('privacy:requests:open', '--kind', 'access', '--subject', 'id=3', '--received', '2025-12-31')
      const late = await cli('privacy:requests:extend', request.id, '--reason', 'three systems to search', '--months', '2')
      expect(late.code).to.equal(4)
      expect(late.stderr).to.match(/was due on 2026-02-02; GDPR allows an extension only when the person is told within that first period/)
      const once = await json('privacy:requests:extend', request.id, '--reason', 'three systems to search', '--months', '2', '--notified-on', '2026-01-20')
      expect(once).to.include({dueOn: '2026-03-31', extendedMonths: 2})
      const again = await cli('privacy:requests:extend', request.id, '--reason', 'more', '--months', '1', '--notified-on', '2026-01-20')
      expect(again.code).to.equal(4)
      expect(again.stderr).to.match(/at most 2 in all/)
    })

    it("runs each law's clock, and records how the identity was checked", async () => {
      const ccpa = await json(
        'privacy:requests:open',
        '--kind',
        'access',
        '--subject',
        'id=6',
        '--received',
        '2026-01-01',
        '--law',
        'ccpa',
        '--verified-by',
        'dpo@example.com',
        '--verification-method',
        'email-confirmation',
      )
      expect(ccpa).to.include({
        law: 'ccpa',
        dueOn: '2026-02-16',
        acknowledgeBy: '2026-01-15',
        verifiedBy: 'dpo@example.com',
        verificationMethod: 'email-confirmation',
      })
      const wrongUnit = await cli('privacy:requests:extend', ccpa.id, '--reason', 'x', '--months', '1', '--notified-on', '2026-02-01')
      expect(wrongUnit.code).to.equal(2)
      expect(wrongUnit.stderr).to.match(/counted in days \(--days\)/)
      const extended = await json('privacy:requests:extend', ccpa.id, '--reason', 'backups to restore', '--notified-on', '2026-02-10')
      expect(extended).to.include({extendedDays: 45, dueOn: '2026-04-01'})
      const optOut = await json('privacy:requests:open', '--kind', 'restriction', '--subject', 'id=6', '--received', '2025-12-24', '--law', 'ccpa')
      expect(optOut.dueOn).to.equal('2026-01-14')
      const lgpd = await json('privacy:requests:open', '--kind', 'access', '--subject', 'id=7', '--received', '2026-02-13', '--law', 'lgpd')
      expect(lgpd.dueOn).to.equal('2026-03-02')
      const refused = await cli('privacy:requests:extend', lgpd.id, '--reason', 'x', '--days', '5', '--notified-on', '2026-02-14')
      expect(refused.code).to.equal(4)
      expect(refused.stderr).to.match(/LGPD, which allows no extension/)
      const halfVerified = await cli('privacy:requests:open', '--kind', 'access', '--subject', 'id=8', '--verified-by', 'dpo@example.com')
      expect(halfVerified.code).to.equal(2)
      const later = await json('privacy:requests:verify', lgpd.id, '--verified-by', 'support@example.com', '--verification-method', 'signed-in-account')
      expect(later).to.include({verifiedBy: 'support@example.com', verificationMethod: 'signed-in-account', dueOn: '2026-03-02'})
      const events = await json('privacy:ledger', '--request', ccpa.id)
      expect(events.events[0].details).to.include({law: 'ccpa', verification_method: 'email-confirmation'})
    })

    it('takes the law from the data map when --law is not given', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'privacy-law-'))
      try {
        const map = join(dir, 'privacy.yml')
        await writeFile(map, 'version: 1\nlaw: pipeda\nsubject: { table: public.users, key: id, lookup: [id] }\ntables: {}\n')
        const request = await json('privacy:requests:open', '--kind', 'access', '--subject', 'id=9', '--received', '2026-01-02', '--map', map)
        expect(request).to.include({law: 'pipeda', dueOn: '2026-02-02'})
      } finally {
        await rm(dir, {recursive: true, force: true})
      }
    })

    it('closes once, refuses twice', async () => {
      const request = await json('privacy:requests:open', '--kind', 'rectification', '--subject', 'id=4')
      const closed = await json('privacy:requests:close', request.id, '--outcome', 'address corrected')
      expect(closed).to.include({status: 'closed', outcome: 'address corrected'})
      const twice = await cli('privacy:requests:close', request.id, '--outcome', 'again')
      expect(twice.code).to.equal(1)
      expect(twice.stderr).to.match(/was already closed on \d{4}-\d{2}-\d{2} \(address corrected\)/)
      const events = await json('privacy:ledger', '--request', request.id)
      expect(events.events.map((e: {action: string}) => e.action)).to.deep.equal(['request.opened', 'request.closed'])
    })

    it('says so for an unknown request id and bad dates', async () => {
      const unknown = await cli('privacy:requests:close', 'R-2026-9999', '--outcome', 'x')
      expect(unknown.code).to.equal(1)
      expect(unknown.stderr).to.match(/No request R-2026-9999 in this ledger/)
      const badDate = await cli('privacy:requests:open', '--kind', 'access', '--subject', 'id=1', '--received', '2026-02-30')
      expect(badDate.code).to.equal(2)
      const future = await cli('privacy:requests:open', '--kind', 'access', '--subject', 'id=1', '--received', '2099-01-01')
      expect(future.code).to.equal(2)
      expect(future.stderr).to.match(/is in the future/)
    })

    it('keeps no personal data: the subject is only a keyed fingerprint', async () => {
      await json('privacy:requests:open', '--kind', 'access', '--subject', `email=${ALICE.email}`, '--reference', 'TICKET-2')
      const client = new pg.Client({connectionString: ctx.sim.databaseUrl(ctx.world.demoDatabase)})
      await client.connect()
      try {
        const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'heroku_privacy'`)
        let everything = ''
        for (const {table_name: table} of tables.rows) {
          const {rows} = await client.query(`SELECT coalesce(string_agg(x::text, '|'), '') AS text FROM heroku_privacy.${table} x`)
          everything += rows[0].text.toLowerCase()
        }
        expect(everything).to.include('email')
        expect(everything).to.not.include(ALICE.email)
        expect(everything).to.not.include('alice')
        expect(everything).to.not.include(ALICE.fullName.toLowerCase())
      } finally {
        await client.end()
      }
      const verify = await cli('privacy:ledger:verify')
      expect(verify.code, verify.stderr).to.equal(0)
      expect(verify.stdout).to.match(/is intact: \d+ events/)
    })

    it('keeps the ledger in a separate database with --ledger-url', async () => {
      const admin = new pg.Client({connectionString: testPostgres().url()})
      await admin.connect()
      const name = `ledger_${Date.now()}`
      await admin.query(`CREATE DATABASE ${name}`)
      try {
        const ledgerUrl = testPostgres().url(name)
        const request = await json('privacy:requests:open', '--kind', 'objection', '--subject', 'id=5', '--ledger-url', ledgerUrl)
        const check = new pg.Client({connectionString: ledgerUrl})
        await check.connect()
        const {rows} = await check.query('SELECT id, scope FROM heroku_privacy.requests')
        await check.end()
        expect(rows).to.deep.equal([{id: request.id, scope: 'privacy-demo'}])
        const inApp = await json('privacy:requests', '--all')
        expect(inApp.requests.map((r: {kind: string}) => r.kind)).to.not.include('objection')
      } finally {
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
        await admin.end()
      }
    })
  })
})
