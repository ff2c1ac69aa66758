import {expect} from 'chai'

import {testPostgres} from '../support/global-hooks.js'
import {CliResult, runCli, useSimulator} from '../support/context.js'
import {freePort} from '../support/postgres-server.js'

describe('privacy:info', () => {
  const ctx = useSimulator()

  /** Nothing a command prints may hold a database password or the API token. */
  function expectNoSecrets(result: CliResult) {
    const output = result.stdout + result.stderr
    for (const addon of ctx.sim.addons) {
      if (addon.database) expect(output).to.not.include(addon.database.password)
    }
    expect(output).to.not.include(testPostgres().password)
    expect(output).to.not.include(ctx.sim.apiKey)
    expect(output).to.not.match(/postgres(ql)?:\/\/[^\s@]*:[^\s@]*@/)
  }

  /** A failure is one line on stderr, a non-zero exit, and no stack trace. */
  function expectOneLineError(result: CliResult, code: number, pattern: RegExp) {
    expect(result.code, result.stderr).to.equal(code)
    const lines = result.stderr.split('\n').filter(line => line.trim() !== '' && !/^(› \S|! )/.test(line))
    expect(lines, result.stderr).to.have.length(1)
    expect(lines[0]).to.match(pattern)
    expect(result.stderr).to.not.match(/\n\s+at /)
    expectNoSecrets(result)
  }

  it("is listed by the standalone binary's help", async () => {
    const result = await runCli(['privacy', '--help'], {})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.match(/privacy:info\s+show which database/)
  })

  describe('with an app', () => {
    it('reports the resolved database, its Heroku facts and its Postgres facts', async () => {
      const result = await runCli(['privacy:info', '-a', 'privacy-demo'], ctx.env)
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.include('=== privacy-demo::DATABASE')
      expect(result.stdout).to.match(/Plan:\s+heroku-postgresql:standard-0/)
      expect(result.stdout).to.match(/Region:\s+eu/)
      expect(result.stdout).to.match(/Encryption at Rest:\s+In Use/)
      expect(result.stdout).to.match(new RegExp(`Followers:\\s+${ctx.world.demoFollower.colorName}`))
      expect(result.stdout).to.match(/Tables:\s+14/)
      expect(result.stdout).to.match(new RegExp(`PG Version:\\s+${testPostgres().majorVersion}\\.`))
      expectNoSecrets(result)
    })

    it('prints a stable JSON document with --json and nothing else on stdout', async () => {
      const result = await runCli(['privacy:info', '-a', 'privacy-demo', '--json'], ctx.env)
      expect(result.code, result.stderr).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.database).to.equal('privacy-demo::DATABASE')
      expect(report.source).to.equal('heroku')
      expect(report.heroku).to.include({app: 'privacy-demo', plan: 'heroku-postgresql:standard-0', region: 'eu', encryptionAtRest: 'In Use'})
      expect(report.heroku.space).to.equal(null)
      expect(report.heroku.followers).to.deep.equal([ctx.world.demoFollower.colorName])
      expect(report.postgres.tableCount).to.equal(14)
      expect(report.postgres.serverVersionNum).to.be.greaterThan(testPostgres().majorVersion * 10000)
      expect(result.stderr).to.equal('')
      expectNoSecrets(result)
    })

    it('reports a Shield Private Space', async () => {
      const result = await runCli(['privacy:info', '-a', 'privacy-shield', '--json'], ctx.env)
      expect(result.code, result.stderr).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.heroku.space).to.deep.equal({name: 'acme-shield', shield: true})
      expect(report.heroku.highAvailability).to.equal('Available')
    })

    it('takes --database and app::DATABASE', async () => {
      const follower = await runCli(['privacy:info', '-a', 'privacy-demo', '--database', ctx.world.demoFollower.colorName, '--json'], ctx.env)
      expect(follower.code, follower.stderr).to.equal(0)
      expect(JSON.parse(follower.stdout).heroku.following).to.equal('DATABASE')
      const shared = await runCli(['privacy:info', '-a', 'privacy-nodb', '--database', 'privacy-demo::DATABASE', '--json'], ctx.env)
      expect(shared.code, shared.stderr).to.equal(0)
      expect(JSON.parse(shared.stdout).database).to.equal('privacy-demo::DATABASE')
    })

    it('takes the app from HEROKU_APP like every heroku command', async () => {
      const result = await runCli(['privacy:info', '--json'], {...ctx.env, HEROKU_APP: 'privacy-demo'})
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).database).to.equal('privacy-demo::DATABASE')
    })

    it('retries a rate-limited API and says so on stderr', async () => {
      ctx.sim.failNext({path: /^\/apps\/privacy-demo$/, status: 429, times: 1})
      const result = await runCli(['privacy:info', '-a', 'privacy-demo'], ctx.env)
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.match(/Heroku API answered 429; retrying/)
    })
  })

  describe('with a database URL', () => {
    it('reads any Postgres from --database-url without Heroku', async () => {
      const url = ctx.sim.databaseUrl(ctx.world.demoDatabase)
      const result = await runCli(['privacy:info', '--database-url', url, '--json'], {HEROKU_API_KEY: undefined})
      expect(result.code, result.stderr).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.source).to.equal('url')
      expect(report.heroku).to.equal(null)
      expect(report.database).to.match(/^127\.0\.0\.1:\d+\/sim_postgresql_demo_41235$/)
      expectNoSecrets(result)
    })

    it('uses DATABASE_URL when no app is given, as a dyno would', async () => {
      const result = await runCli(['privacy:info', '--json'], {DATABASE_URL: ctx.sim.databaseUrl(ctx.world.demoDatabase)})
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).postgres.tableCount).to.equal(14)
    })
  })

  describe('bad input', () => {
    it('an unknown app', async () => {
      expectOneLineError(await runCli(['privacy:info', '-a', 'no-such-app'], ctx.env), 1, /Couldn't find app no-such-app.*heroku apps/)
    })

    it('an unknown database', async () => {
      expectOneLineError(
        await runCli(['privacy:info', '-a', 'privacy-demo', '--database', 'HEROKU_POSTGRESQL_NOPE'], ctx.env),
        1,
        /Unknown database HEROKU_POSTGRESQL_NOPE.*Valid options are/,
      )
    })

    it('an app with no Postgres', async () => {
      expectOneLineError(await runCli(['privacy:info', '-a', 'privacy-nodb'], ctx.env), 1, /privacy-nodb has no Heroku Postgres databases/)
    })

    it('a wrong password', async () => {
      const url = new URL(ctx.sim.databaseUrl(ctx.world.demoDatabase))
      url.password = 'definitely-wrong-password'
      const result = await runCli(['privacy:info', '--database-url', url.toString()], {})
      expectOneLineError(result, 1, /Authentication failed for 127\.0\.0\.1:\d+\/sim_postgresql_demo_41235/)
      expect(result.stderr).to.not.include('definitely-wrong-password')
    })

    it('an unreachable database', async () => {
      const port = await freePort()
      expectOneLineError(
        await runCli(['privacy:info', '--database-url', `postgres://u:secret-pw-1@127.0.0.1:${port}/db`], {}),
        1,
        /Could not connect to 127\.0\.0\.1:\d+\/db \(ECONNREFUSED\)/,
      )
    })

    it('a --database-url that is not a postgres URL', async () => {
      const result = await runCli(['privacy:info', '--database-url', 'mysql://u:secret-pw-2@127.0.0.1/db'], {})
      expectOneLineError(result, 2, /must start with postgres:\/\//)
      expect(result.stderr).to.not.include('secret-pw-2')
    })

    it('no app and no database URL', async () => {
      expectOneLineError(await runCli(['privacy:info'], {}), 2, /No app given\. Pass --app/)
    })

    it('a rejected API token', async () => {
      expectOneLineError(
        await runCli(['privacy:info', '-a', 'privacy-demo'], {...ctx.env, HEROKU_API_KEY: 'wrong-token-value'}),
        1,
        /rejected the API token.*heroku login/,
      )
    })

    it('an API that answers 403', async () => {
      ctx.sim.failNext({
        path: /^\/actions\/addon-attachments\/resolve$/,
        status: 403,
        id: 'forbidden',
        message: 'You do not have access to the app privacy-demo.',
      })
      expectOneLineError(await runCli(['privacy:info', '-a', 'privacy-demo'], ctx.env), 1, /not allowed.*\(403\)/)
    })

    it('an API that keeps failing', async () => {
      ctx.sim.failNext({path: /^\/apps\/privacy-demo$/, status: 503, times: 10})
      const result = await runCli(['privacy:info', '-a', 'privacy-demo'], ctx.env)
      ctx.sim.failures.length = 0
      expectOneLineError(result, 1, /Heroku's API kept failing .*\(503\).*status\.heroku\.com/)
    })

    it('keeps the exit code under --json and reports the error as JSON', async () => {
      const result = await runCli(['privacy:info', '--database-url', 'mysql://x/db', '--json'], {})
      expect(result.code).to.equal(2)
      const body = JSON.parse(result.stdout)
      expect(body.error).to.include({code: 'invalid_database_url', exitCode: 2})
      const unknown = await runCli(['privacy:info', '-a', 'no-such-app', '--json'], ctx.env)
      expect(unknown.code).to.equal(1)
      expect(JSON.parse(unknown.stdout).error.code).to.equal('app_not_found')
    })
  })
})
