import {randomUUID} from 'node:crypto'
import {rm} from 'node:fs/promises'
import {join} from 'node:path'

import {expect} from 'chai'

import {ensurePartitions, migrateLogStore, storeBatch} from '../../src/lib/logs/store.js'
import {readZip} from '../support/archive.js'
import {ALICE} from '../support/fixture/generate.js'
import {BIN, runCli, useDatabase, useSimulator, writeReviewedMap} from '../support/context.js'
import {freePort} from '../support/postgres-server.js'
import {logplexBody, postBatch} from '../support/logplex.js'
import {startProcess} from '../support/processes.js'

/** Lines about Alice (by email, percent-encoded email, full name, phone, signup IP) and lines that only look alike. */
const ABOUT_ALICE = [
  `login ok for ${ALICE.email} from 10.0.0.1`,
  `GET /account?email=${encodeURIComponent(ALICE.email)} 200`,
  `profile updated: ${ALICE.fullName}`,
  `sms sent to ${ALICE.phone}.`,
]
const NOT_ALICE = [
  `login ok for m${ALICE.email} from 10.0.0.12`,
  'GET /health 200',
  `password reset for bob@example.com (not ${ALICE.email.replace('@', ' at ')})`,
]

describe("logs: export and erase a person's lines, the receiver command", function () {
  this.timeout(180_000)
  const app = useDatabase({users: 120})
  const logs = useDatabase()
  let map: string
  let mapDir: string

  before(async () => {
    ;({map, dir: mapDir} = await writeReviewedMap(['--database-url', app.url]))
    await migrateLogStore(logs.pool, 'logs')
    const now = new Date()
    await ensurePartitions(logs.pool, now)
    await storeBatch(logs.pool, {
      receivedAt: now,
      drainToken: 'd.test',
      frameId: randomUUID(),
      malformed: 0,
      lines: [...ABOUT_ALICE, ...NOT_ALICE].map((message, i) => ({
        priority: 190,
        loggedAt: new Date(now.getTime() - 1000 * (10 - i)).toISOString(),
        host: 'host',
        app: 'app',
        proc: 'web.1',
        message,
      })),
    })
  })

  after(async () => {
    await rm(mapDir, {recursive: true, force: true})
  })

  it('exports exactly the lines that mention the person, under logs/', async () => {
    const out = join(mapDir, 'alice.zip')
    const result = await runCli([
      'privacy:export',
      '--database-url',
      app.url,
      '--map',
      map,
      '--subject',
      `email=${ALICE.email}`,
      '--out',
      out,
      '--include-logs',
      '--logs-database-url',
      logs.url,
      '--json',
      '--allow-plaintext',
    ])
    expect(result.code, result.stderr).to.equal(0)
    const entries = await readZip(out)
    const lines = JSON.parse(entries.get('logs/lines.json')!.toString()) as Array<{message: string}>
    expect(lines.map(l => l.message)).to.deep.equal(ABOUT_ALICE)
    const manifest = JSON.parse(entries.get('manifest.json')!.toString())
    expect(manifest.files.find((f: {path: string}) => f.path === 'logs/lines.json').rows).to.equal(ABOUT_ALICE.length)
    const verify = await runCli(['privacy:verify', out])
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0)
    expect(result.stdout + result.stderr).to.not.include(new URL(logs.url).password)
  })

  it('refuses --include-logs on a database without a log store', async () => {
    const result = await runCli([
      'privacy:export',
      '--database-url',
      app.url,
      '--map',
      map,
      '--subject',
      `email=${ALICE.email}`,
      '--out',
      join(mapDir, 'x.zip'),
      '--include-logs',
    ])
    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(/has no log store/)
    expect(result.stderr.trim().split('\n')).to.have.length(1)
  })

  it("erases the person's mentions from stored lines with the rest of the erasure, and nothing else", async () => {
    const dry = await runCli([
      'privacy:erase',
      '--database-url',
      app.url,
      '--map',
      map,
      '--subject',
      `email=${ALICE.email}`,
      '--include-logs',
      '--logs-database-url',
      logs.url,
      '--dry-run',
      '--json',
    ])
    expect(dry.code, dry.stderr).to.equal(0)
    expect(JSON.parse(dry.stdout).logLines).to.equal(ABOUT_ALICE.length)
    const result = await runCli([
      'privacy:erase',
      '--database-url',
      app.url,
      '--map',
      map,
      '--subject',
      `email=${ALICE.email}`,
      '--include-logs',
      '--logs-database-url',
      logs.url,
      '--confirm',
      app.name,
      '--json',
    ])
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout).logLines).to.equal(ABOUT_ALICE.length)
    const {rows} = await logs.pool.query<{message: string}>('SELECT message FROM heroku_privacy.log_lines ORDER BY logged_at')
    const messages = rows.map(r => r.message)
    expect(messages.slice(ABOUT_ALICE.length)).to.deep.equal(NOT_ALICE)
    for (const message of messages.slice(0, ABOUT_ALICE.length)) {
      expect(message).to.include('[erased]')
      for (const value of [ALICE.email, encodeURIComponent(ALICE.email), ALICE.fullName, ALICE.phone, '10.0.0.1 ']) expect(message).to.not.include(value)
    }
  })

  describe('privacy:logs:serve', () => {
    it('refuses to start without credentials', async () => {
      const result = await runCli(['privacy:logs:serve', '--database-url', logs.url])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/needs credentials/)
    })

    it('receives batches until stopped, then prints what it stored', async () => {
      const port = await freePort()
      const server = startProcess(process.execPath, [
        BIN,
        'privacy:logs:serve',
        '--database-url',
        logs.url,
        '--port',
        String(port),
        '--auth',
        'drain:pw-serve-77',
        '--stats-every',
        '0',
      ])
      while (!server.output().stdout.includes('Receiving')) {
        if (server.child.exitCode !== null) throw new Error(server.output().stderr)
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      const marker = randomUUID()
      const status = await postBatch(`http://127.0.0.1:${port}/drain`, logplexBody([`served ${marker}`, `served again ${marker}`]), {
        credentials: {user: 'drain', password: 'pw-serve-77', token: 'd.any'},
        frameId: randomUUID(),
        count: 2,
      })
      expect(status).to.equal(204)
      server.child.kill('SIGTERM')
      const {code, stdout, stderr} = await server.result
      expect(code).to.equal(0)
      expect(stdout).to.match(/Stored 2 lines in 1 batch;/)
      expect(stdout + stderr).to.not.include('pw-serve-77')
      expect(stdout + stderr).to.not.include(new URL(logs.url).password)
      const {rows} = await logs.pool.query('SELECT count(*)::int AS n FROM heroku_privacy.log_lines WHERE message LIKE $1', [`%${marker}`])
      expect(rows[0].n).to.equal(2)
    })

    describe('--redact', () => {
      const LINE = 'login password=hunter2 Authorization: Bearer abc.def-ghi'

      /** Starts the receiver with the given redaction, stores one line through it, and returns the banner and the stored line. */
      async function storeThrough(args: string[], env: Record<string, string> = {}): Promise<{banner: string; stored: string}> {
        const port = await freePort()
        const server = startProcess(
          process.execPath,
          [BIN, 'privacy:logs:serve', '--database-url', logs.url, '--port', String(port), '--auth', 'drain:pw', '--stats-every', '0', ...args],
          env,
        )
        while (!server.output().stdout.includes('Receiving')) {
          if (server.child.exitCode !== null) throw new Error(server.output().stderr)
          await new Promise(resolve => setTimeout(resolve, 100))
        }
        const marker = randomUUID()
        const status = await postBatch(`http://127.0.0.1:${port}/drain`, logplexBody([`${marker} ${LINE}`]), {
          credentials: {user: 'drain', password: 'pw', token: 'd.any'},
          frameId: randomUUID(),
          count: 1,
        })
        server.child.kill('SIGTERM')
        const {code, stdout} = await server.result
        expect(status).to.equal(204)
        expect(code).to.equal(0)
        const {rows} = await logs.pool.query<{message: string}>('SELECT message FROM heroku_privacy.log_lines WHERE message LIKE $1', [`${marker}%`])
        return {banner: stdout.split('\n')[0]!, stored: rows[0]!.message.slice(marker.length + 1)}
      }

      it('stores the same redacted line for a comma list, repeated flags and the environment variable', async () => {
        const comma = await storeThrough(['--redact', 'password,bearer'])
        const repeated = await storeThrough(['--redact', 'password', '--redact', 'bearer'])
        const fromEnv = await storeThrough([], {HEROKU_PRIVACY_LOG_REDACT: 'password, bearer'})
        expect(comma.stored).to.equal('login password=[redacted] Authorization: Bearer [redacted]')
        expect(repeated.stored).to.equal(comma.stored)
        expect(fromEnv.stored).to.equal(comma.stored)
        for (const run of [comma, repeated, fromEnv]) expect(run.banner).to.match(/redacting password \(preset\), bearer \(preset\)\./)
      })

      it("keeps commas inside a pattern's braces and brackets", async () => {
        const {banner, stored} = await storeThrough(['--redact', String.raw`password,abc\.\w{2,3}`])
        expect(stored).to.equal('login password=[redacted] Authorization: Bearer [redacted]-ghi')
        expect(banner).to.include(String.raw`redacting password (preset), /abc\.\w{2,3}/ (pattern).`)
      })

      it('refuses an unknown preset name with exit 2, before it listens', async () => {
        const result = await runCli(['privacy:logs:serve', '--database-url', logs.url, '--auth', 'drain:pw', '--redact', 'password,bearers'])
        expect(result.code).to.equal(2)
        expect(result.stderr).to.match(/bearers is not a preset.*did you mean bearer/)
      })
    })

    it('expires with privacy:logs:expire only when confirmed', async () => {
      const refused = await runCli(['privacy:logs:expire', '--database-url', logs.url, '--retention', '30d'])
      expect(refused.code).to.equal(4)
      const dry = await runCli(['privacy:logs:expire', '--database-url', logs.url, '--retention', '30d', '--dry-run', '--json'])
      expect(dry.code, dry.stderr).to.equal(0)
      expect(JSON.parse(dry.stdout)).to.include({dryRun: true})
    })
  })
})

describe('privacy:logs:drain, :list and :remove', function () {
  this.timeout(120_000)
  const context = useSimulator({fixtureUsers: 20})
  const cli = (...args: string[]) => runCli(args, context.env)

  it('adds an HTTPS drain with credentials, prints its token, and never the password', async () => {
    const result = await cli('privacy:logs:drain', '-a', 'privacy-demo', '--url', 'https://drain:pw-drain-41@logs.example.org/drain', '--json')
    expect(result.code, result.stderr).to.equal(0)
    const body = JSON.parse(result.stdout)
    expect(body.drain.token).to.match(/^d\./)
    expect(result.stdout + result.stderr).to.not.include('pw-drain-41')
    const list = await cli('privacy:logs:drain:list', '-a', 'privacy-demo')
    expect(list.code, list.stderr).to.equal(0)
    expect(list.stdout).to.include('logs.example.org')
    expect(list.stdout).to.include(body.drain.token)
    expect(list.stdout).to.not.include('pw-drain-41')
    expect(list.stdout).to.match(/Logplex itself keeps about a week/)
  })

  it('refuses plain http, and a URL without credentials unless --no-auth', async () => {
    const http = await cli('privacy:logs:drain', '-a', 'privacy-demo', '--url', 'http://u:p@logs.example.org/drain')
    expect(http.code).to.equal(2)
    expect(http.stderr).to.match(/https/)
    const bare = await cli('privacy:logs:drain', '-a', 'privacy-demo', '--url', 'https://open.example.org/drain')
    expect(bare.code).to.equal(2)
    expect(bare.stderr).to.match(/--no-auth/)
    const allowed = await cli('privacy:logs:drain', '-a', 'privacy-demo', '--url', 'https://open.example.org/drain', '--no-auth')
    expect(allowed.code, allowed.stderr).to.equal(0)
  })

  it('says what to do instead for Fir apps and apps in a space with Private Space Logging', async () => {
    context.sim.createApp({name: 'privacy-fir', generation: 'fir'})
    const fir = await cli('privacy:logs:drain', '-a', 'privacy-fir', '--url', 'https://u:p@logs.example.org/drain')
    expect(fir.code).to.equal(4)
    expect(fir.stderr).to.match(/Fir-generation.*telemetry/)
    const space = context.sim.createSpace({name: 'acme-logged', shield: true, logDrainUrl: 'https://u:space-secret@space-logs.example.org/'})
    context.sim.createApp({name: 'privacy-spaced', space})
    const spaced = await cli('privacy:logs:drain', '-a', 'privacy-spaced', '--url', 'https://u:p@logs.example.org/drain')
    expect(spaced.code).to.equal(4)
    expect(spaced.stderr).to.match(/Private Space Logging.*spaces:drains:set/)
    expect(spaced.stderr).to.not.include('space-secret')
  })

  it('removes a drain only when confirmed, and names an unknown one', async () => {
    const refused = await cli('privacy:logs:drain:remove', 'https://open.example.org/drain', '-a', 'privacy-demo')
    expect(refused.code).to.equal(4)
    const dry = await cli('privacy:logs:drain:remove', 'https://open.example.org/drain', '-a', 'privacy-demo', '--dry-run')
    expect(dry.code, dry.stderr).to.equal(0)
    expect(context.world.demo.drains.some(d => d.url === 'https://open.example.org/drain')).to.equal(true)
    const removed = await cli('privacy:logs:drain:remove', 'https://open.example.org/drain', '-a', 'privacy-demo', '--confirm', 'privacy-demo')
    expect(removed.code, removed.stderr).to.equal(0)
    expect(context.world.demo.drains.some(d => d.url === 'https://open.example.org/drain')).to.equal(false)
    const unknown = await cli('privacy:logs:drain:remove', 'https://nowhere.example.org/', '-a', 'privacy-demo', '--confirm', 'privacy-demo')
    expect(unknown.code).to.equal(1)
    expect(unknown.stderr).to.match(/has no log drain/)
  })
})
