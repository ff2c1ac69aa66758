import {rm} from 'node:fs/promises'

import {expect} from 'chai'
import pg from 'pg'

import {ALICE} from '../support/fixture/generate.js'
import {testPostgres} from '../support/global-hooks.js'
import {runCli, useDatabase, useSimulator, writeReviewedMap} from '../support/context.js'

/** What an admin notices across commands: the same flags, the same words, results under --json even on failure. */
describe('consistency across commands', function () {
  this.timeout(120_000)

  describe('with Heroku', () => {
    const ctx = useSimulator({fixtureUsers: 20})
    const cli = (...args: string[]) => runCli(args, ctx.env)

    it('privacy:check --json exits 3 and still prints the whole report', async () => {
      const result = await cli('privacy:check', '-a', 'privacy-demo', '--json')
      expect(result.code).to.equal(3)
      const printed = JSON.parse(result.stdout)
      expect(printed.apps).to.deep.equal(['privacy-demo'])
      expect(printed.findings.length).to.be.greaterThan(0)
      expect(printed.outcomes.length).to.be.greaterThan(0)
      expect(printed.error).to.include({code: 'check_failed', exitCode: 3})
      expect(printed.error.message).to.match(/found (1 error|\d+ errors)\b/)
    })

    it("the 2FA rule reads the team's members, where the API keeps two-factor status", async () => {
      const before = ctx.sim.requests.length
      const result = await cli('privacy:check', '-a', 'privacy-demo', '--only', 'access', '--format', 'json')
      const report = JSON.parse(result.stdout)
      expect(report.findings.map((f: {message: string}) => f.message)).to.include(
        'contractor@example.net can reach privacy-demo without two-factor authentication',
      )
      expect(ctx.sim.requests.slice(before).some(r => r.path === '/teams/acme/members' && r.status === 200)).to.equal(true)
    })

    it('restrict and erase aimed at a follower name the leader instead of failing in Postgres', async () => {
      const dir = await writeReviewedMap(['-a', 'privacy-demo'], ctx.env)
      try {
        for (const args of [
          ['privacy:restrict', '--reason', 'accuracy'],
          ['privacy:erase', '--confirm', 'privacy-demo'],
        ]) {
          const result = await cli(...args, '-a', 'privacy-demo', '--database', ctx.world.demoFollower.colorName, '--map', dir.map, '--subject', 'id=2')
          expect(result.code, result.stderr).to.equal(2)
          expect(result.stderr).to.match(
            new RegExp(
              `privacy-demo::${ctx.world.demoFollower.colorName} is a follower of privacy-demo::(DATABASE|${ctx.world.demoDatabase.colorName}), and followers are read-only.*Use --database`,
            ),
          )
          expect(result.stderr).to.not.match(/read-only transaction/)
        }
      } finally {
        await rm(dir.dir, {recursive: true, force: true})
      }
    })

    it('the "no map" message names the actual app', async () => {
      const result = await cli('privacy:export', '-a', 'privacy-demo', '--map', '/nonexistent/privacy.yml', '--subject', 'id=1')
      expect(result.code).to.equal(1)
      expect(result.stderr).to.include('heroku privacy:scan -a privacy-demo')
      expect(result.stderr).to.not.include('-a APP')
    })

    it('one description of a region in info, inventory and check', async () => {
      const info = await cli('privacy:info', '-a', 'privacy-demo')
      expect(info.stdout).to.match(/Region:\s+eu \(Europe\)/)
      const inventory = await cli('privacy:inventory', '-a', 'privacy-demo', '--json')
      expect(JSON.parse(inventory.stdout).stores.find((s: {kind: string}) => s.kind === 'postgres').details).to.include('region eu (Europe)')
      const shield = await cli('privacy:info', '-a', 'privacy-shield', '--json')
      expect(JSON.parse(shield.stdout).heroku.region).to.equal('dublin')
    })

    it('tables take --columns, --extended and --csv, and the ledger shows summaries, not raw JSON', async () => {
      const opened = await cli(
        'privacy:requests:open',
        '-a',
        'privacy-demo',
        '--kind',
        'access',
        '--subject',
        `email=${ALICE.email}`,
        '--reference',
        'TICKET-9, urgent',
      )
      expect(opened.code, opened.stderr).to.equal(0)
      const table = await cli('privacy:ledger', '-a', 'privacy-demo')
      expect(table.code, table.stderr).to.equal(0)
      expect(table.stdout).to.match(/access request received \d{4}-\d\d-\d\d, due \d{4}-\d\d-\d\d \(ref TICKET-9, urgent\)/)
      expect(table.stdout).to.not.match(/subject_fingerprint|\{"/)
      expect(table.stdout).to.not.match(/Hash/)
      expect((await cli('privacy:ledger', '-a', 'privacy-demo', '-x')).stdout).to.match(/Hash/)
      const csv = await cli('privacy:requests', '-a', 'privacy-demo', '--csv')
      expect(csv.stdout.split('\n')[0]).to.equal('ID,Kind,Law,Reference,Received,Due,Days left,Verified,Status')
      expect(csv.stdout).to.match(/,"TICKET-9, urgent",/)
      const columns = await cli('privacy:requests', '-a', 'privacy-demo', '--columns', 'ID,Due', '--csv')
      expect(columns.stdout.split('\n')[0]).to.equal('ID,Due')
      const wrong = await cli('privacy:requests', '-a', 'privacy-demo', '--columns', 'Nope')
      expect(wrong.code).to.equal(2)
      expect(wrong.stderr).to.match(/--columns Nope names a column this table does not have; choose from ID, Kind/)
      const json = await cli('privacy:ledger', '-a', 'privacy-demo', '--json')
      expect(JSON.parse(json.stdout).events[0].details).to.have.property('subject_fingerprint')
    })

    it('tables fit the terminal: long cells wrap to its width', async () => {
      await cli(
        'privacy:requests:open',
        '-a',
        'privacy-demo',
        '--kind',
        'rectification',
        '--subject',
        'id=4',
        '--reference',
        'a reference long enough to need wrapping on a narrow terminal',
      )
      const narrow = await runCli(['privacy:ledger', '-a', 'privacy-demo'], {...ctx.env, OCLIF_TABLE_COLUMN_OVERRIDE: '100'})
      expect(narrow.code, narrow.stderr).to.equal(0)
      const lines = narrow.stdout.split('\n').filter(line => line.trim() !== '')
      expect(lines.length).to.be.greaterThan(2)
      for (const line of lines) expect(line.trimEnd().length, line).to.be.at.most(100)
      expect(narrow.stdout).to.match(/request\.opened/)
      expect(narrow.stdout).to.match(/rectification request received/)
      expect(narrow.stdout).to.match(/to need wrapping/)
      expect(narrow.stdout).to.match(/on a narrow terminal\)/)
    })

    it('requests --overdue --json exits 3 with the requests listed', async () => {
      await cli('privacy:requests:open', '-a', 'privacy-demo', '--kind', 'erasure', '--subject', 'id=3', '--received', '2020-01-06')
      const result = await cli('privacy:requests', '-a', 'privacy-demo', '--overdue', '--json')
      expect(result.code).to.equal(3)
      const printed = JSON.parse(result.stdout)
      expect(printed.requests.some((r: {isOverdue: boolean}) => r.isOverdue)).to.equal(true)
      expect(printed.error).to.include({code: 'requests_overdue', exitCode: 3})
      expect(printed.error.message).to.match(/^(1 request|\d+ requests) overdue/)
    })
  })

  describe('privacy:reapply --database-url and --ledger-url, for a copy restored outside Heroku', () => {
    const primary = useDatabase({users: 50})
    const ledger = useDatabase()
    const copyName = `copy_${Date.now()}`
    const copyUrl = () => testPostgres().url(copyName)

    after(async () => {
      const admin = new pg.Client({connectionString: testPostgres().url()})
      await admin.connect()
      await admin.query(`DROP DATABASE IF EXISTS ${copyName} WITH (FORCE)`)
      await admin.end()
    })

    it('re-applies an erasure recorded in the ledger to the copy', async () => {
      const {dir, map} = await writeReviewedMap(['--database-url', primary.url])
      try {
        const admin = new pg.Client({connectionString: testPostgres().url()})
        await admin.connect()
        // CREATE DATABASE … TEMPLATE needs the primary free of sessions; its idle pool reconnects later.
        primary.pool.on('error', () => {})
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [primary.name])
        await admin.query(`CREATE DATABASE ${copyName} TEMPLATE ${primary.name}`)
        await admin.end()
        const since = new Date().toISOString()
        const erased = await runCli([
          'privacy:erase',
          '--database-url',
          primary.url,
          '--ledger-url',
          ledger.url,
          '--map',
          map,
          '--subject',
          `email=${ALICE.email}`,
          '--confirm',
          primary.name,
        ])
        expect(erased.code, erased.stderr).to.equal(0)
        const missingSince = await runCli(['privacy:reapply', '--database-url', copyUrl(), '--ledger-url', ledger.url, '--map', map, '--confirm', copyName])
        expect(missingSince.code).to.equal(2)
        expect(missingSince.stderr).to.match(/pass --since/)
        const result = await runCli([
          'privacy:reapply',
          '--database-url',
          copyUrl(),
          '--ledger-url',
          ledger.url,
          '--since',
          since,
          '--map',
          map,
          '--confirm',
          copyName,
          '--json',
        ])
        expect(result.code, result.stderr).to.equal(0)
        expect(JSON.parse(result.stdout).applied.map((a: {action: string}) => a.action)).to.deep.equal(['erasure.executed'])
        const copy = new pg.Client({connectionString: copyUrl()})
        await copy.connect()
        const {rows} = await copy.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [ALICE.email])
        await copy.end()
        expect(rows[0].n).to.equal(0)
        expect(result.stdout + result.stderr).to.not.include(testPostgres().password)
      } finally {
        await rm(dir, {recursive: true, force: true})
      }
    })
  })
})
