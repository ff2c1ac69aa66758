import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'
import pg from 'pg'

import {ALICE} from '../support/fixture/generate.js'
import {testPostgres} from '../support/global-hooks.js'
import {runCli, useSimulator} from '../support/context.js'

describe('privacy:restrict, restrict:lift, restrict:list', () => {
  const ctx = useSimulator()
  let dir: string
  let map: string
  let db: pg.Pool

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-restrict-'))
    map = join(dir, 'privacy.yml')
    expect((await runCli(['privacy:scan', '-a', 'privacy-demo', '--out', map], ctx.env)).code).to.equal(0)
    // A pool: the simulator closes idle sessions when it copies the database for a backup, and drops it when it stops.
    db = new pg.Pool({connectionString: ctx.sim.databaseUrl(ctx.world.demoDatabase), max: 2})
    db.on('error', () => {})
  })

  after(async () => {
    await db?.end().catch(() => {})
    await rm(dir, {recursive: true, force: true})
  })

  const cli = (...args: string[]) => runCli([...args, '-a', 'privacy-demo'], ctx.env)
  const restrict = (...args: string[]) => cli('privacy:restrict', '--map', map, ...args)
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].n)

  describe('an accuracy dispute, enforced', () => {
    let result: any

    before(async () => {
      const run = await restrict('--subject', `email=${ALICE.email}`, '--reason', 'accuracy', '--enforce', '--json')
      expect(run.code, run.stderr).to.equal(0)
      result = JSON.parse(run.stdout)
    })

    it('registers every row of the person', async () => {
      const [restriction] = result.restrictions
      expect(restriction).to.include({created: true, legalHold: false})
      expect(restriction.rowsByTable['public.users']).to.equal(1)
      expect(restriction.rowsByTable['public.support_tickets']).to.equal(1)
      expect(restriction.rowsByTable['public.messages']).to.equal(
        await count('SELECT count(*) AS n FROM messages WHERE sender_id = $1 OR recipient_id = $1', [ALICE.id]),
      )
      expect(await count('SELECT count(*) AS n FROM heroku_privacy.restricted_rows')).to.equal(restriction.rowsAdded)
    })

    it('gives applications views without the restricted rows, and is_restricted()', async () => {
      expect(await count('SELECT count(*) AS n FROM heroku_privacy_unrestricted.users')).to.equal((await count('SELECT count(*) AS n FROM users')) - 1)
      expect(await count('SELECT count(*) AS n FROM heroku_privacy_unrestricted.users WHERE id = $1', [ALICE.id])).to.equal(0)
      expect(await count('SELECT count(*) AS n FROM heroku_privacy_unrestricted.salesforce__contact WHERE email = $1', [ALICE.email])).to.equal(0)
      expect(
        (await db.query(`SELECT heroku_privacy.is_restricted('public.users', '1') AS a, heroku_privacy.is_restricted('public.users', '2') AS b`)).rows[0],
      ).to.deep.equal({a: true, b: false})
    })

    it('refuses UPDATE and DELETE of restricted rows, and leaves others alone', async () => {
      await expect(db.query(`UPDATE users SET full_name = 'Changed' WHERE id = $1`, [ALICE.id])).to.be.rejectedWith(/row 1 of public\.users is restricted/)
      await expect(db.query('DELETE FROM page_views WHERE user_id = $1', [ALICE.id])).to.be.rejectedWith(/is restricted/)
      await db.query(`UPDATE users SET marketing_opt_in = marketing_opt_in WHERE id = 2`)
    })

    it('allows a bypass with a reason, logs it, and copies it into the ledger', async () => {
      const session = await db.connect()
      try {
        await session.query(`SET heroku_privacy.bypass = 'correcting the address as the person asked'`)
        await session.query(`UPDATE addresses SET city = 'Leeds' WHERE user_id = $1`, [ALICE.id])
        await session.query('RESET heroku_privacy.bypass')
      } finally {
        session.release()
      }
      expect(await count(`SELECT count(*) AS n FROM heroku_privacy.bypass_log WHERE reason = 'correcting the address as the person asked'`)).to.equal(1)
      const list = await cli('privacy:restrict:list', '--json')
      expect(list.code, list.stderr).to.equal(0)
      expect(JSON.parse(list.stdout).bypassesRecorded).to.equal(1)
      const events = JSON.parse((await cli('privacy:ledger', '--json')).stdout).events
      const bypass = events.find((e: {action: string}) => e.action === 'restriction.bypassed')
      expect(bypass.details).to.include({table: 'public.addresses', operation: 'UPDATE', reason: 'correcting the address as the person asked'})
    })

    it('adds nothing when the person is restricted again', async () => {
      const before = (await db.query('SELECT count(*)::int AS n FROM heroku_privacy.events')).rows[0].n
      const again = JSON.parse((await restrict('--subject', `email=${ALICE.email}`, '--reason', 'accuracy', '--json')).stdout)
      expect(again.restrictions[0]).to.include({created: false, rowsAdded: 0, id: result.restrictions[0].id})
      expect((await db.query('SELECT count(*)::int AS n FROM heroku_privacy.events')).rows[0].n).to.equal(before)
    })

    it('records the rows in the ledger by primary key only', async () => {
      const created = JSON.parse((await cli('privacy:ledger', '--json')).stdout).events.find((e: {action: string}) => e.action === 'restriction.created')
      expect(created.details.row_count).to.equal(result.restrictions[0].rowsAdded)
      expect(await count('SELECT count(*) AS n FROM heroku_privacy.event_rows WHERE seq = $1', [created.seq])).to.equal(result.restrictions[0].rowsAdded)
      expect(JSON.stringify(created)).to.not.include(ALICE.email)
    })

    it('lists it', async () => {
      const {restrictions} = JSON.parse((await cli('privacy:restrict:list', '--json')).stdout)
      expect(restrictions).to.have.length(1)
      expect(restrictions[0]).to.include({id: result.restrictions[0].id, reason: 'accuracy', legalHold: false, rows: result.restrictions[0].rowsAdded})
    })

    it('lifts only with the recorded approval and a confirmation', async () => {
      const noApproval = await cli('privacy:restrict:lift', '--subject', `email=${ALICE.email}`, '--confirm', 'privacy-demo')
      expect(noApproval.code).to.equal(4)
      expect(noApproval.stderr).to.match(/needs the person's recorded approval/)
      const approval = ['--approved-by', 'Alice Example', '--evidence', 'email of 2026-11-30']
      const noConfirm = await cli('privacy:restrict:lift', '--subject', `email=${ALICE.email}`, ...approval)
      expect(noConfirm.code).to.equal(4)
      expect(noConfirm.stderr).to.match(/pass --confirm privacy-demo/)
      const wrong = await cli('privacy:restrict:lift', '--subject', `email=${ALICE.email}`, ...approval, '--confirm', 'other-app')
      expect(wrong.code).to.equal(4)
      const dry = await cli('privacy:restrict:lift', '--subject', `email=${ALICE.email}`, ...approval, '--dry-run')
      expect(dry.code, dry.stderr).to.equal(0)
      expect(dry.stdout).to.match(/Would lift X-/)
      expect(await count('SELECT count(*) AS n FROM heroku_privacy.restrictions WHERE lifted_at IS NULL')).to.equal(1)
      const lifted = await cli('privacy:restrict:lift', '--subject', `email=${ALICE.email}`, ...approval, '--confirm', 'privacy-demo')
      expect(lifted.code, lifted.stderr).to.equal(0)
      await db.query(`UPDATE users SET marketing_opt_in = marketing_opt_in WHERE id = $1`, [ALICE.id])
      expect(await count('SELECT count(*) AS n FROM heroku_privacy_unrestricted.users WHERE id = $1', [ALICE.id])).to.equal(1)
      const events = JSON.parse((await cli('privacy:ledger', '--json')).stdout).events
      expect(events.at(-1).details).to.include({approved_by: 'Alice Example', evidence: 'email of 2026-11-30'})
    })
  })

  describe('a legal hold', () => {
    it('takes a real backup first and records its id in the ledger', async () => {
      const run = await restrict('--subject', 'id=5', '--reason', 'legal-claim', '--legal-hold', '--json')
      expect(run.code, run.stderr).to.equal(0)
      const result = JSON.parse(run.stdout)
      expect(result.snapshot.kind).to.equal('backup')
      const transfer = ctx.sim.transfers.find(t => t.uuid === result.snapshot.transferId)!
      expect(transfer.succeeded).to.equal(true)
      if (transfer.method === 'pg_dump') expect(existsSync(transfer.file!)).to.equal(true)
      const events = JSON.parse((await cli('privacy:ledger', '--json')).stdout).events
      expect(events.find((e: {action: string}) => e.action === 'snapshot.created').details.transferId).to.equal(result.snapshot.transferId)
      const list = await cli('privacy:restrict:list')
      expect(list.stdout).to.match(new RegExp(`yes \\(backup ${result.snapshot.name}\\)`))
    })

    it('lifts only with --release-hold, naming the snapshot that may go', async () => {
      const approval = ['--subject', 'id=5', '--approved-by', 'Counsel', '--evidence', 'claim settled', '--confirm', 'privacy-demo']
      const held = await cli('privacy:restrict:lift', ...approval)
      expect(held.code).to.equal(4)
      expect(held.stderr).to.match(/under a legal hold/)
      const released = await cli('privacy:restrict:lift', ...approval, '--release-hold')
      expect(released.code, released.stderr).to.equal(0)
      expect(released.stdout).to.match(/heroku pg:backups:delete b\d{3}/)
    })

    it('records nothing when the backup fails', async () => {
      ctx.sim.backupFailure = 'disk full on the backup host'
      try {
        const before = await count('SELECT count(*) AS n FROM heroku_privacy.restrictions')
        const run = await restrict('--subject', 'id=6', '--reason', 'legal-claim', '--legal-hold')
        expect(run.code).to.equal(1)
        expect(run.stderr).to.match(/Backup b\d{3} \(transfer [0-9a-f-]{36}\) failed; nothing was recorded/)
        expect(await count('SELECT count(*) AS n FROM heroku_privacy.restrictions')).to.equal(before)
      } finally {
        ctx.sim.backupFailure = null
      }
    })

    it('needs Heroku for the snapshot', async () => {
      const run = await runCli([
        'privacy:restrict',
        '--database-url',
        ctx.sim.databaseUrl(ctx.world.demoDatabase),
        '--map',
        map,
        '--subject',
        'id=7',
        '--reason',
        'legal-claim',
        '--legal-hold',
      ])
      expect(run.code).to.equal(2)
      expect(run.stderr).to.match(/--snapshot none/)
    })
  })

  describe('bad input', () => {
    it('a subject that does not exist', async () => {
      const run = await restrict('--subject', 'email=nobody@example.com', '--reason', 'objection')
      expect(run.code).to.equal(1)
      expect(run.stderr).to.match(/No subject found by email/)
    })

    it('a role that may not create triggers is told to restrict without --enforce, and nothing is half-recorded', async () => {
      const role = `limited_${Date.now()}`
      const dbName = ctx.world.demoDatabase.database!.databaseName
      const admin = new pg.Client({connectionString: testPostgres().url(dbName)})
      await admin.connect()
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'limited-pass-9'`)
      // A fresh view schema that this role may fill, so the run gets as far as the triggers.
      await admin.query('DROP SCHEMA heroku_privacy_unrestricted CASCADE')
      await db.query(`GRANT CONNECT, CREATE ON DATABASE ${dbName} TO ${role}; GRANT USAGE, CREATE ON SCHEMA heroku_privacy TO ${role}`)
      await db.query(`GRANT USAGE ON SCHEMA public, salesforce TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA public, salesforce TO ${role}`)
      await db.query(
        `GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA heroku_privacy TO ${role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA heroku_privacy TO ${role}`,
      )
      try {
        const url = new URL(ctx.sim.databaseUrl(ctx.world.demoDatabase))
        url.username = role
        url.password = 'limited-pass-9'
        const before = await count('SELECT count(*) AS n FROM heroku_privacy.restricted_rows')
        const run = await runCli([
          'privacy:restrict',
          '--database-url',
          url.toString(),
          '--map',
          map,
          '--subject',
          'id=8',
          '--reason',
          'objection',
          '--enforce',
          '--actor',
          'dpo@example.com',
        ])
        expect(run.code).to.equal(1)
        expect(run.stderr).to.match(/may not create triggers on \S+ \(only its owner can\)\. Restrict without --enforce/)
        expect(run.stderr).to.not.include('limited-pass-9')
        expect(await count('SELECT count(*) AS n FROM heroku_privacy.restricted_rows')).to.equal(before)
      } finally {
        await admin.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`)
        await admin.end()
      }
    })
  })
})
