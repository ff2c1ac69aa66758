import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {testPostgres} from '../support/global-hooks.js'
import {useSimulator} from '../support/context.js'
import {HerokuCli, herokuCliWithPlugin} from '../support/heroku-cli.js'

describe('the real heroku CLI against the simulator', function () {
  const ctx = useSimulator()
  let heroku: HerokuCli

  before(async function () {
    // The first run on a machine installs the heroku CLI from npm.
    this.timeout(10 * 60_000)
    heroku = await herokuCliWithPlugin(ctx.env)
  })

  after(async () => {
    await heroku?.dispose()
  })

  describe("heroku's own commands work unchanged", () => {
    it('apps:info', async () => {
      const result = await heroku.run(['apps:info', '-a', 'privacy-demo'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('=== privacy-demo')
      expect(result.stdout).to.match(/Region:\s+eu/)
      expect(result.stdout).to.include('dpo@example.com')
    })

    it('addons', async () => {
      const result = await heroku.run(['addons', '-a', 'privacy-demo'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('postgresql-demo-41235')
      expect(result.stdout).to.include('as DATABASE')
    })

    it('config', async () => {
      const result = await heroku.run(['config', '-a', 'privacy-demo'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.match(/DATABASE_URL:\s+postgres:\/\//)
    })

    it('pg:info', async () => {
      const result = await heroku.run(['pg:info', '-a', 'privacy-demo'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.match(/Plan:\s+Standard 0/)
      expect(result.stdout).to.match(/Followers:\s+HEROKU_POSTGRESQL_/)
      expect(result.stdout).to.match(new RegExp(`PG Version:\\s+${testPostgres().majorVersion}\\.`))
    })

    it('pg:backups:capture, then pg:backups lists it', async () => {
      const capture = await heroku.run(['pg:backups:capture', '-a', 'privacy-demo'])
      expect(capture.code, capture.stderr).to.equal(0)
      expect(capture.stdout + capture.stderr).to.match(/Backing up DATABASE to b\d{3}\.\.\. done/)
      const list = await heroku.run(['pg:backups', '-a', 'privacy-demo'])
      expect(list.code, list.stderr).to.equal(0)
      expect(list.stdout).to.match(/b\d{3}\s+\S.*Completed/)
    })

    it('drains', async () => {
      const result = await heroku.run(['drains', '-a', 'privacy-demo'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('https://logs.example.com/drain')
    })

    it('apps (GET /users/~/apps)', async () => {
      const result = await heroku.run(['apps'])
      expect(result.code, result.stderr).to.equal(0)
      for (const app of ['privacy-demo', 'privacy-private', 'privacy-shield']) expect(result.stdout).to.include(app)
    })

    it("access (collaborators and the team's members)", async () => {
      const result = await heroku.run(['access', '-a', 'privacy-demo'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('dpo@example.com')
      expect(result.stdout).to.include('contractor@example.net')
    })

    it('releases', async () => {
      const result = await heroku.run(['releases', '-a', 'privacy-demo'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.match(/v2\s/)
    })

    it('pg:credentials', async () => {
      const result = await heroku.run(['pg:credentials', '-a', 'privacy-demo'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('default')
      expect(result.stdout).to.include('active')
    })
  })

  describe('Private and Shield databases, which the simulator serves only through its bastion', () => {
    // The heroku CLI's tunnel pipes its local socket into the SSH channel with no error handler. When the database's
    // TLS close_notify comes back after psql or pg has closed that socket, the heroku CLI dies on the unhandled EPIPE,
    // sometimes before it prints what it read. No bastion can hold that reply back, so this one crash, and only it, is
    // let pass; the bastion's own count then shows the tunnel reached the database.
    function finishedThroughTunnel(result: {code: number | null; stderr: string}): boolean {
      if (result.code === 0) return true
      expect(result.stderr, result.stderr).to.include('Error: This socket has been ended by the other party')
      expect(result.stderr, result.stderr).to.match(/at Socket\.writeAfterFIN[^]*code: 'EPIPE'/)
      expect(result.code, result.stderr).to.equal(1)
      return false
    }

    it('pg:info on both', async () => {
      for (const [app, plan] of [
        ['privacy-private', 'Private 0'],
        ['privacy-shield', 'Shield 0'],
      ]) {
        const result = await heroku.run(['pg:info', '-a', app!])
        expect(result.code, result.stderr).to.equal(0)
        expect(result.stdout).to.match(new RegExp(`Plan:\\s+${plan}`))
      }
    })

    it("pg:psql on the Private database opens the tunnel with the Data API's bastion key", async function () {
      // The heroku CLI dials bastions on port 22; the simulator can take it only as root.
      if (!ctx.sim.bastion.listensOnSshPort) this.skip()
      const {logins, forwarded} = {...ctx.sim.bastion.stats}
      const result = await heroku.run([
        'pg:psql',
        '-a',
        'privacy-private',
        '-c',
        'SELECT current_database(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      ])
      if (finishedThroughTunnel(result)) expect(result.stdout, result.stderr).to.match(/sim_postgresql_private_61357 \| t/)
      expect(ctx.sim.bastion.stats.logins).to.be.greaterThan(logins)
      expect(ctx.sim.bastion.stats.forwarded).to.be.greaterThan(forwarded)
    })

    it("pg:table-size on the Shield database opens the tunnel with the config vars' bastion key", async function () {
      // For shield-* plans heroku CLI 11 runs pg:psql itself on a one-off dyno; its other pg commands tunnel.
      if (!ctx.sim.bastion.listensOnSshPort) this.skip()
      const {logins, forwarded} = {...ctx.sim.bastion.stats}
      const result = await heroku.run(['pg:table-size', '-a', 'privacy-shield'])
      if (finishedThroughTunnel(result)) expect(result.stdout, result.stderr).to.match(/name\s+\|\s+size/)
      expect(ctx.sim.bastion.stats.logins).to.be.greaterThan(logins)
      expect(ctx.sim.bastion.stats.forwarded).to.be.greaterThan(forwarded)
    })

    it('privacy:info reaches them too, through the same bastion', async () => {
      for (const app of ['privacy-private', 'privacy-shield']) {
        const result = await heroku.run(['privacy:info', '-a', app, '--json'])
        expect(result.code, result.stderr).to.equal(0)
        expect(JSON.parse(result.stdout).postgres.sslInUse).to.equal(true)
      }
    })
  })

  describe('this plugin, linked into it', () => {
    function expectNoSecrets(output: string) {
      for (const addon of ctx.sim.addons) {
        if (addon.database) expect(output).to.not.include(addon.database.password)
      }
      expect(output).to.not.include(ctx.sim.apiKey)
    }

    it('lists the privacy topic', async () => {
      const result = await heroku.run(['privacy', '--help'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('privacy:info')
    })

    it('privacy:info resolves and reports the database', async () => {
      const result = await heroku.run(['privacy:info', '-a', 'privacy-demo'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('=== privacy-demo::DATABASE')
      expect(result.stdout).to.match(/Encryption at Rest:\s+In Use/)
      expectNoSecrets(result.stdout + result.stderr)
    })

    it('privacy:info --json', async () => {
      const result = await heroku.run(['privacy:info', '-a', 'privacy-shield', '--json'])
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).heroku.space).to.deep.equal({name: 'acme-shield', shield: true})
    })

    it('the runbook: scan, export and verify, legal hold, erase refused, lift, erase, restore a backup, reapply, check, ledger:verify', async function () {
      // About twenty heroku CLI runs, one after another: minutes on a busy machine, nothing timed here.
      this.timeout(10 * 60_000)
      const dir = await mkdtemp(join(tmpdir(), 'acceptance-map-'))
      const map = join(dir, 'privacy.yml')
      try {
        const scan = await heroku.run(['privacy:scan', '-a', 'privacy-demo', '--out', map])
        expect(scan.code, scan.stderr).to.equal(0)
        expect(scan.stdout).to.include('Subject: public.users')
        expect(await readFile(map, 'utf8')).to.include('public.support_tickets:')
        const check = await heroku.run(['privacy:scan', '-a', 'privacy-demo', '--out', map, '--check'])
        expect(check.code, check.stderr).to.equal(0)
        const archive = join(dir, 'alice.zip')
        const exported = await heroku.run([
          'privacy:export',
          '-a',
          'privacy-demo',
          '--map',
          map,
          '--subject',
          'email=alice@example.com',
          '--out',
          archive,
          '--allow-plaintext',
        ])
        expect(exported.code, exported.stderr).to.equal(0)
        const verified = await heroku.run(['privacy:verify', archive])
        expect(verified.code, verified.stderr).to.equal(0)
        const held = await heroku.run(['privacy:restrict', '-a', 'privacy-demo', '--map', map, '--subject', 'id=2', '--reason', 'legal-claim', '--legal-hold'])
        expect(held.code, held.stderr).to.equal(0)
        expect(held.stdout).to.match(/Snapshot: backup b\d{3}/)
        await writeFile(map, (await readFile(map, 'utf8')).replace(/, proposed: true \}/g, ' }'))
        const eraseHeld = await heroku.run(['privacy:erase', '-a', 'privacy-demo', '--map', map, '--subject', 'id=2', '--confirm', 'privacy-demo'])
        expect(eraseHeld.code).to.equal(4)
        expect(eraseHeld.stderr).to.match(/legal hold/)
        const refused = await heroku.run([
          'privacy:restrict:lift',
          '-a',
          'privacy-demo',
          '--subject',
          'id=2',
          '--approved-by',
          'Bob',
          '--evidence',
          'mail',
          '--confirm',
          'privacy-demo',
        ])
        expect(refused.code).to.equal(4)
        const lifted = await heroku.run([
          'privacy:restrict:lift',
          '-a',
          'privacy-demo',
          '--subject',
          'id=2',
          '--approved-by',
          'Bob',
          '--evidence',
          'mail',
          '--release-hold',
          '--confirm',
          'privacy-demo',
        ])
        expect(lifted.code, lifted.stderr).to.equal(0)
        const erased = await heroku.run(['privacy:erase', '-a', 'privacy-demo', '--map', map, '--subject', 'id=2', '--confirm', 'privacy-demo'])
        expect(erased.code, erased.stderr).to.equal(0)
        expect(erased.stdout).to.match(/Backup b\d{3} .* still holds the data/)
        // The hold's backup predates the erasure: restore it with heroku's own commands, then re-apply.
        const heldBackup = /backup (b\d{3})/.exec(held.stdout)![1]!
        expect((await heroku.run(['addons:create', 'heroku-postgresql:standard-0', '--as', 'RESTORED', '-a', 'privacy-demo'])).code).to.equal(0)
        const restore = await heroku.run(['pg:backups:restore', heldBackup, 'RESTORED', '-a', 'privacy-demo', '--confirm', 'privacy-demo'])
        expect(restore.code, restore.stderr).to.equal(0)
        const snapshots = await heroku.run(['privacy:snapshots', '-a', 'privacy-demo'])
        expect(snapshots.code, snapshots.stderr).to.equal(0)
        expect(snapshots.stdout).to.match(new RegExp(`backup\\s+${heldBackup}`))
        const reapplied = await heroku.run(['privacy:reapply', '-a', 'privacy-demo', '--database', 'RESTORED', '--map', map, '--confirm', 'privacy-demo'])
        expect(reapplied.code, reapplied.stderr).to.equal(0)
        expect(reapplied.stdout).to.match(/Re-applied event \d+ erasure\.executed/)
        const gate = await heroku.run(['privacy:check', '-a', 'privacy-demo', '--map', map, '--format', 'junit'])
        expect(gate.code).to.equal(3)
        expect(gate.stdout).to.match(/<testsuites name="privacy:check"/)
        const ledger = await heroku.run(['privacy:ledger:verify', '-a', 'privacy-demo'])
        expect(ledger.code, ledger.stderr).to.equal(0)
        expectNoSecrets(
          [scan, check, exported, verified, held, eraseHeld, refused, lifted, erased, snapshots, reapplied, gate, ledger]
            .map(r => r.stdout + r.stderr)
            .join(''),
        )
      } finally {
        await rm(dir, {recursive: true, force: true})
      }
    })

    it('privacy:requests:open records a request that privacy:requests lists, and the ledger verifies', async () => {
      const opened = await heroku.run(['privacy:requests:open', '-a', 'privacy-demo', '--kind', 'access', '--subject', 'email=alice@example.com', '--json'])
      expect(opened.code, opened.stderr).to.equal(0)
      const {id} = JSON.parse(opened.stdout)
      const list = await heroku.run(['privacy:requests', '-a', 'privacy-demo'])
      expect(list.stdout).to.include(id)
      const verify = await heroku.run(['privacy:ledger:verify', '-a', 'privacy-demo'])
      expect(verify.code, verify.stderr).to.equal(0)
      expectNoSecrets(opened.stdout + list.stdout + verify.stdout + verify.stderr)
    })

    it('fails with one line and exit 1 for an unknown app, with and without --json', async () => {
      const plain = await heroku.run(['privacy:info', '-a', 'no-such-app'])
      expect(plain.code).to.equal(1)
      expect(plain.stderr).to.include("Couldn't find app no-such-app")
      expect(plain.stderr).to.not.match(/\n\s+at /)
      const json = await heroku.run(['privacy:info', '-a', 'no-such-app', '--json'])
      expect(json.code).to.equal(1)
      expect(JSON.parse(json.stdout).error.code).to.equal('app_not_found')
    })
  })
})
