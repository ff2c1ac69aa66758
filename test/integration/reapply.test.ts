import {rm} from 'node:fs/promises'

import {expect} from 'chai'
import pg from 'pg'

import {ALICE} from '../support/fixture/generate.js'
import {testPostgres} from '../support/global-hooks.js'
import {runCli, useSimulator, writeReviewedMap} from '../support/context.js'

describe('privacy:reapply and privacy:snapshots', () => {
  const ctx = useSimulator()
  let dir: string
  let map: string

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${ctx.sim.url}${path}`, {
      method,
      headers: {Authorization: `Bearer ${ctx.sim.apiKey}`, 'Content-Type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return response.json() as Promise<any>
  }
  const waitFor = async <T>(probe: () => Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 600; i++) {
      const value = await probe()
      if (value !== undefined) return value
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    throw new Error('timed out')
  }
  const cli = (...args: string[]) => runCli([...args, '-a', 'privacy-demo'], ctx.env)
  const pool = (url: string) => {
    const p = new pg.Pool({connectionString: url, max: 2})
    p.on('error', () => {})
    return p
  }
  const configVar = async (name: string) => (await api('GET', '/apps/privacy-demo/config-vars'))[`${name}_URL`] as string

  /** md5 of every table's rows other than Alice's, in a database. */
  async function othersChecksum(db: pg.Pool): Promise<Record<string, string>> {
    const sums: Record<string, string> = {}
    const queries: Record<string, string> = {
      users: `SELECT * FROM users WHERE id <> ${ALICE.id}`,
      orders: `SELECT * FROM orders WHERE user_id <> ${ALICE.id}`,
      audit_events: `SELECT * FROM audit_events WHERE user_id <> ${ALICE.id}`,
      messages: `SELECT * FROM messages WHERE sender_id <> ${ALICE.id} AND recipient_id <> ${ALICE.id}`,
      support_tickets: `SELECT * FROM support_tickets WHERE requester_email <> '${ALICE.email}'`,
    }
    for (const [name, sql] of Object.entries(queries)) {
      sums[name] = (await db.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS s FROM (${sql}) t`)).rows[0].s
    }
    return sums
  }

  let backup: any
  let requestId: string

  before(async function () {
    this.timeout(120_000)
    ;({dir, map} = await writeReviewedMap(['-a', 'privacy-demo'], ctx.env))
    const capture = await api('POST', `/client/v11/databases/${ctx.world.demoDatabase.id}/backups`)
    backup = await waitFor(async () => {
      const t = await api('GET', `/client/v11/apps/privacy-demo/transfers/${capture.uuid}`)
      return t.finished_at ? t : undefined
    })
    expect(backup.succeeded).to.equal(true)
    await new Promise(resolve => setTimeout(resolve, 20))
    const opened = await cli('privacy:requests:open', '--kind', 'erasure', '--subject', `email=${ALICE.email}`, '--json')
    requestId = JSON.parse(opened.stdout).id
    const erased = await cli(
      'privacy:erase',
      '--map',
      map,
      '--subject',
      `email=${ALICE.email}`,
      '--include-connect',
      '--request',
      requestId,
      '--confirm',
      'privacy-demo',
    )
    expect(erased.code, erased.stderr).to.equal(0)
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('lists the backup as still holding the erased request', async () => {
    const result = await cli('privacy:snapshots', '--json')
    expect(result.code, result.stderr).to.equal(0)
    const entry = JSON.parse(result.stdout).snapshots.find((s: {name: string}) => s.name === backup.to_name)
    expect(entry.kind).to.equal('backup')
    expect(entry.requests).to.deep.equal([requestId])
    expect(entry.predates.map((p: {action: string}) => p.action)).to.include('erasure.executed')
  })

  describe('a backup from before the erasure, restored into a new database', () => {
    let restored: pg.Pool
    let othersBefore: Record<string, string>

    after(async () => {
      await restored?.end().catch(() => {})
    })

    it('still holds the erased person after the restore', async function () {
      this.timeout(120_000)
      const addon = await api('POST', '/apps/privacy-demo/addons', {plan: 'heroku-postgresql:standard-0', attachment: {name: 'RESTORED'}})
      expect(addon.state).to.equal('provisioned')
      const started = await api('POST', `/client/v11/databases/${addon.id}/restores`, {backup_url: backup.to_url})
      await waitFor(async () => {
        const t = await api('GET', `/client/v11/apps/privacy-demo/transfers/${started.uuid}`)
        return t.finished_at ? t : undefined
      })
      restored = pool(await configVar('RESTORED'))
      expect((await restored.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [ALICE.email])).rows[0].n).to.equal(1)
      othersBefore = await othersChecksum(restored)
    })

    it('gets the erasure again, and everyone else is unchanged', async () => {
      const result = await cli('privacy:reapply', '--database', 'RESTORED', '--map', map, '--confirm', 'privacy-demo', '--json')
      expect(result.code, result.stderr + result.stdout).to.equal(0)
      const report = JSON.parse(result.stdout)
      expect(report.applied.map((a: {action: string}) => a.action)).to.include('erasure.executed')
      expect(report.ledgerHead).to.match(new RegExp(`^${report.reconciliationEvent}:[0-9a-f]{64}$`))
      expect((await restored.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [ALICE.email])).rows[0].n).to.equal(0)
      expect((await restored.query('SELECT count(*)::int AS n FROM audit_events WHERE user_id = $1', [ALICE.id])).rows[0].n).to.equal(0)
      expect(await othersChecksum(restored)).to.deep.equal(othersBefore)
    })

    it('changes nothing when run again', async () => {
      const again = await cli('privacy:reapply', '--database', 'RESTORED', '--map', map, '--confirm', 'privacy-demo', '--json')
      expect(again.code, again.stderr).to.equal(0)
      const report = JSON.parse(again.stdout)
      expect(report.applied).to.deep.equal([])
      expect(report.alreadyReconciled.length).to.be.greaterThan(0)
    })
  })

  describe('safety', () => {
    it('never erases a recorded key that now belongs to someone else', async function () {
      this.timeout(120_000)
      const addon = await api('POST', '/apps/privacy-demo/addons', {plan: 'heroku-postgresql:standard-0', attachment: {name: 'REUSED'}})
      const started = await api('POST', `/client/v11/databases/${addon.id}/restores`, {backup_url: backup.to_url})
      await waitFor(async () => {
        const t = await api('GET', `/client/v11/apps/privacy-demo/transfers/${started.uuid}`)
        return t.finished_at ? t : undefined
      })
      const reused = pool(await configVar('REUSED'))
      try {
        await reused.query(`UPDATE users SET email = 'someone.else@example.com' WHERE id = $1`, [ALICE.id])
        const result = await cli('privacy:reapply', '--database', 'REUSED', '--map', map, '--confirm', 'privacy-demo')
        expect(result.code).to.equal(3)
        expect(result.stdout).to.match(/NOT applied: event \d+ — public\.users row 1 now belongs to someone else/)
        expect((await reused.query('SELECT count(*)::int AS n FROM audit_events WHERE user_id = $1', [ALICE.id])).rows[0].n).to.be.greaterThan(0)
      } finally {
        await reused.end()
      }
    })

    it('gives a fork made before a restriction that restriction', async function () {
      this.timeout(120_000)
      const created = await api('POST', '/apps/privacy-demo/addons', {plan: 'heroku-postgresql:standard-0', config: {fork: 'DATABASE'}})
      const fork = await waitFor(async () => {
        const addon = await api('GET', `/apps/privacy-demo/addons/${created.name}`)
        return addon.state === 'provisioned' ? addon : undefined
      })
      await new Promise(resolve => setTimeout(resolve, 20))
      const restricted = await cli('privacy:restrict', '--map', map, '--subject', 'id=2', '--reason', 'accuracy')
      expect(restricted.code, restricted.stderr).to.equal(0)
      const forkVar = fork.config_vars.find((v: string) => v.startsWith('HEROKU_POSTGRESQL_')).replace(/_URL$/, '')
      const snapshots = JSON.parse((await cli('privacy:snapshots', '--json')).stdout).snapshots
      expect(snapshots.find((s: {name: string}) => s.name === forkVar)).to.include({kind: 'fork', reconciled: false})
      const result = await cli('privacy:reapply', '--database', forkVar, '--map', map, '--confirm', 'privacy-demo', '--json')
      expect(result.code, result.stderr).to.equal(0)
      const forked = pool(await configVar(forkVar))
      try {
        expect((await forked.query(`SELECT heroku_privacy.is_restricted('public.users', '2') AS r`)).rows[0].r).to.equal(true)
        expect((await forked.query('SELECT count(*)::int AS n FROM heroku_privacy_unrestricted.users WHERE id = 2')).rows[0].n).to.equal(0)
      } finally {
        await forked.end()
      }
      const after = JSON.parse((await cli('privacy:snapshots', '--json')).stdout).snapshots
      expect(after.find((s: {name: string}) => s.name === forkVar).reconciled).to.equal(true)
    })

    it('says there is nothing to do for the primary itself', async () => {
      const result = await cli('privacy:reapply', '--database', 'DATABASE', '--map', map, '--confirm', 'privacy-demo')
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.match(/is the primary database.*nothing to reapply/)
    })

    it('refuses a ledger that does not verify', async () => {
      const admin = new pg.Client({connectionString: testPostgres().url(ctx.world.demoDatabase.database!.databaseName)})
      await admin.connect()
      try {
        await admin.query('ALTER TABLE heroku_privacy.events DISABLE TRIGGER events_append_only')
        await admin.query(`UPDATE heroku_privacy.events SET actor = 'someone@else' WHERE seq = 2`)
        const result = await cli('privacy:reapply', '--database', 'RESTORED', '--map', map, '--confirm', 'privacy-demo')
        expect(result.code).to.equal(3)
        expect(result.stderr).to.match(/chain is broken at event 2/)
      } finally {
        await admin.query('ALTER TABLE heroku_privacy.events ENABLE TRIGGER events_append_only')
        await admin.end()
      }
    })

    it('stops listing a backup once it is deleted', async () => {
      await api('DELETE', `/client/v11/apps/privacy-demo/transfers/${backup.num}`)
      const snapshots = JSON.parse((await cli('privacy:snapshots', '--json')).stdout).snapshots
      expect(snapshots.map((s: {name: string}) => s.name)).to.not.include(backup.to_name)
    })
  })
})
