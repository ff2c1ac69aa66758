import {copyFile, mkdtemp, rename, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'
import pg from 'pg'

import {readZip, rewriteZip} from '../support/archive.js'
import {runCli, useSimulator, writeReviewedMap} from '../support/context.js'
import {ALICE} from '../support/fixture/generate.js'
import {WORLD_APPS} from '../support/heroku-sim/world.js'

const DEMO = WORLD_APPS.demo
const API = WORLD_APPS.api

/** The rows the maps tie to Alice in one app's database, counted with hand-written SQL rather than the tool's walk. */
const EXPECTED: Record<string, string> = {
  'public.users': 'SELECT count(*) AS n FROM users WHERE id = $1',
  'public.addresses': 'SELECT count(*) AS n FROM addresses WHERE user_id = $1',
  'public.orders': 'SELECT count(*) AS n FROM orders WHERE user_id = $1',
  'public.order_items': 'SELECT count(*) AS n FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.user_id = $1',
  'public.messages': 'SELECT count(*) AS n FROM messages WHERE sender_id = $1 OR recipient_id = $1',
  'public.audit_events': 'SELECT count(*) AS n FROM audit_events WHERE user_id = $1',
  'public.page_views': 'SELECT count(*) AS n FROM page_views WHERE user_id = $1',
}

describe('one request across several apps', () => {
  const ctx = useSimulator({fixtureUsers: 60})
  let dir: string
  let map: string
  const pools: Record<string, pg.Pool> = {}

  before(async function () {
    this.timeout(180_000)
    dir = await mkdtemp(join(tmpdir(), 'privacy-multiapp-'))
    // Only the folder of --map matters for a request across apps: each app's map is privacy.<app>.yml in it.
    map = join(dir, 'privacy.yml')
    for (const app of [DEMO, API]) {
      const reviewed = await writeReviewedMap(['-a', app], ctx.env)
      await copyFile(reviewed.map, join(dir, `privacy.${app}.yml`))
      await rm(reviewed.dir, {recursive: true, force: true})
    }
    pools[DEMO] = new pg.Pool({connectionString: ctx.sim.databaseUrl(ctx.world.demoDatabase), max: 2})
    pools[API] = new pg.Pool({connectionString: ctx.sim.databaseUrl(ctx.world.apiDatabase), max: 2})
    for (const pool of Object.values(pools)) pool.on('error', () => {})
  })

  after(async () => {
    for (const pool of Object.values(pools)) await pool.end().catch(() => {})
    await rm(dir, {recursive: true, force: true})
  })

  const cli = (...args: string[]) => runCli(args, ctx.env)
  const count = async (app: string, sql: string, params: unknown[] = []) => Number((await pools[app]!.query(sql, params)).rows[0].n)
  const requestsRecorded = async () =>
    (await count(DEMO, "SELECT count(*) AS n FROM pg_class WHERE oid = to_regclass('heroku_privacy.requests')")) === 0
      ? 0
      : count(DEMO, 'SELECT count(*) AS n FROM heroku_privacy.requests')
  const open = async (kind: string) => {
    const result = await cli('privacy:requests:open', '-a', DEMO, '-a', API, '--map', map, '--kind', kind, '--subject', `email=${ALICE.email}`, '--json')
    expect(result.code, result.stderr).to.equal(0)
    return JSON.parse(result.stdout)
  }
  const statusOf = async (id: string) => {
    const result = await cli('privacy:requests', '-a', DEMO, '--all', '--json')
    expect(result.code, result.stderr).to.equal(0)
    const request = JSON.parse(result.stdout).requests.find((r: {id: string}) => r.id === id)
    return Object.fromEntries(request.apps.map((a: {app: string; done: boolean}) => [a.app, a.done]))
  }
  const aliceRows = async (app: string) => {
    const counts: Record<string, number> = {}
    for (const [table, sql] of Object.entries(EXPECTED)) counts[table] = await count(app, sql, [ALICE.id])
    return counts
  }

  describe('bad scope', () => {
    it('refuses an app without a map in one line, recording nothing', async () => {
      const before = await requestsRecorded()
      const result = await cli(
        'privacy:requests:open',
        '-a',
        DEMO,
        '-a',
        WORLD_APPS.noDatabase,
        '--map',
        map,
        '--kind',
        'erasure',
        '--subject',
        `email=${ALICE.email}`,
      )
      expect(result.code).to.equal(2)
      expect(result.stderr.trim().split('\n')).to.have.length(1)
      expect(result.stderr).to.include(`No data map for ${WORLD_APPS.noDatabase}`).and.include(`privacy.${WORLD_APPS.noDatabase}.yml`)
      expect(await requestsRecorded()).to.equal(before)
    })

    it('refuses an app without a database in one line, recording nothing', async () => {
      const stray = join(dir, `privacy.${WORLD_APPS.noDatabase}.yml`)
      await copyFile(join(dir, `privacy.${DEMO}.yml`), stray)
      try {
        const before = await requestsRecorded()
        const result = await cli(
          'privacy:requests:open',
          '-a',
          DEMO,
          '-a',
          WORLD_APPS.noDatabase,
          '--map',
          map,
          '--kind',
          'erasure',
          '--subject',
          `email=${ALICE.email}`,
        )
        expect(result.code).to.equal(1)
        expect(result.stderr.trim().split('\n')).to.have.length(1)
        expect(result.stderr).to.include(`${WORLD_APPS.noDatabase} has no Heroku Postgres databases`)
        expect(await requestsRecorded()).to.equal(before)
      } finally {
        await rm(stray)
      }
    })
  })

  describe('choosing the apps', () => {
    it('keeps a request about one app as it was, also when HEROKU_APP names the app', async () => {
      const result = await runCli(['privacy:requests:open', '--map', map, '--kind', 'access', '--subject', `email=${ALICE.email}`, '--json'], {
        ...ctx.env,
        HEROKU_APP: DEMO,
      })
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).apps).to.equal(null)
    })

    it("takes every app of a team that has a map with --team, keeping the request in the first app's ledger", async () => {
      const result = await cli('privacy:requests:open', '--team', 'acme', '--map', map, '--kind', 'objection', '--subject', `email=${ALICE.email}`, '--json')
      expect(result.code, result.stderr).to.equal(0)
      const request = JSON.parse(result.stdout)
      expect(request.apps.map((a: any) => [a.app, a.step])).to.deep.equal([
        [API, null],
        [DEMO, null],
      ])
      const listed = await cli('privacy:requests', '-a', API)
      expect(listed.code, listed.stderr).to.equal(0)
      expect(listed.stdout).to.include(request.id).and.include('Apps').and.include(`${API}, ${DEMO}`)
    })
  })

  describe('an access request', () => {
    let request: any
    let archive: string
    let manifest: any

    before(async function () {
      this.timeout(120_000)
      request = await open('access')
      archive = join(dir, 'alice.zip')
      // The fixture keeps card numbers: a plain zip needs --allow-plaintext.
      const result = await cli(
        'privacy:export',
        '-a',
        DEMO,
        '--request',
        request.id,
        '--subject',
        `email=${ALICE.email}`,
        '--out',
        archive,
        '--allow-plaintext',
        '--json',
      )
      expect(result.code, result.stderr).to.equal(0)
      manifest = JSON.parse((await readZip(archive)).get('manifest.json')!.toString('utf8'))
    })

    it('records both apps and their maps in the request', () => {
      expect(request.apps.map((a: any) => [a.app, a.map, a.step, a.done])).to.deep.equal([
        [DEMO, join(dir, `privacy.${DEMO}.yml`), 'export', false],
        [API, join(dir, `privacy.${API}.yml`), 'export', false],
      ])
    })

    it('writes one archive with a folder per app and a manifest naming every app and database', async () => {
      expect(manifest.apps.map((a: any) => a.app)).to.deep.equal([DEMO, API])
      for (const app of manifest.apps)
        expect(app.database)
          .to.be.a('string')
          .and.not.match(/postgres:\/\//)
      const entries = await readZip(archive)
      for (const app of [DEMO, API]) {
        expect(entries.has(`${app}/index.html`), app).to.equal(true)
        expect(JSON.parse(entries.get(`${app}/manifest.json`)!.toString('utf8')).app).to.equal(app)
      }
    })

    it('holds in each folder as many rows per table as SQL in that app finds', async () => {
      for (const app of [DEMO, API]) {
        const expected = await aliceRows(app)
        const got = Object.fromEntries(
          Object.keys(EXPECTED).map(table => [table, manifest.files.find((f: any) => f.path === `${app}/data/${table}.json`)?.rows]),
        )
        expect(got, app).to.deep.equal(expected)
        expect(expected['public.orders'], `${app} holds Alice's orders`).to.be.greaterThan(0)
      }
    })

    it("passes privacy:verify, and fails it when an app's file is changed", async () => {
      const verify = await cli('privacy:verify', archive, '--json')
      expect(verify.code, verify.stdout).to.equal(0)
      expect(JSON.parse(verify.stdout).manifest.apps).to.deep.equal([DEMO, API])
      const tampered = join(dir, 'tampered.zip')
      await rewriteZip(archive, tampered, {[`${API}/data/public.orders.json`]: '[]\n'})
      expect((await cli('privacy:verify', tampered)).code).to.equal(3)
    })

    it('is not an erasure request, so privacy:erase refuses it', async () => {
      const result = await cli('privacy:erase', '-a', DEMO, '--request', request.id, '--subject', `email=${ALICE.email}`, '--confirm', request.id)
      expect(result.code).to.equal(4)
      expect(result.stderr).to.include('needs an erasure request')
      expect(await count(DEMO, 'SELECT count(*) AS n FROM users WHERE email = $1', [ALICE.email])).to.equal(1)
    })

    it('marks both apps exported, so the request can close', async () => {
      expect(await statusOf(request.id)).to.deep.equal({[DEMO]: true, [API]: true})
      const close = await cli('privacy:requests:close', request.id, '-a', DEMO, '--outcome', 'archive sent')
      expect(close.code, close.stderr).to.equal(0)
    })
  })

  describe('an erasure request, with a failure in the second app', () => {
    let request: any
    let apiBefore: Record<string, number>
    const erase = (...args: string[]) => cli('privacy:erase', '-a', DEMO, '--request', request.id, '--subject', `email=${ALICE.email}`, ...args)

    before(async () => {
      request = await open('erasure')
      apiBefore = await aliceRows(API)
    })

    it('refuses to close while an app is not erased', async () => {
      const close = await cli('privacy:requests:close', request.id, '-a', DEMO, '--outcome', 'erased')
      expect(close.code).to.equal(4)
      expect(close.stderr).to.include(`not erased in ${DEMO}, ${API}`)
    })

    it('refuses another person, and a --confirm that is not the request id', async () => {
      const other = await cli('privacy:erase', '-a', DEMO, '--request', request.id, '--subject', 'email=someone@example.org', '--confirm', request.id)
      expect(other.code).to.equal(4)
      expect(other.stderr).to.include('not the person')
      const wrong = await erase('--confirm', DEMO)
      expect(wrong.code).to.equal(4)
      expect(await count(DEMO, 'SELECT count(*) AS n FROM users WHERE email = $1', [ALICE.email])).to.equal(1)
    })

    it('names an app whose map has gone, and erases in no app', async () => {
      const apiMap = join(dir, `privacy.${API}.yml`)
      await rename(apiMap, `${apiMap}.away`)
      try {
        const result = await erase('--confirm', request.id)
        expect(result.code).to.equal(1)
        expect(result.stderr.split('\n').filter(line => line.includes('Error:'))).to.have.length(1)
        expect(result.stderr).to.include(`${API}: No data map at ${apiMap}`).and.include('Nothing was erased in this run.')
        expect(await count(DEMO, 'SELECT count(*) AS n FROM users WHERE email = $1', [ALICE.email])).to.equal(1)
        expect(await statusOf(request.id)).to.deep.equal({[DEMO]: false, [API]: false})
      } finally {
        await rename(`${apiMap}.away`, apiMap)
      }
    })

    it("shows each app's plan on --dry-run and changes nothing", async () => {
      const dry = await erase('--dry-run')
      expect(dry.code, dry.stderr).to.equal(0)
      expect(dry.stdout).to.include(`${DEMO} (`).and.include(`${API} (`).and.include('public.orders')
      expect(await aliceRows(API)).to.deep.equal(apiBefore)
      expect(await count(DEMO, 'SELECT count(*) AS n FROM users WHERE email = $1', [ALICE.email])).to.equal(1)
    })

    it('erases the first app, leaves the failing second untouched, and names both', async () => {
      await pools[API]!.query(`
        CREATE FUNCTION refuse_user_changes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'users are read-only during the migration'; END $$;
        CREATE TRIGGER users_read_only BEFORE UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION refuse_user_changes();`)
      const result = await erase('--confirm', request.id)
      expect(result.code).to.equal(1)
      expect(result.stderr.split('\n').filter(line => line.includes('Error:'))).to.have.length(1)
      expect(result.stderr).to.include(`in ${API} failed`).and.include('users are read-only').and.include(`Done: ${DEMO}. Not done: ${API}.`)
      expect(await count(DEMO, 'SELECT count(*) AS n FROM users WHERE email = $1', [ALICE.email])).to.equal(0)
      expect(await aliceRows(API)).to.deep.equal(apiBefore)
      expect(await statusOf(request.id)).to.deep.equal({[DEMO]: true, [API]: false})
      expect((await cli('privacy:requests:close', request.id, '-a', DEMO, '--outcome', 'erased')).code).to.equal(4)
    })

    it('finishes only the second app when run again', async () => {
      await pools[API]!.query('DROP TRIGGER users_read_only ON users; DROP FUNCTION refuse_user_changes()')
      const result = await erase('--confirm', request.id, '--json')
      expect(result.code, result.stderr).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.apps.map((a: any) => [a.app, a.status])).to.deep.equal([
        [DEMO, 'already-done'],
        [API, 'erased'],
      ])
      expect(await count(API, 'SELECT count(*) AS n FROM users WHERE email = $1', [ALICE.email])).to.equal(0)
      const erased = await aliceRows(API)
      for (const table of ['public.addresses', 'public.audit_events', 'public.messages', 'public.page_views']) expect(erased[table], table).to.equal(0)
      // One erasure in each app's own ledger: the rerun did not erase the first app again.
      for (const app of [DEMO, API])
        expect(await count(app, "SELECT count(*) AS n FROM heroku_privacy.events WHERE action = 'erasure.executed'"), app).to.equal(1)
      expect(await statusOf(request.id)).to.deep.equal({[DEMO]: true, [API]: true})
    })

    it('closes once both apps are done, with both ledgers intact', async () => {
      const close = await cli('privacy:requests:close', request.id, '-a', DEMO, '--outcome', 'erased in both apps')
      expect(close.code, close.stderr).to.equal(0)
      for (const app of [DEMO, API]) expect((await cli('privacy:ledger:verify', '-a', app)).code, app).to.equal(0)
    })
  })
})
