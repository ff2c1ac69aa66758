import {spawn} from 'node:child_process'
import {readFile, rm, writeFile} from 'node:fs/promises'

import {expect} from 'chai'

import {BIN, PROJECT_ROOT, runCli, restrictForTest, useDatabase, writeReviewedMap} from '../support/context.js'

describe('privacy:retention:run', () => {
  const db = useDatabase({users: 400})
  let dir: string
  let map: string

  before(async () => {
    ;({dir, map} = await writeReviewedMap(['--database-url', db.url]))
    const text = (await readFile(map, 'utf8'))
      .replace(/(  public\.support_tickets:\n)/, '$1    retention: { column: closed_at, after: 2 years, action: delete }\n')
      .replace(/(  public\.audit_events:\n)/, '$1    retention: { column: occurred_at, after: 18 months, action: anonymize }\n')
    await writeFile(map, text)
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const retention = (...args: string[]) => runCli(['privacy:retention:run', '--database-url', db.url, '--map', map, ...args])
  const ids = async (sql: string) => (await db.pool.query(sql)).rows.map(r => String(r.id)).sort()

  it('deletes exactly the expired rows, never restricted ones, and resumes after being killed', async function () {
    this.timeout(180_000)
    await restrictForTest(db, map, 'id=1', 'legal-claim', {hold: true})
    const cutoff = "now() - interval '2 years'"
    const protectedTicket = await ids(
      `SELECT t.id FROM support_tickets t JOIN users u ON u.email = t.requester_email WHERE u.id = 1 AND t.closed_at < ${cutoff}`,
    )
    const expired = await ids(`SELECT id FROM support_tickets WHERE closed_at < ${cutoff}`)
    const kept = await ids(`SELECT id FROM support_tickets WHERE closed_at IS NULL OR closed_at >= ${cutoff}`)
    const eventsToAnonymise = await ids(`SELECT id FROM audit_events WHERE occurred_at < now() - interval '18 months' AND user_id <> 1`)
    expect(expired.length).to.be.greaterThan(20)

    const dry = await retention('--dry-run', '--json')
    expect(dry.code, dry.stderr).to.equal(0)
    const planned = JSON.parse(dry.stdout).tables
    expect(planned.find((t: {table: string}) => t.table === 'public.support_tickets').rows).to.equal(expired.length - protectedTicket.length)

    const child = spawn(process.execPath, [BIN, 'privacy:retention:run', '--database-url', db.url, '--map', map, '--batch-size', '7', '--confirm', db.name], {
      cwd: PROJECT_ROOT,
      stdio: 'ignore',
    })
    const exited = new Promise(resolve => child.on('exit', resolve))
    for (let i = 0; i < 2000; i++) {
      const {rows} = await db.pool
        .query(`SELECT count(*)::int AS n FROM heroku_privacy.events WHERE action = 'retention.batch'`)
        .catch(() => ({rows: [{n: 0}]}))
      if (rows[0].n >= 3) break
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    child.kill('SIGKILL')
    await exited

    const resumed = await retention('--batch-size', '7', '--confirm', db.name, '--json')
    expect(resumed.code, resumed.stderr).to.equal(0)
    expect(JSON.parse(resumed.stdout).resumed).to.equal(true)

    expect(await ids('SELECT id FROM support_tickets')).to.deep.equal([...kept, ...protectedTicket].sort())
    const anonymised = await ids(`SELECT id FROM audit_events WHERE ip IS NULL AND user_agent IS NULL`)
    expect(anonymised).to.deep.equal(eventsToAnonymise)
    const {
      rows: [once],
    } = await db.pool.query(`
      SELECT count(*)::int AS n, count(DISTINCT r.pk)::int AS distinct_n FROM heroku_privacy.event_rows r
      JOIN heroku_privacy.events e ON e.seq = r.seq WHERE e.action = 'retention.batch' AND r.table_name = 'public.audit_events'`)
    expect(once.n).to.equal(eventsToAnonymise.length)
    expect(once.distinct_n).to.equal(once.n)
    expect((await runCli(['privacy:ledger:verify', '--database-url', db.url])).code).to.equal(0)
  })

  it("touches nothing new on the next day's run", async () => {
    const before = await ids('SELECT id FROM audit_events WHERE ip IS NULL')
    const again = await retention('--confirm', db.name, '--json')
    expect(again.code, again.stderr).to.equal(0)
    const report = JSON.parse(again.stdout)
    expect(report.resumed).to.equal(false)
    expect(report.tables.every((t: {rows: number}) => t.rows === 0)).to.equal(true)
    expect(await ids('SELECT id FROM audit_events WHERE ip IS NULL')).to.deep.equal(before)
  })

  it('needs --confirm', async () => {
    const result = await retention()
    expect(result.code).to.equal(4)
  })
})
