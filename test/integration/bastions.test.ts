import {randomUUID} from 'node:crypto'
import {existsSync} from 'node:fs'
import {rm} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'
import pg from 'pg'
import ssh2 from 'ssh2'

import {ALICE, loadFixture} from '../support/fixture/generate.js'

import {BIN, CliResult, runCli, useSimulator, writeReviewedMap} from '../support/context.js'
import {logplexBody, postBatch} from '../support/logplex.js'
import {freePort} from '../support/postgres-server.js'
import {startProcess} from '../support/processes.js'

/**
 * Private and Shield databases in the simulator answer only through its SSH
 * bastion: their published host names resolve nowhere. Every command that
 * reads or changes them must open the tunnel itself, with the key Heroku hands
 * out (Data API for Private plans, config vars for Shield).
 */
describe('Private and Shield databases, through their bastions', function () {
  this.timeout(120_000)
  const ctx = useSimulator({fixtureUsers: 20})
  let dir: string
  let map: string

  const cli = (...args: string[]) => runCli(args, ctx.env)
  const admin = (url: string) => {
    const pool = new pg.Pool({connectionString: url, max: 2})
    pool.on('error', () => {})
    return pool
  }

  /** Nothing printed may hold a password, the token, a bastion key or a database URL. */
  function expectNothingSecret(result: CliResult) {
    const output = result.stdout + result.stderr
    for (const addon of ctx.sim.addons) if (addon.database) expect(output).to.not.include(addon.database.password)
    expect(output).to.not.include(ctx.sim.apiKey)
    expect(output).to.not.match(/PRIVATE KEY|postgres(ql)?:\/\/[^\s@]*:[^\s@]*@/)
    for (const space of ctx.sim.spaces) expect(output).to.not.include(ctx.sim.bastion.keyFor(space.id).split('\n')[1]!)
  }

  function expectOneLineFailure(result: CliResult, pattern: RegExp) {
    expect(result.code, result.stdout + result.stderr).to.equal(1)
    const lines = result.stderr.split('\n').filter(line => line.trim() !== '' && !/^\s*› (?!\s*Error)/.test(line))
    expect(lines, result.stderr).to.have.length(1)
    expect(lines[0], result.stderr).to.match(pattern)
    expect(result.stderr).to.not.match(/\n\s+at /)
    expectNothingSecret(result)
  }

  before(async function () {
    this.timeout(180_000)
    for (const addon of [ctx.world.privateDatabase, ctx.world.shieldDatabase]) {
      const client = new pg.Client({connectionString: ctx.sim.databaseUrl(addon)})
      await client.connect()
      await loadFixture(client, {users: 20})
      await client.end()
    }
    ;({dir, map} = await writeReviewedMap(['-a', 'privacy-private'], ctx.env))
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('publishes URLs that cannot be reached directly: a direct connection fails cleanly', async () => {
    const config = ctx.sim.apps.find(a => a.name === 'privacy-private')!.config
    const result = await cli('privacy:info', '--database-url', config.DATABASE_URL!)
    expectOneLineFailure(result, /Could not connect to .*private-db\.invalid.*\(ENOTFOUND\).*bastion/)
    const direct = new pg.Client({connectionString: config.DATABASE_URL, connectionTimeoutMillis: 5000})
    direct.on('error', () => {})
    await expect(direct.connect()).to.be.rejected
  })

  for (const app of ['privacy-private', 'privacy-shield']) {
    it(`info on ${app} goes through the bastion, with TLS to the database`, async () => {
      const forwarded = ctx.sim.bastion.stats.forwarded
      const result = await cli('privacy:info', '-a', app, '--json')
      expect(result.code, result.stderr).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.postgres.sslInUse).to.equal(true)
      expect(report.postgres.tableCount).to.equal(14)
      expect(ctx.sim.bastion.stats.forwarded).to.be.greaterThan(forwarded)
      expect(ctx.sim.bastion.openConnections).to.equal(0)
      expectNothingSecret(result)
    })
  }

  it('scans (the map was written through the tunnel) and checks the map', async () => {
    const result = await cli('privacy:scan', '-a', 'privacy-private', '--out', map, '--check')
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.include('matches privacy-private::DATABASE')
  })

  it('exports a person and the archive verifies', async () => {
    const out = join(dir, 'alice.zip')
    const result = await cli('privacy:export', '-a', 'privacy-private', '--map', map, '--subject', `email=${ALICE.email}`, '--out', out, '--allow-plaintext')
    expect(result.code, result.stderr).to.equal(0)
    expect((await cli('privacy:verify', out)).code).to.equal(0)
    expectNothingSecret(result)
  })

  it('restricts and erases, then re-applies the erasure to a fork in the same space', async () => {
    const restricted = await cli('privacy:restrict', '-a', 'privacy-private', '--map', map, '--subject', 'id=3', '--reason', 'accuracy')
    expect(restricted.code, restricted.stderr).to.equal(0)
    const fork = await fetch(`${ctx.sim.url}/apps/privacy-private/addons`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${ctx.sim.apiKey}`, 'Content-Type': 'application/json'},
      body: JSON.stringify({plan: 'heroku-postgresql:private-0', config: {fork: 'DATABASE'}, attachment: {name: 'FORKED'}}),
    })
    expect(fork.status).to.equal(201)
    for (let i = 0; i < 300 && !ctx.sim.apps.find(a => a.name === 'privacy-private')!.config.FORKED_URL; i++)
      await new Promise(resolve => setTimeout(resolve, 100))
    const erased = await cli('privacy:erase', '-a', 'privacy-private', '--map', map, '--subject', `email=${ALICE.email}`, '--confirm', 'privacy-private')
    expect(erased.code, erased.stderr).to.equal(0)
    const reapplied = await cli('privacy:reapply', '-a', 'privacy-private', '--database', 'FORKED', '--map', map, '--confirm', 'privacy-private', '--json')
    expect(reapplied.code, reapplied.stderr).to.equal(0)
    expect(JSON.parse(reapplied.stdout).applied.map((a: {action: string}) => a.action)).to.include('erasure.executed')
    const forkDb = admin(ctx.sim.databaseUrl(ctx.sim.addons.find(a => a.appId === ctx.world.private.id && a.database?.forkedFrom)!))
    try {
      expect((await forkDb.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [ALICE.email])).rows[0].n).to.equal(0)
    } finally {
      await forkDb.end()
    }
    expectNothingSecret(reapplied)
  })

  it('checks the app, reading the database through the tunnel', async () => {
    const result = await cli('privacy:check', '-a', 'privacy-private', '--map', map, '--only', 'tls-to-postgres', '--only', 'map-drift', '--format', 'json')
    expect(result.code, result.stderr).to.be.oneOf([0, 3])
    const report = JSON.parse(result.stdout)
    const tls = report.outcomes.find((o: {rule: string}) => o.rule === 'tls-to-postgres')
    expect(tls.status).to.equal('passed')
  })

  it('keeps a log store behind the bastion: serve writes to it, export --include-logs reads it', async () => {
    const port = await freePort()
    const server = startProcess(
      process.execPath,
      [BIN, 'privacy:logs:serve', '-a', 'privacy-shield', '--port', String(port), '--auth', 'drain:pw-bastion-1', '--stats-every', '0'],
      ctx.env,
    )
    while (!server.output().stdout.includes('Receiving')) {
      if (server.child.exitCode !== null) throw new Error(server.output().stderr)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    const marker = randomUUID()
    const status = await postBatch(`http://127.0.0.1:${port}/drain`, logplexBody([`login ok for ${ALICE.email} ${marker}`]), {
      credentials: {user: 'drain', password: 'pw-bastion-1', token: 'd.any'},
      frameId: randomUUID(),
      count: 1,
    })
    expect(status).to.equal(204)
    server.child.kill('SIGINT')
    const stopped = await server.result
    expect(stopped.code, stopped.stderr).to.equal(0)
    expect(stopped.stdout).to.match(/Stored 1 line in 1 batch;/)
    const out = join(dir, 'alice-logs.zip')
    const shieldMap = await writeReviewedMap(['-a', 'privacy-shield'], ctx.env)
    try {
      const result = await cli(
        'privacy:export',
        '-a',
        'privacy-shield',
        '--map',
        shieldMap.map,
        '--subject',
        `email=${ALICE.email}`,
        '--include-logs',
        '--out',
        out,
        '--allow-plaintext',
        '--json',
      )
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).files.map((f: {path: string}) => f.path)).to.include('logs/lines.json')
    } finally {
      await rm(shieldMap.dir, {recursive: true, force: true})
    }
  })

  describe('bad input', () => {
    it('a bastion that cannot be reached: one line, exit 1', async () => {
      await ctx.sim.bastion.pause()
      try {
        expectOneLineFailure(
          await cli('privacy:info', '-a', 'privacy-private'),
          /Could not reach the bastion \S+ for privacy-private::DATABASE \(ECONNREFUSED\)/,
        )
      } finally {
        await ctx.sim.bastion.resume()
      }
    })

    it('a bastion that never answers: one line after HEROKU_PRIVACY_TUNNEL_TIMEOUT, exit 1', async () => {
      await ctx.sim.bastion.stall()
      try {
        const result = await runCli(['privacy:info', '-a', 'privacy-private'], {...ctx.env, HEROKU_PRIVACY_TUNNEL_TIMEOUT: '1'})
        expectOneLineFailure(result, /Timed out opening an SSH tunnel to privacy-private::DATABASE through the bastion/)
      } finally {
        await ctx.sim.bastion.resume()
      }
    })

    it('a key the bastion refuses: one line, exit 1, no key material', async () => {
      const app = ctx.sim.apps.find(a => a.name === 'privacy-shield')!
      const good = app.config.DATABASE_BASTION_KEY!
      app.config.DATABASE_BASTION_KEY = ssh2.utils.generateKeyPairSync('ed25519').private
      try {
        const result = await cli('privacy:info', '-a', 'privacy-shield')
        expectOneLineFailure(result, /the bastion \S+ refused the key Heroku gave for privacy-shield::DATABASE/)
        expect(result.stdout + result.stderr).to.not.include(app.config.DATABASE_BASTION_KEY.split('\n')[1]!)
      } finally {
        app.config.DATABASE_BASTION_KEY = good
      }
    })

    it('a Shield app whose config vars lack the bastion: one line, exit 1', async () => {
      const app = ctx.sim.apps.find(a => a.name === 'privacy-shield')!
      const saved = {...app.config}
      delete app.config.DATABASE_BASTIONS
      delete app.config.DATABASE_BASTION_KEY
      try {
        expectOneLineFailure(
          await cli('privacy:info', '-a', 'privacy-shield'),
          /privacy-shield::DATABASE is in a Shield Private Space .* config vars hold no DATABASE_BASTIONS and DATABASE_BASTION_KEY\. Run the command on a one-off dyno/,
        )
      } finally {
        Object.assign(app.config, saved)
      }
    })

    it('a database in a space the account cannot see: one line, exit 1', async () => {
      const space = ctx.sim.createSpace({name: 'hidden-private', region: 'frankfurt', accountCanSee: false})
      const app = ctx.sim.createApp({name: 'privacy-hidden', region: 'frankfurt', team: 'acme', space})
      await ctx.sim.addPostgres(app, {plan: 'heroku-postgresql:private-0', name: 'postgresql-hidden-30011'})
      expectOneLineFailure(await cli('privacy:info', '-a', 'privacy-hidden'), /cannot see the Private Space that privacy-hidden::DATABASE lives in \(403\)/)
    })

    it('a tunnel dropped mid-export: no archive, and it says so', async () => {
      const out = join(dir, 'dropped.zip')
      const db = admin(ctx.sim.databaseUrl(ctx.world.privateDatabase))
      const locker = await db.connect()
      try {
        await locker.query('BEGIN')
        await locker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE')
        const running = startProcess(
          process.execPath,
          [BIN, 'privacy:export', '-a', 'privacy-private', '--map', map, '--subject', 'id=2', '--out', out, '--allow-plaintext'],
          ctx.env,
        )
        await waitUntilWaitingOnLock(db, running)
        ctx.sim.bastion.dropConnections()
        const result = await running.result
        expectOneLineFailure(
          result,
          /SSH tunnel to privacy-private::DATABASE through the bastion \S+ closed while the command ran.*no archive was written to .*dropped\.zip/,
        )
        expect(existsSync(out)).to.equal(false)
      } finally {
        await locker.query('ROLLBACK').catch(() => {})
        locker.release()
        await db.end()
      }
    })
  })

  it('Ctrl-C closes the tunnel and the database sessions', async () => {
    const db = admin(ctx.sim.databaseUrl(ctx.world.privateDatabase))
    const locker = await db.connect()
    try {
      await locker.query('BEGIN')
      await locker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE')
      const running = startProcess(
        process.execPath,
        [BIN, 'privacy:export', '-a', 'privacy-private', '--map', map, '--subject', 'id=2', '--out', join(dir, 'interrupted.zip'), '--allow-plaintext'],
        ctx.env,
      )
      await waitUntilWaitingOnLock(db, running)
      expect(ctx.sim.bastion.openConnections).to.be.greaterThan(0)
      running.child.kill('SIGINT')
      const result = await running.result
      expect(result.code, result.stderr).to.equal(130)
      expect(result.stderr).to.match(/Interrupted; closed \d+ database connections? and/)
      await locker.query('ROLLBACK')
      await waitFor(async () => ctx.sim.bastion.openConnections === 0 && (await sessionsOf(db)) === 0)
    } finally {
      await locker.query('ROLLBACK').catch(() => {})
      locker.release()
      await db.end()
    }
  })

  async function sessionsOf(db: pg.Pool): Promise<number> {
    const {rows} = await db.query<{n: number}>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'heroku-privacy'",
    )
    return rows[0]!.n
  }

  async function waitUntilWaitingOnLock(db: pg.Pool, running: ReturnType<typeof startProcess>) {
    await waitFor(async () => {
      if (running.child.exitCode !== null) throw new Error(`the command ended early: ${running.output().stderr}`)
      const {rows} = await db.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'heroku-privacy' AND wait_event_type = 'Lock'",
      )
      return rows[0].n > 0
    })
  }
})

async function waitFor(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await probe()) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error('timed out waiting')
}
