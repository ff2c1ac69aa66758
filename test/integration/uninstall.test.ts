import {rm} from 'node:fs/promises'

import {expect} from 'chai'

import {ensurePartitions, migrateLogStore} from '../../src/lib/logs/store.js'
import {runCli, useDatabase, writeReviewedMap} from '../support/context.js'

/**
 * privacy:uninstall against a database where the tool installed everything it
 * can: ledger, restriction registry, enforcement triggers, views, log store.
 */
describe('privacy:uninstall', () => {
  const db = useDatabase()
  let dir: string
  let map: string

  const cli = (...args: string[]) => runCli([...args, '--database-url', db.url])
  const uninstall = (...args: string[]) => cli('privacy:uninstall', ...args)

  /** Every object in the tool's schemas and every trigger and function anywhere outside the system schemas. */
  const catalogue = async () =>
    (
      await db.pool.query<{object: string}>(`
    SELECT 'relation ' || n.nspname || '.' || c.relname AS object FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname LIKE 'heroku\\_privacy%'
    UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname LIKE 'heroku\\_privacy%'
    UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text FROM pg_trigger t WHERE NOT t.tgisinternal
    ORDER BY 1`)
    ).rows.map(r => r.object)

  /** The app's tables, row for row. */
  const appData = async () =>
    (
      await db.pool.query<{digest: string}>(`
    SELECT (SELECT md5(string_agg(u::text, '|' ORDER BY id)) FROM users u) || (SELECT md5(string_agg(o::text, '|' ORDER BY "orderId")) FROM "Orders" o)
      || (SELECT md5(string_agg(v::text, '|' ORDER BY id)) FROM visits v) || (SELECT count(*)::text FROM audit_trail) AS digest`)
    ).rows[0]!.digest

  const events = async () => Number((await db.pool.query('SELECT count(*) AS n FROM heroku_privacy.events')).rows[0].n)

  before(async () => {
    await db.pool.query(`
      CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE, full_name text);
      CREATE TABLE "Orders" ("orderId" integer PRIMARY KEY, "userId" integer REFERENCES users, total numeric);
      INSERT INTO users SELECT i, 'user' || i || '@example.com', 'User Number ' || i FROM generate_series(1, 10) i;
      INSERT INTO "Orders" SELECT i, i % 10 + 1, i * 3.5 FROM generate_series(1, 20) i;
      -- A trigger on a partitioned table is cloned onto each partition; only the parent's may be dropped.
      CREATE TABLE visits (id integer, user_id integer REFERENCES users, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
      CREATE TABLE visits_2026 PARTITION OF visits FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      INSERT INTO visits SELECT i, i % 10 + 1, '2026-03-01' FROM generate_series(1, 30) i;
      -- The app's own trigger and function: the tool must leave them alone.
      CREATE TABLE audit_trail (at timestamptz NOT NULL DEFAULT now(), what text NOT NULL);
      CREATE FUNCTION audit_user_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_trail (what) VALUES (TG_OP); RETURN NEW; END $$;
      CREATE TRIGGER users_audit AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION audit_user_change();`)
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
    const restricted = await cli('privacy:restrict', '--map', map, '--subject', 'id=3', '--reason', 'accuracy', '--enforce', '--actor', 'dpo@example.com')
    expect(restricted.code, restricted.stderr).to.equal(0)
    const held = await cli(
      'privacy:restrict',
      '--map',
      map,
      '--subject',
      'id=5',
      '--reason',
      'legal-claim',
      '--legal-hold',
      '--snapshot',
      'none',
      '--actor',
      'dpo@example.com',
    )
    expect(held.code, held.stderr).to.equal(0)
    await migrateLogStore(db.pool, 'the test database')
    await ensurePartitions(db.pool, new Date())
  })
  after(() => rm(dir, {recursive: true, force: true}))

  it('finds everything the tool installed', async () => {
    const installed = await catalogue()
    expect(installed).to.include.members([
      'schema heroku_privacy',
      'schema heroku_privacy_unrestricted',
      'relation heroku_privacy.events',
      'relation heroku_privacy.log_lines',
    ])
    expect(installed.filter(o => o.startsWith('trigger heroku_privacy_restriction on '))).to.have.members([
      'trigger heroku_privacy_restriction on "Orders"',
      'trigger heroku_privacy_restriction on users',
      'trigger heroku_privacy_restriction on visits',
      'trigger heroku_privacy_restriction on visits_2026',
    ])
  })

  it('refuses while a restriction or legal hold is active, also in a dry run and under --json', async () => {
    const before = await catalogue()
    const refused = await uninstall('--drop-ledger', '--confirm', db.name)
    expect(refused.code).to.equal(4)
    expect(refused.stderr).to.match(
      /2 restrictions are active \(1 legal hold among them\): removing the triggers and views would silently resume processing.*privacy:restrict:lift.*Nothing was changed\./,
    )
    expect(refused.stderr.trim().split('\n')).to.have.length(1)
    const dryRun = await uninstall('--drop-ledger', '--dry-run', '--json')
    expect(dryRun.code).to.equal(4)
    const json = JSON.parse(dryRun.stdout)
    expect(json.error.code).to.equal('uninstall_restrictions_active')
    expect(json).to.deep.include({dryRun: true, restrictions: {active: 2, legalHolds: 1, unrecordedBypasses: 0}})
    const dryRunText = await uninstall('--drop-ledger', '--dry-run')
    expect(dryRunText.code).to.equal(4)
    expect(dryRunText.stdout)
      .to.match(/^Would drop from /)
      .and.not.to.include('Dropped')
    await expect(db.pool.query(`UPDATE users SET full_name = 'Changed' WHERE id = 3`)).to.be.rejectedWith(/is restricted/)
    expect(await catalogue()).to.deep.equal(before)
  })

  it("refuses while the tool's schema holds something it did not create", async () => {
    await db.pool.query('CREATE TABLE heroku_privacy.notes_of_the_dpo (note text)')
    try {
      const refused = await uninstall('--drop-ledger', '--dry-run')
      expect(refused.code).to.equal(4)
      expect(refused.stderr).to.match(/did not create.*table heroku_privacy\.notes_of_the_dpo/)
    } finally {
      await db.pool.query('DROP TABLE heroku_privacy.notes_of_the_dpo')
    }
  })

  it('goes ahead once the restrictions are lifted, but gives up on a lock held elsewhere with nothing changed', async () => {
    const lifted = await cli('privacy:restrict:lift', '--subject', 'id=3', '--approved-by', 'dpo@example.com', '--evidence', 'T-1', '--confirm', db.name)
    expect(lifted.code, lifted.stderr).to.equal(0)
    const stillHeld = await uninstall('--drop-ledger', '--dry-run')
    expect(stillHeld.code).to.equal(4)
    expect(stillHeld.stderr).to.include('1 restriction is active (1 legal hold among them)')
    const released = await cli(
      'privacy:restrict:lift',
      '--subject',
      'id=5',
      '--approved-by',
      'court order 2026-11-30',
      '--evidence',
      'T-2',
      '--release-hold',
      '--confirm',
      db.name,
    )
    expect(released.code, released.stderr).to.equal(0)
    const before = await catalogue()
    const holder = await db.pool.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('LOCK TABLE heroku_privacy.restricted_rows IN ACCESS SHARE MODE')
      const blocked = await uninstall('--drop-ledger', '--confirm', db.name, '--lock-timeout', '1')
      expect(blocked.code).to.equal(1)
      expect(blocked.stderr).to.match(
        /Another session holds a lock on the tool's tables.*Nothing was changed; try again when it is quieter\. Raise --lock-timeout to wait longer\./,
      )
    } finally {
      await holder.query('ROLLBACK')
      holder.release()
    }
    expect(await catalogue()).to.deep.equal(before)
  })

  it('once nothing blocks it, refuses without --confirm, with the usual message, and changes nothing', async () => {
    const before = await catalogue()
    const refused = await uninstall('--drop-ledger')
    expect(refused.code).to.equal(4)
    expect(refused.stderr).to.include(`pass --confirm ${db.name} to go ahead`)
    expect(await catalogue()).to.deep.equal(before)
  })

  it('lists in a dry run exactly what it would drop, and changes nothing', async () => {
    const before = await catalogue()
    const run = await uninstall('--drop-ledger', '--dry-run', '--json')
    expect(run.code, run.stderr).to.equal(0)
    const plan = JSON.parse(run.stdout)
    expect(plan).to.include({installed: true, dryRun: true})
    const listed = plan.dropped.map((o: {kind: string; name: string; on?: string}) => (o.on ? `${o.kind} ${o.name} on ${o.on}` : `${o.kind} ${o.name}`))
    expect(listed).to.include.members([
      'trigger heroku_privacy_restriction on public.users',
      'trigger heroku_privacy_restriction on public.Orders',
      'trigger heroku_privacy_restriction on public.visits',
      'view heroku_privacy_unrestricted.users',
      'schema heroku_privacy_unrestricted',
      'table heroku_privacy.restricted_rows',
      'table heroku_privacy.events',
      'table heroku_privacy.log_lines',
      'function heroku_privacy.is_restricted(tbl regclass, pk text)',
      'schema heroku_privacy',
    ])
    expect(listed.filter((o: string) => o.startsWith('trigger '))).to.have.length(3)
    expect(listed.filter((o: string) => o.startsWith('function heroku_privacy.enforce_'))).to.have.length(3)
    expect(listed.at(-1)).to.equal('schema heroku_privacy')
    expect(plan.kept).to.deep.equal([])
    expect(plan.ledger.events).to.be.greaterThan(0)
    expect(await catalogue()).to.deep.equal(before)

    const text = await uninstall('--drop-ledger', '--dry-run')
    expect(text.stdout)
      .to.match(/Would drop from .*:/)
      .and.to.include('heroku_privacy.event_rows')
      .and.to.include('Dry run: nothing was changed.')
  })

  it('refuses to drop a ledger that records events unless told what to do with it', async () => {
    const before = await catalogue()
    const refused = await uninstall('--confirm', db.name, '--json')
    expect(refused.code).to.equal(4)
    const {error} = JSON.parse(refused.stdout)
    expect(error.code).to.equal('uninstall_ledger_in_use')
    expect(error.message).to.match(
      /the proof of past erasures and restrictions: keep it, or save a copy first .* before dropping it\. Nothing was changed\. Run again with --keep-ledger to keep it, or with --drop-ledger once it is saved\./,
    )
    expect(await catalogue()).to.deep.equal(before)
  })

  it('keeps the ledger with --keep-ledger and removes everything else', async () => {
    const recorded = await events()
    const appBefore = await appData()
    const run = await uninstall('--keep-ledger', '--confirm', db.name, '--json')
    expect(run.code, run.stderr).to.equal(0)
    expect(JSON.parse(run.stdout).kept.map((o: {name: string}) => o.name)).to.include.members([
      'heroku_privacy.events',
      'heroku_privacy.requests',
      'heroku_privacy.event_rows',
      'heroku_privacy.keys',
    ])
    const left = await catalogue()
    expect(left.filter(o => o.includes('heroku_privacy_unrestricted') || o.includes('restrict') || o.includes('enforce_') || o.includes('log_'))).to.deep.equal(
      [],
    )
    expect(await events()).to.equal(recorded)
    expect(
      (await db.pool.query(`SELECT array_agg(component ORDER BY component) AS c FROM (SELECT DISTINCT component FROM heroku_privacy.schema_versions) s`))
        .rows[0].c,
    ).to.deep.equal(['ledger'])
    expect(await appData()).to.equal(appBefore)
    const again = await uninstall('--keep-ledger', '--confirm', db.name)
    expect(again.code, again.stderr).to.equal(0)
    expect(again.stdout).to.include('Only the ledger is installed')
    // The kept ledger is still a whole, verifiable chain.
    const verify = await cli('privacy:ledger:verify')
    expect(verify.code, verify.stderr).to.equal(0)
  })

  it("drops the ledger with --drop-ledger, leaving no trace of the tool and the app's data and own trigger intact", async () => {
    const appBefore = await appData()
    const run = await uninstall('--drop-ledger', '--confirm', db.name)
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.include('heroku-privacy is uninstalled')
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'heroku\\_privacy%'`)).rows[0].n).to.equal(0)
    expect(await catalogue()).to.deep.equal(['function audit_user_change()', 'trigger users_audit on users'])
    expect(await appData()).to.equal(appBefore)
    await db.pool.query(`UPDATE users SET full_name = 'Changed' WHERE id = 3`)
    expect(Number((await db.pool.query('SELECT count(*) AS n FROM audit_trail')).rows[0].n)).to.equal(1)
  })

  it('says so and exits 0 when nothing is installed, without asking for --confirm', async () => {
    const run = await uninstall()
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.match(/Nothing of heroku-privacy is installed in .*; nothing to do\./)
    const json = await uninstall('--json')
    expect(json.code).to.equal(0)
    expect(JSON.parse(json.stdout)).to.deep.include({installed: false, dropped: [], kept: []})
  })
})
